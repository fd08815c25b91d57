package com.fks.execution.risk;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

final class UsdQuotesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "BTCUSDT, USDT",
            "BTCUSDC, USDC",
            "BTCUSD, USD",
            "ETHUSDT, USDT",
            "USDCUSDT, USDT",
    })
    void shouldFindAUsdLikeQuote(String symbol, String quote) {
        // when / then
        assertThat(UsdQuotes.of(symbol)).contains(quote);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ETHBTC", "BTCETH", "BTCEUR", "USDT", "USD", "USDC", "BTCUSDX"})
    void shouldFindNoUsdQuoteForOtherQuotesOrABareCurrency(String symbol) {
        // when / then
        assertThat(UsdQuotes.of(symbol)).isEmpty();
    }
}
