package com.fks.execution.execution;

import com.fks.execution.order.Order;
import com.fks.execution.order.OrderKind;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderTerms;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Position;
import com.fks.execution.order.QuantityType;
import com.fks.execution.order.Side;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

final class SizingTest {

    private static Order order(Side side, OrderType type, String quantity, String price, OrderKind kind,
                               QuantityType quantityType) {
        return new Order("o1", "a1", "fkso1", "binance", "BTCUSDT", side, type, new BigDecimal(quantity),
                price == null ? null : new BigDecimal(price), null, "trend", null, OrderStatus.ACCEPTED, null, null,
                null, null, null, 0, Instant.EPOCH, Instant.EPOCH, List.of(), OrderTerms.of(kind, quantityType));
    }

    private static Position position(String quantity, String openSells) {
        return new Position("binance", "BTCUSDT", "trend", new BigDecimal(quantity), new BigDecimal("60000"),
                new BigDecimal(openSells));
    }

    @Test
    void shouldSendAQuoteSizedLimitOrderAsBaseUnitsAtItsLimit() {
        Sizing.Sized sized = Sizing.quoteAtLimit(order(Side.BUY, OrderType.LIMIT, "500", "50000", OrderKind.ENTRY,
                QuantityType.QUOTE));

        assertThat(sized.quantity()).isEqualByComparingTo("0.01");
        assertThat(sized.terms().quantityType()).isEqualTo(QuantityType.BASE);
    }

    @Test
    void shouldSpendAPercentOfTheQuoteBalanceOnAMarketBuyAsAQuoteAmount() {
        Sizing.Sized sized = Sizing.percentOfBalance(order(Side.BUY, OrderType.MARKET, "25", "60000",
                OrderKind.ENTRY, QuantityType.PERCENT_OF_BALANCE), "USDT", new BigDecimal("1000"));

        assertThat(sized.quantity()).isEqualByComparingTo("250");
        assertThat(sized.terms().quantityType()).isEqualTo(QuantityType.QUOTE);
    }

    @Test
    void shouldSellAPercentOfTheBaseBalanceInBaseUnits() {
        Sizing.Sized sized = Sizing.percentOfBalance(order(Side.SELL, OrderType.MARKET, "50", "60000",
                OrderKind.ENTRY, QuantityType.PERCENT_OF_BALANCE), "BTC", new BigDecimal("0.3"));

        assertThat(sized.quantity()).isEqualByComparingTo("0.15");
        assertThat(sized.terms().quantityType()).isEqualTo(QuantityType.BASE);
    }

    @Test
    void shouldFailAPercentOfAnEmptyBalance() {
        Sizing.Sized sized = Sizing.percentOfBalance(order(Side.BUY, OrderType.MARKET, "25", "60000",
                OrderKind.ENTRY, QuantityType.PERCENT_OF_BALANCE), "USDT", BigDecimal.ZERO);

        assertThat(sized.failureReason()).isEqualTo("insufficient_balance");
    }

    @Test
    void shouldExitWhatThePositionHoldsLessWhatOpenSellsAlreadyCover() {
        Order exit = order(Side.SELL, OrderType.MARKET, "100", null, OrderKind.EXIT, QuantityType.PERCENT_OF_POSITION);

        assertThat(Sizing.percentOfPosition(exit, position("0.05", "0.01"), new BigDecimal("3")).quantity())
                .isEqualByComparingTo("0.04");
    }

    @Test
    void shouldNeverSellMoreThanTheFreeBalance() {
        Order exit = order(Side.SELL, OrderType.MARKET, "100", null, OrderKind.EXIT, QuantityType.PERCENT_OF_POSITION);

        Sizing.Sized sized = Sizing.percentOfPosition(exit, position("0.05", "0"), new BigDecimal("0.03"));

        assertThat(sized.quantity()).isEqualByComparingTo("0.03");
        assertThat(sized.detail()).contains("capped by the free balance 0.03");
    }

    @Test
    void shouldCloseAShareOfThePosition() {
        Order exit = order(Side.SELL, OrderType.MARKET, "25", null, OrderKind.EXIT, QuantityType.PERCENT_OF_POSITION);

        assertThat(Sizing.percentOfPosition(exit, position("0.04", "0"), null).quantity()).isEqualByComparingTo("0.01");
    }

    @Test
    void shouldFailAnExitOfAFlatPosition() {
        Order exit = order(Side.SELL, OrderType.MARKET, "100", null, OrderKind.EXIT, QuantityType.PERCENT_OF_POSITION);

        assertThat(Sizing.percentOfPosition(exit, position("0", "0"), null).failureReason()).isEqualTo("no_position");
    }

    @Test
    void shouldSendAMarketOrderSizedInTheQuoteCurrencyAsAQuoteAmount() {
        Order quoteMarket = order(Side.BUY, OrderType.MARKET, "500", "60000", OrderKind.ENTRY, QuantityType.QUOTE);

        assertThat(Sizing.needed(quoteMarket)).isFalse();
        assertThat(ExecutionEngine.request(quoteMarket).quoteQuantity()).isEqualByComparingTo("500");
        assertThat(ExecutionEngine.request(quoteMarket).quantity()).isNull();
    }
}
