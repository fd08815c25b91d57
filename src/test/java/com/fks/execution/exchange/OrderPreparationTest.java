package com.fks.execution.exchange;

import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

final class OrderPreparationTest {

    private static final InstrumentRules BTCUSDT = new InstrumentRules("BTCUSDT",
            new BigDecimal("0.00001000"), new BigDecimal("0.00001000"), new BigDecimal("9000.00000000"),
            new BigDecimal("0.01000000"), new BigDecimal("0.01000000"), new BigDecimal("1000000.00000000"),
            new BigDecimal("5.00000000"), true);

    @Test
    void shouldRoundQuantityDownToTheStepAndPriceInTheTradersFavour() throws Exception {
        OrderRequest buy = new OrderRequest("c1", "BTCUSDT", Side.BUY, OrderType.LIMIT,
                new BigDecimal("0.123456789"), new BigDecimal("30000.129"), null);
        OrderRequest sell = new OrderRequest("c2", "BTCUSDT", Side.SELL, OrderType.LIMIT,
                new BigDecimal("0.123456789"), new BigDecimal("30000.121"), null);

        OrderPreparation.PreparedOrder preparedBuy = OrderPreparation.prepare(buy, BTCUSDT);
        OrderPreparation.PreparedOrder preparedSell = OrderPreparation.prepare(sell, BTCUSDT);

        assertThat(OrderPreparation.plain(preparedBuy.quantity())).isEqualTo("0.12345");
        assertThat(OrderPreparation.plain(preparedBuy.price())).isEqualTo("30000.12");
        assertThat(OrderPreparation.plain(preparedSell.price())).isEqualTo("30000.13");
    }

    @Test
    void shouldRejectAQuantityThatRoundsToZero() {
        OrderRequest dust = new OrderRequest("c1", "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.000009"), null, new BigDecimal("30000"));

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> OrderPreparation.prepare(dust, BTCUSDT));

        assertThat(e.kind()).isEqualTo(ExchangeException.Kind.REJECTED);
        assertThat(e.exchangeCode()).isEqualTo(OrderPreparation.QUANTITY_ROUNDS_TO_ZERO);
    }

    @Test
    void shouldRejectBelowMinimumNotionalForMarketOrdersWithAReferencePrice() {
        // 0.0001 BTC x 30000 = 3 USDT < 5 USDT
        OrderRequest small = new OrderRequest("c1", "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.0001"), null, new BigDecimal("30000"));

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> OrderPreparation.prepare(small, BTCUSDT));

        assertThat(e.exchangeCode()).isEqualTo(OrderPreparation.BELOW_MIN_NOTIONAL);
        assertThat(e.getMessage()).contains("notional 3", "minimum 5");
    }

    @Test
    void shouldLetTheExchangeJudgeAMarketOrderWithoutReferencePrice() throws Exception {
        OrderRequest noPrice = new OrderRequest("c1", "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.0001"), null, null);

        assertThat(OrderPreparation.prepare(noPrice, BTCUSDT).quantity()).isEqualByComparingTo("0.0001");
    }

    @Test
    void shouldNotApplyTheMinimumToMarketOrdersWhenTheVenueDoesNot() throws Exception {
        InstrumentRules notForMarket = new InstrumentRules("BTCUSDT", new BigDecimal("0.00001"), null, null,
                new BigDecimal("0.01"), null, null, new BigDecimal("5"), false);
        OrderRequest small = new OrderRequest("c1", "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.0001"), null, new BigDecimal("30000"));

        assertThat(OrderPreparation.prepare(small, notForMarket).quantity()).isEqualByComparingTo("0.0001");
    }

    @Test
    void shouldRejectQuantitiesAndPricesOutsideTheLimits() {
        OrderRequest tooBig = new OrderRequest("c1", "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("9001"), null, null);
        OrderRequest tooCheap = new OrderRequest("c2", "BTCUSDT", Side.BUY, OrderType.LIMIT,
                new BigDecimal("1"), new BigDecimal("0.001"), null);

        assertThat(catchThrowableOfType(ExchangeException.class, () -> OrderPreparation.prepare(tooBig, BTCUSDT))
                .exchangeCode()).isEqualTo(OrderPreparation.ABOVE_MAX_QUANTITY);
        assertThat(catchThrowableOfType(ExchangeException.class, () -> OrderPreparation.prepare(tooCheap, BTCUSDT))
                .exchangeCode()).isEqualTo(OrderPreparation.INVALID_PRICE);
    }
}
