package com.fks.execution.exchange.paper;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The base and quote asset of a normalised symbol, for the paper account's balances. The paper exchange has no
 * listing to ask (a real venue names both assets in its rules), so the quote is found by a known suffix.
 */
final class PaperSymbols {
    /** The base and quote asset of one symbol: BTCUSDT is BTC and USDT. */
    record Assets(String base, String quote) {
    }

    /**
     * Quote assets of spot markets on Binance and Coinbase, longest first where one ends with another (FDUSD and
     * BUSD before USD). TUSD is left out: DOTUSD would read as DO/TUSD.
     */
    static final List<String> QUOTES = List.of("FDUSD", "PYUSD", "USDT", "USDC", "BUSD", "USD", "EUR", "GBP", "TRY",
            "BRL", "JPY", "DAI", "BTC", "ETH", "BNB", "SOL");

    private PaperSymbols() {
    }

    /**
     * The assets of a symbol, or empty when it ends with no known quote. A quote that leaves a base of three
     * characters or more wins over one that leaves two (BNBUSD is BNB/USD, not BN/BUSD); only then may a base
     * be two characters long (OPUSDT is OP/USDT).
     */
    static Optional<Assets> assets(String symbol) {
        Optional<Assets> known = KNOWN.get(symbol);
        if (known != null) {
            return known;
        }
        Optional<Assets> split = split(symbol);
        if (KNOWN.size() < MAX_KNOWN) {
            KNOWN.put(symbol, split);
        }
        return split;
    }

    /**
     * Each symbol's assets, worked out once: an account trades a handful of symbols, and splitting one again for
     * every order allocated its two names each time. At most {@link #MAX_KNOWN}, since symbols come from alerts.
     */
    private static final Map<String, Optional<Assets>> KNOWN = new ConcurrentHashMap<>();
    private static final int MAX_KNOWN = 1024;

    private static Optional<Assets> split(String symbol) {
        for (int minimumBase = 3; minimumBase >= 2; minimumBase--) {
            for (String quote : QUOTES) {
                if (symbol.endsWith(quote) && symbol.length() - quote.length() >= minimumBase) {
                    return Optional.of(new Assets(symbol.substring(0, symbol.length() - quote.length()), quote));
                }
            }
        }
        return Optional.empty();
    }
}
