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
import java.util.function.Function;

/**
 * Builds alerts the way a TradingView strategy template renders them: {@code EXCHANGE:TICKER} symbols and bare
 * ones, lower-case actions, market orders carrying the close price and marketable limit orders (2 % through it, as a
 * trader who wants the fill and caps the price sends them; a passive limit would rest on the paper exchange until
 * a later alert's price reached it, and a run's accounting could not wait for it), confidences
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

    /** The position a strategy entry opened once it got a 202: what its exit names. */
    public record OpenEntry(String symbol, String strategy, BigDecimal quantity, double close) {
    }

    /** A strategy entry to send, and the position it opens if it is accepted. */
    public record StrategyEntry(OutgoingAlert alert, OpenEntry open) {
    }

    /**
     * The alert number {@code seq} of the run, of the given kind (not {@link AlertKind#DUPLICATE} nor
     * {@link AlertKind#STRATEGY_EXIT}: see the runner, and {@link #strategyExit}).
     */
    public OutgoingAlert create(long seq, AlertKind kind, SplittableRandom random) {
        if (kind == AlertKind.STRATEGY_ENTRY) {
            return strategyEntry(seq, random).alert();
        }
        String id = id(seq);
        boolean signed = signs(random);
        Instant at = kind == AlertKind.REPLAY ? clock.instant().minus(REPLAY_AGE) : clock.instant();
        String secretField;
        if (signed) {
            secretField = null;
        } else if (kind == AlertKind.BAD_SIGNATURE) {
            secretField = secret + "-wrong";
        } else {
            secretField = secret;
        }
        String json = kind == AlertKind.CANCEL ? renderCancel(id, secretField, at, random)
                : render(id, secretField, at, random);
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

    /**
     * A strategy's entry: a market buy at the close with a stop-loss below and a take-profit above it (as a percent
     * or a price, at random), under a strategy name of its own so that its exit closes this position only.
     */
    public StrategyEntry strategyEntry(long seq, SplittableRandom random) {
        Instrument instrument = INSTRUMENTS.get(random.nextInt(INSTRUMENTS.size()));
        double close = instrument.level() * (1 + random.nextGaussian() * 0.004);
        double notional = 20 + random.nextDouble() * 1_980;
        BigDecimal quantity = BigDecimal.valueOf(notional / close).setScale(6, RoundingMode.HALF_UP)
                .max(new BigDecimal("0.000001"));
        OpenEntry open = new OpenEntry(instrument.symbol(), "tg-" + runId + "-s" + seq, quantity, close);
        String protection = protection(close, random);
        return new StrategyEntry(signedForSending(id(seq), AlertKind.STRATEGY_ENTRY, random,
                secretField -> strategyAlert(id(seq), secretField, open, "buy", "long", close, protection, random)),
                open);
    }

    /**
     * The exit of an accepted entry as the same strategy template renders it when the strategy closes: a sell of the
     * entry's contracts with sentiment flat, a new close, and the template's protection fields (ignored on an exit).
     */
    public OutgoingAlert strategyExit(long seq, OpenEntry entry, SplittableRandom random) {
        double close = entry.close() * (1 + random.nextGaussian() * 0.004);
        String protection = protection(entry.close(), random);
        return signedForSending(id(seq), AlertKind.STRATEGY_EXIT, random,
                secretField -> strategyAlert(id(seq), secretField, entry, "sell", "flat", close, protection, random));
    }

    private String id(long seq) {
        return "tg-" + runId + "-" + seq;
    }

    private boolean signs(SplittableRandom random) {
        return auth == AuthMode.SIGNATURE || (auth == AuthMode.MIXED && random.nextBoolean());
    }

    private OutgoingAlert signedForSending(String id, AlertKind kind, SplittableRandom random,
                                           Function<String, String> render) {
        boolean signed = signs(random);
        String json = render.apply(signed ? null : secret);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return new OutgoingAlert(id, kind, body, signed ? signer.headerValue(body) : null, "application/json");
    }

    private static String protection(double close, SplittableRandom random) {
        // Levels a few percent away from the close: a stop-loss below, a take-profit above, as the service requires.
        String stopLoss = random.nextBoolean()
                ? "{\"percent\":" + BigDecimal.valueOf(1 + random.nextDouble() * 2).setScale(2, RoundingMode.HALF_UP) + "}"
                : "{\"price\":" + money(close * 0.97) + "}";
        String takeProfit = random.nextBoolean()
                ? "{\"percent\":" + BigDecimal.valueOf(2 + random.nextDouble() * 4).setScale(2, RoundingMode.HALF_UP) + "}"
                : "{\"price\":" + money(close * 1.04) + "}";
        return "\"stop_loss\":" + stopLoss + ",\"take_profit\":" + takeProfit;
    }

    private String strategyAlert(String id, String secretField, OpenEntry position, String action, String sentiment,
                                 double close, String protection, SplittableRandom random) {
        StringBuilder s = new StringBuilder(400).append('{');
        if (secretField != null) {
            field(s, "secret").append(quote(secretField)).append(',');
        }
        field(s, "id").append(quote(id)).append(',');
        field(s, "symbol").append(quote(position.symbol())).append(',');
        field(s, "action").append(quote(action)).append(',');
        field(s, "sentiment").append(quote(sentiment)).append(',');
        field(s, "quantity").append(position.quantity().toPlainString()).append(',');
        field(s, "price").append(money(close)).append(',');
        s.append(protection).append(',');
        field(s, "strategy").append(quote(position.strategy())).append(',');
        field(s, "interval").append(quote(INTERVALS.get(random.nextInt(INTERVALS.size())))).append(',');
        timestamp(s, clock.instant(), random);
        return s.append('}').toString();
    }

    private String renderCancel(String id, String secretField, Instant at, SplittableRandom random) {
        Instrument instrument = INSTRUMENTS.get(random.nextInt(INSTRUMENTS.size()));
        StringBuilder s = new StringBuilder(200).append('{');
        if (secretField != null) {
            field(s, "secret").append(quote(secretField)).append(',');
        }
        field(s, "id").append(quote(id)).append(',');
        field(s, "symbol").append(quote(instrument.symbol())).append(',');
        field(s, "action").append("\"cancel\",");
        field(s, "strategy").append(quote(STRATEGIES.get(random.nextInt(STRATEGIES.size())))).append(',');
        timestamp(s, at, random);
        return s.append('}').toString();
    }

    private static void timestamp(StringBuilder s, Instant at, SplittableRandom random) {
        field(s, "timestamp");
        if (random.nextBoolean()) {
            // {{timenow}}: UTC, second precision.
            s.append(quote(at.truncatedTo(ChronoUnit.SECONDS).toString()));
        } else {
            s.append(at.toEpochMilli());
        }
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
        double price = limit ? close * (action.equals("buy") ? 1.02 : 0.98) : close;
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
        timestamp(s, at, random);
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
