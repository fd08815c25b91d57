package com.fks.execution.intake;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

final class SymbolsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "BTCUSDT, BTCUSDT",
            "btcusdt, BTCUSDT",
            "BINANCE:BTCUSDT, BTCUSDT",
            "binance:btcusdt, BTCUSDT",
            "BTCUSDT.P, BTCUSDT",
            "BINANCE:BTCUSDT.P, BTCUSDT",
            "btc-usdt, BTCUSDT",
            "BTC/USDT, BTCUSDT",
            "BTC_USDT, BTCUSDT",
            "COINBASE:BTC-USD, BTCUSD",
            "'  ETHUSDC\t', ETHUSDC",
            "1000PEPEUSDT, 1000PEPEUSDT",
            "A:B:ETHUSDT, ETHUSDT",
    })
    void shouldNormaliseTradingViewForms(String raw, String expected) {
        // when / then
        assertThat(Symbols.normalise(raw)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "B", "BINANCE:", "BTC USDT", "BTC$USDT", "BTC.USDT", "ÄBCUSDT", "{{ticker}}",
            "ABCDEFGHIJKLMNOPQRSTUVWXY", ".P"})
    void shouldRefuseWhatCannotBeASymbol(String raw) {
        // when / then
        assertThat(Symbols.normalise(raw)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"BTCUSDT.P", "BINANCE:BTCUSDT.P", "bybit:ethusdt.p", " BTCUSDT.P "})
    void shouldRecognisePerpetualCharts(String raw) {
        // when / then
        assertThat(Symbols.isPerpetual(raw)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"BTCUSDT", "BINANCE:BTCUSDT", "BTC-USD", "PUSDT", "BTCUSDTP", "BINANCE.P:BTCUSDT"})
    void shouldNotTakeASpotSymbolForAPerpetual(String raw) {
        // when / then
        assertThat(Symbols.isPerpetual(raw)).isFalse();
    }

    @Test
    void shouldAcceptTheLongestAllowedSymbol() {
        // when / then: 24 characters
        assertThat(Symbols.normalise("ABCDEFGHIJKLMNOPQRSTUVWX")).contains("ABCDEFGHIJKLMNOPQRSTUVWX");
    }

    @Test
    void shouldAcceptTheShortestAllowedSymbol() {
        // when / then: 2 characters, digits too
        assertThat(Symbols.normalise("b:a1")).contains("A1");
    }
}
