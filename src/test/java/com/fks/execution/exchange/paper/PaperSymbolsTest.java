package com.fks.execution.exchange.paper;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Base and quote assets of the symbols alerts name, for the paper account. */
final class PaperSymbolsTest {
    @ParameterizedTest
    @CsvSource({
            "BTCUSDT, BTC, USDT",
            "BTCUSD, BTC, USD",
            "ETHUSDC, ETH, USDC",
            "BTCFDUSD, BTC, FDUSD",
            "BTCBUSD, BTC, BUSD",
            "BNBUSD, BNB, USD",
            "DOTUSD, DOT, USD",
            "ETHBTC, ETH, BTC",
            "BTCEUR, BTC, EUR",
            "SOLUSDC, SOL, USDC",
            "OPUSDT, OP, USDT",
            "PEPEUSDT, PEPE, USDT",
    })
    void shouldSplitASymbolAtItsQuoteAsset(String symbol, String base, String quote) {
        assertThat(PaperSymbols.assets(symbol)).contains(new PaperSymbols.Assets(base, quote));
    }

    @ParameterizedTest
    @ValueSource(strings = {"AAPL", "USDT", "XUSDT", "BTCUSDX"})
    void shouldKnowNoAssetsOfASymbolWithoutAKnownQuoteOrBase(String symbol) {
        assertThat(PaperSymbols.assets(symbol)).isEmpty();
    }
}
