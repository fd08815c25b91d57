package com.fks.execution.intake;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** TradingView symbols to the service's form: BINANCE:BTCUSDT, BTC-USD, btc/usdt, BTCUSDT.P → BTCUSDT, BTCUSD. */
public final class Symbols {
    private static final Pattern VALID = Pattern.compile("[A-Z0-9]{2,24}");
    /** Quote currencies whose price counts as USD; longest first so USDT is not read as USD + T. */
    private static final List<String> USD_QUOTES = List.of("USDT", "USDC", "USD");

    private Symbols() {
    }

    /** The normalised symbol, or empty when it cannot be one. */
    public static Optional<String> normalise(String raw) {
        String s = raw.trim().toUpperCase(Locale.ROOT);
        int colon = s.lastIndexOf(':');
        if (colon >= 0) {
            s = s.substring(colon + 1);
        }
        // ".P" is TradingView's suffix for a perpetual contract chart; the service trades the spot pair.
        if (s.endsWith(".P")) {
            s = s.substring(0, s.length() - 2);
        }
        s = s.replace("-", "").replace("/", "").replace("_", "");
        return VALID.matcher(s).matches() ? Optional.of(s) : Optional.empty();
    }

    /** The USD-like quote currency of a normalised symbol, or empty for any other quote. */
    public static Optional<String> usdQuote(String symbol) {
        for (String quote : USD_QUOTES) {
            if (symbol.endsWith(quote) && symbol.length() > quote.length()) {
                return Optional.of(quote);
            }
        }
        return Optional.empty();
    }
}
