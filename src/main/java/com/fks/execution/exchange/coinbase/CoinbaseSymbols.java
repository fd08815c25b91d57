package com.fks.execution.exchange.coinbase;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Normalised symbols (BTCUSD, BTCUSDC, ETHBTC) to Coinbase product ids (BTC-USD, BTC-USDC, ETH-BTC). The quote
 * currency is found by suffix, longest first, so BTCUSDC is BTC-USDC and not BTCU-SDC or BTCUSD-C. An id that is
 * already dashed passes through.
 */
public final class CoinbaseSymbols {

    /** Quote currencies of Coinbase spot products, longest first where one is a suffix of another. */
    static final List<String> QUOTES = List.of("USDC", "USDT", "PYUSD", "USD", "EUR", "GBP", "BTC", "ETH", "DAI", "SOL");

    private CoinbaseSymbols() {
    }

    public static Optional<String> productId(String symbol) {
        if (symbol == null) {
            return Optional.empty();
        }
        String normalised = symbol.trim().toUpperCase(Locale.ROOT);
        if (normalised.matches("[A-Z0-9]{2,10}-[A-Z0-9]{2,10}")) {
            return Optional.of(normalised);
        }
        if (!normalised.matches("[A-Z0-9]{4,20}")) {
            return Optional.empty();
        }
        for (String quote : QUOTES) {
            if (normalised.endsWith(quote) && normalised.length() - quote.length() >= 2) {
                return Optional.of(normalised.substring(0, normalised.length() - quote.length()) + "-" + quote);
            }
        }
        return Optional.empty();
    }
}
