package com.fks.execution.risk;

import java.util.List;
import java.util.Optional;

/** Which quote currencies count as USD for the order-size limit. */
final class UsdQuotes {
    /** Longest first, so USDT is not read as USD + T. */
    private static final List<String> USD_QUOTES = List.of("USDT", "USDC", "USD");

    private UsdQuotes() {
    }

    /** The USD-like quote currency of a normalised symbol, or empty for any other quote. */
    static Optional<String> of(String symbol) {
        for (String quote : USD_QUOTES) {
            if (symbol.endsWith(quote) && symbol.length() > quote.length()) {
                return Optional.of(quote);
            }
        }
        return Optional.empty();
    }
}
