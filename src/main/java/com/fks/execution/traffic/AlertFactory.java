package com.fks.execution.traffic;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fks.execution.signing.WebhookSignature;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds alerts the way a TradingView strategy template renders them: {@code EXCHANGE:TICKER} symbols and bare
 * ones, lower-case actions, market orders carrying the close price and limit orders a little off it, confidences
 * around the usual 0.6 threshold, indicator values that are sometimes a bare {@code NaN} (TradingView's rendering
 * of {@code na}), {@code {{timenow}}} timestamps, and ids unique within the run.
 */
public final class AlertFactory {
    /** A symbol as an alert names it (spot only: perpetuals are refused by default), and a plausible price level (USD). */
    record Instrument(String symbol, double level) {
    }

    static final List<Instrument> INSTRUMENTS = List.of(
            new Instrument("BINANCE:BTCUSDT", 65_000), new Instrument("BTCUSDT", 65_000),
            new Instrument("BYBIT:BTCUSDT", 65_000), new Instrument("COINBASE:BTCUSD", 65_000),
            new Instrument("BTCUSD", 65_000), new Instrument("BINANCE:ETHUSDT", 3_400),
            new Instrument("ETHUSDT", 3_400), new Instrument("COINBASE:ETHUSD", 3_400),
            new Instrument("SOLUSDC", 150), new Instrument("BINANCE:SOLUSDT", 150));
    private static final List<String> STRATEGIES = List.of("ema-cross", "rsi-reversion", "breakout", "vwap-bounce");
    private static final List<String> INTERVALS = List.of("1", "5", "15", "60", "240");
    /** A replayed alert is this old: far beyond any sane WEBHOOK_MAX_AGE_SECONDS, yet a plausible capture. */
    static final Duration REPLAY_AGE = Duration.ofDays(1);

    private final String secret;
    private final WebhookSignature signer;
    private final AuthMode auth;
    private final String runId;
    private final Clock clock;

    public AlertFactory(String secret, AuthMode auth, String runId, Clock clock) {
        this.secret = secret;
        this.signer = new WebhookSignature(secret);
        this.auth = auth;
        this.runId = runId;
        this.clock = clock;
    }

    /** The alert number {@code seq} of the run, of the given kind (not {@link AlertKind#DUPLICATE}: see the runner). */
    public OutgoingAlert create(long seq, AlertKind kind, SplittableRandom random) {
        String id = "tg-" + runId + "-" + seq;
        boolean signed = auth == AuthMode.SIGNATURE || (auth == AuthMode.MIXED && random.nextBoolean());
        Instant at = kind == AlertKind.REPLAY ? clock.instant().minus(REPLAY_AGE) : clock.instant();
        String secretField;
        if (signed) {
            secretField = null;
        } else if (kind == AlertKind.BAD_SIGNATURE) {
            secretField = secret + "-wrong";
        } else {
            secretField = secret;
        }
        String json = render(id, secretField, at, random);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        boolean strictJson = !json.contains("NaN");
        if (kind == AlertKind.MALFORMED) {
            // Cut before the closing brace, so the rest can never be a complete JSON object.
            body = Arrays.copyOf(body, 1 + random.nextInt(body.length - 1));
            strictJson = false;
        }
        String header = null;
        if (signed) {
            // A bad signature is a real HMAC with the right key, of another body: the most convincing forgery.
            byte[] signedBytes = kind == AlertKind.BAD_SIGNATURE
                    ? (json + " ").getBytes(StandardCharsets.UTF_8) : body;
            header = signer.headerValue(signedBytes);
        }
        return new OutgoingAlert(id, kind, body, header, strictJson ? "application/json" : "text/plain");
    }

    private String render(String id, String secretField, Instant at, SplittableRandom random) {
        Instrument instrument = INSTRUMENTS.get(random.nextInt(INSTRUMENTS.size()));
        double close = instrument.level() * (1 + random.nextGaussian() * 0.004);
        boolean limit = random.nextInt(10) < 3;
        String action = random.nextBoolean() ? "buy" : "sell";
        // Orders of 20 to 2,000 USD: well under the default MAX_ORDER_SIZE_USD, like a small account's.
        double notional = 20 + random.nextDouble() * 1_980;
        BigDecimal quantity = BigDecimal.valueOf(notional / close).setScale(6, RoundingMode.HALF_UP)
                .max(new BigDecimal("0.000001"));
        double price = limit ? close * (action.equals("buy") ? 0.999 : 1.001) : close;
        BigDecimal confidence = BigDecimal.valueOf(0.55 + random.nextDouble() * 0.4).setScale(2, RoundingMode.HALF_UP);

        StringBuilder s = new StringBuilder(400).append('{');
        if (secretField != null) {
            field(s, "secret").append(quote(secretField)).append(',');
        }
        field(s, "id").append(quote(id)).append(',');
        field(s, "symbol").append(quote(instrument.symbol())).append(',');
        field(s, "action").append(quote(action)).append(',');
        field(s, "order_type").append(limit ? "\"limit\"" : "\"market\"").append(',');
        field(s, "quantity").append(quantity.toPlainString()).append(',');
        field(s, "price").append(money(price)).append(',');
        field(s, "confidence").append(confidence.toPlainString()).append(',');
        field(s, "strategy").append(quote(STRATEGIES.get(random.nextInt(STRATEGIES.size())))).append(',');
        field(s, "interval").append(quote(INTERVALS.get(random.nextInt(INTERVALS.size())))).append(',');
        // Indicators: a series with no value yet renders as bare NaN (not JSON, and the service must cope).
        field(s, "rsi").append(random.nextInt(10) == 0 ? "NaN"
                : BigDecimal.valueOf(30 + random.nextDouble() * 40).setScale(2, RoundingMode.HALF_UP).toPlainString())
                .append(',');
        field(s, "ema_fast").append(random.nextInt(20) == 0 ? "NaN" : money(close * 0.998)).append(',');
        field(s, "volume").append(BigDecimal.valueOf(random.nextDouble() * 500).setScale(3, RoundingMode.HALF_UP)
                .toPlainString()).append(',');
        field(s, "timestamp");
        if (random.nextBoolean()) {
            // {{timenow}}: UTC, second precision.
            s.append(quote(at.truncatedTo(ChronoUnit.SECONDS).toString()));
        } else {
            s.append(at.toEpochMilli());
        }
        return s.append('}').toString();
    }

    private static StringBuilder field(StringBuilder s, String name) {
        return s.append('"').append(name).append("\":");
    }

    private static String money(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
