package com.fks.execution.exchange.coinbase;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class CoinbaseSymbolsTest {

    @Test
    void shouldMapNormalisedSymbolsToProductIds() {
        assertThat(CoinbaseSymbols.productId("BTCUSD")).contains("BTC-USD");
        assertThat(CoinbaseSymbols.productId("BTCUSDC")).contains("BTC-USDC");
        assertThat(CoinbaseSymbols.productId("BTCUSDT")).contains("BTC-USDT");
        assertThat(CoinbaseSymbols.productId("ethbtc")).contains("ETH-BTC");
        assertThat(CoinbaseSymbols.productId("SOLUSD")).contains("SOL-USD");
        assertThat(CoinbaseSymbols.productId("BTC-EUR")).contains("BTC-EUR");
    }

    @Test
    void shouldFindNoProductForWhatIsNotASymbol() {
        assertThat(CoinbaseSymbols.productId("USD")).isEmpty();
        assertThat(CoinbaseSymbols.productId("BTC/USD")).isEmpty();
        assertThat(CoinbaseSymbols.productId("BTCXYZ")).isEmpty();
        assertThat(CoinbaseSymbols.productId(null)).isEmpty();
    }
}
