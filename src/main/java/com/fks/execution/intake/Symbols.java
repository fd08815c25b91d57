package com.fks.execution.intake;

import java.util.Locale;
import java.util.Optional;

/**
 * TradingView symbols to the service's form: BINANCE:BTCUSDT, BTC-USD, btc/usdt, BTCUSDT.P → BTCUSDT, BTCUSD.
 * Whether a perpetual ({@code .P}) may be traded as its spot pair is the caller's decision: {@link #isPerpetual}.
 */
public final class Symbols {
    /** TradingView's suffix for a perpetual contract chart. */
    private static final String PERPETUAL_SUFFIX = ".P";

    private Symbols() {
    }

    /** The normalised symbol, or empty when it cannot be one. */
    public static Optional<String> normalise(String raw) {
        String s = withoutExchange(raw);
        if (s.endsWith(PERPETUAL_SUFFIX)) {
            s = s.substring(0, s.length() - PERPETUAL_SUFFIX.length());
        }
        s = s.replace("-", "").replace("/", "").replace("_", "");
        return isValid(s) ? Optional.of(s) : Optional.empty();
    }

    /** [A-Z0-9]{2,24}, as a char loop: every alert's symbol passes here. */
    private static boolean isValid(String s) {
        int n = s.length();
        if (n < 2 || n > 24) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /** True when the symbol names a TradingView perpetual-futures chart (BTCUSDT.P, BINANCE:BTCUSDT.P). */
    public static boolean isPerpetual(String raw) {
        return withoutExchange(raw).endsWith(PERPETUAL_SUFFIX);
    }

    private static String withoutExchange(String raw) {
        String s = raw.trim().toUpperCase(Locale.ROOT);
        int colon = s.lastIndexOf(':');
        return colon >= 0 ? s.substring(colon + 1) : s;
    }
}
