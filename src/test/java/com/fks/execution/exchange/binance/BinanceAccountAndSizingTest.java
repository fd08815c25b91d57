package com.fks.execution.exchange.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeException.Kind;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.InstrumentRules;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.fks.execution.testexchange.BinanceTestExchange;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Balances (GET /api/v3/account), a symbol's assets, and MARKET orders sized in the quote asset. */
final class BinanceAccountAndSizingTest {

    private static final String KEY = "test-api-key-0002";
    private static final String SECRET = "test-api-secret-4Mge3R5YNiPNhqPtmdSJYdKjVHjA7PZj";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private BinanceTestExchange exchange;
    private BinanceClient client;

    @BeforeEach
    void startExchange() {
        exchange = BinanceTestExchange.start(KEY, SECRET);
        client = BinanceClient.create(KEY, SECRET, exchange.baseUrl(), TIMEOUT, Clock.systemUTC());
    }

    @AfterEach
    void stopExchange() {
        exchange.close();
    }

    @Test
    void shouldReadTheFreeBalanceOfAnAssetAndZeroForOneNotHeld() throws Exception {
        exchange.setBalance("USDT", new BigDecimal("1234.56780000")).setBalance("BTC", new BigDecimal("0.5"));
        exchange.setBalance("ETH", BigDecimal.ZERO);

        assertThat(client.freeBalance("USDT")).isEqualByComparingTo("1234.5678");
        assertThat(client.freeBalance("btc")).isEqualByComparingTo("0.5");
        assertThat(client.freeBalance("ETH")).isZero();
        assertThat(client.freeBalance("DOGE")).isZero();
        assertThat(exchange.requestCount("GET", "/api/v3/account")).isEqualTo(4);
        assertThat(exchange.rejectedAuthCount()).isZero();
    }

    @Test
    void shouldNotCountWhatAnOpenOrderHoldsAsFree() throws Exception {
        exchange.setBalance("BTC", new BigDecimal("0.5"));
        client.place(new OrderRequest("held-1", "BTCUSDT", Side.SELL, OrderType.LIMIT, new BigDecimal("0.2"),
                new BigDecimal("31000"), null));

        assertThat(client.freeBalance("BTC")).isEqualByComparingTo("0.3");
        assertThat(exchange.lockedBalance("BTC")).isEqualByComparingTo("0.2");
    }

    @Test
    void shouldCountTheAccountReadsWeightOf20AndRefuseItLocallyWhenTheMinuteCannotAffordIt() throws Exception {
        awayFromAMinuteBoundary();
        exchange.setBalance("USDT", new BigDecimal("100"));
        // Used weight then reads 5,880 + 1 (server time) + 4 (the lookup) = 5,885: a lookup (4) still fits under the
        // 5,900 trading ceiling, an account read (20) does not.
        exchange.setUsedWeightBaseline(5_880);
        client.lookup("BTCUSDT", "nothing-1");

        ExchangeException e = catchThrowableOfType(ExchangeException.class, () -> client.freeBalance("USDT"));

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.exchangeCode()).isEqualTo("weight_limit");
        assertThat(exchange.requestCount("GET", "/api/v3/account")).isZero();
        assertThat(client.lookup("BTCUSDT", "nothing-2")).isEmpty();
    }

    @Test
    void shouldGiveTheSymbolsBaseAndQuoteAssetInItsRules() throws Exception {
        InstrumentRules rules = client.instrumentRules("BTCUSDT");

        assertThat(rules.baseAsset()).isEqualTo("BTC");
        assertThat(rules.quoteAsset()).isEqualTo("USDT");
        assertThat(rules.stepSize()).isEqualByComparingTo("0.00001");
    }

    @Test
    void shouldBuyAtMarketForAQuoteAmountWithQuoteOrderQtyCutToTheQuotePrecision() throws Exception {
        exchange.setBalance("USDT", new BigDecimal("1000"));
        OrderRequest request = new OrderRequest("quote-1", "BTCUSDT", Side.BUY, OrderType.MARKET, null, null,
                new BigDecimal("30000"), null, new BigDecimal("100.123456789"));

        ExchangeOrder order = client.place(request);

        BinanceTestExchange.Order atExchange = exchange.orders().get("quote-1");
        assertThat(atExchange.quoteOrderQty()).isEqualByComparingTo("100.12345678");
        assertThat(atExchange.quoteOrderQty().scale()).isLessThanOrEqualTo(8);
        // 100.12345678 / 30000 = 0.003337..., cut to the 0.00001 lot step.
        assertThat(order.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(order.executedQuantity()).isEqualByComparingTo("0.00333");
        assertThat(order.averagePrice()).isEqualByComparingTo("30000");
        assertThat(client.freeBalance("USDT")).isEqualByComparingTo("900.1");
        assertThat(client.freeBalance("BTC")).isEqualByComparingTo("0.00333");
    }

    @Test
    void shouldRefuseAQuoteAmountUnderTheMinimumNotionalWithoutSending() {
        OrderRequest request = new OrderRequest("quote-2", "BTCUSDT", Side.BUY, OrderType.MARKET, null, null,
                null, null, new BigDecimal("4.99"));

        ExchangeException e = catchThrowableOfType(ExchangeException.class, () -> client.place(request));

        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.exchangeCode()).isEqualTo("below_min_notional");
        assertThat(exchange.requestCount("POST", "/api/v3/order")).isZero();
    }

    private static void awayFromAMinuteBoundary() throws InterruptedException {
        long intoMinute = System.currentTimeMillis() % 60_000;
        if (intoMinute > 55_000) {
            Thread.sleep(60_500 - intoMinute);
        }
    }
}
