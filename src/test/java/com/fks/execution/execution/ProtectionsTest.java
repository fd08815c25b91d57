package com.fks.execution.execution;

import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.NewOrder;
import com.fks.execution.order.Order;
import com.fks.execution.order.OrderKind;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderTerms;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.PriceLevel;
import com.fks.execution.order.QuantityType;
import com.fks.execution.order.Side;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

final class ProtectionsTest {
    private static final String ENTRY_ID = "0190aaaabbbbccccddddeeeeffff0000";

    private static Order entry(PriceLevel stopLoss, PriceLevel takeProfit) {
        return new Order(ENTRY_ID, "a1", "fks" + ENTRY_ID, "binance", "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.01"), new BigDecimal("60000"), null, "trend", null, OrderStatus.SUBMITTING, null,
                null, null, null, null, 1, Instant.EPOCH, Instant.EPOCH, List.of(),
                new OrderTerms(OrderKind.ENTRY, QuantityType.BASE, stopLoss, takeProfit, null, null));
    }

    @Test
    void shouldProtectBothSidesWithOneOcoForTheFilledQuantity() {
        Order entry = entry(PriceLevel.atPercent(new BigDecimal("2")), PriceLevel.atPrice(new BigDecimal("66000")));

        NewOrder oco = Protections.forFilledEntry(entry, new BigDecimal("0.008"), new BigDecimal("61000"), Instant.EPOCH);

        assertThat(oco.type()).isEqualTo(OrderType.OCO);
        assertThat(oco.terms().kind()).isEqualTo(OrderKind.PROTECTION);
        assertThat(oco.side()).isEqualTo(Side.SELL);
        assertThat(oco.quantity()).isEqualByComparingTo("0.008");
        assertThat(oco.price()).isEqualByComparingTo("66000");
        assertThat(oco.terms().stopPrice()).isEqualByComparingTo("59780"); // 2 % under the 61000 fill
        assertThat(oco.terms().parentOrderId()).isEqualTo(ENTRY_ID);
        OrderRequest request = ExecutionEngine.request(toOrder(oco));
        assertThat(request.limitPrice()).isEqualByComparingTo("66000");
        assertThat(request.stopPrice()).isEqualByComparingTo("59780");
    }

    @Test
    void shouldDeriveTheSameIdsEachTimeSoARecordAfterACrashIsADuplicate() {
        Order entry = entry(PriceLevel.atPrice(new BigDecimal("55000")), null);

        NewOrder first = Protections.forFilledEntry(entry, new BigDecimal("0.01"), new BigDecimal("60000"), Instant.EPOCH);
        NewOrder again = Protections.forFilledEntry(entry, new BigDecimal("0.01"), new BigDecimal("60000"),
                Instant.EPOCH.plusSeconds(5));

        assertThat(again.orderId()).isEqualTo(first.orderId());
        assertThat(again.alertId()).isEqualTo(first.alertId());
        assertThat(again.clientOrderId()).isEqualTo(first.clientOrderId()).hasSize(35);
        assertThat(OrderRequest.takeProfitLegId(first.clientOrderId())).hasSize(36);
        assertThat(first.type()).isEqualTo(OrderType.STOP_LOSS);
        assertThat(first.price()).isNull();
    }

    @Test
    void shouldPlaceASingleTakeProfitWhenOnlyThatWasAsked() {
        NewOrder tp = Protections.forFilledEntry(entry(null, PriceLevel.atPercent(new BigDecimal("5"))),
                new BigDecimal("0.01"), new BigDecimal("60000"), Instant.EPOCH);

        assertThat(tp.type()).isEqualTo(OrderType.TAKE_PROFIT);
        assertThat(tp.price()).isEqualByComparingTo("63000");
    }

    @Test
    void shouldProtectOnlyBuyEntriesThatFilledSomething() {
        Order entry = entry(PriceLevel.atPrice(new BigDecimal("55000")), null);

        assertThat(Protections.wanted(entry, OrderStatus.FILLED, new BigDecimal("0.01"))).isTrue();
        assertThat(Protections.wanted(entry, OrderStatus.PARTIALLY_FILLED, new BigDecimal("0.004"))).isTrue();
        assertThat(Protections.wanted(entry, OrderStatus.CANCELED, BigDecimal.ZERO)).isFalse();
        assertThat(Protections.wanted(entry, OrderStatus.SUBMITTED, new BigDecimal("0.004"))).isFalse();
        assertThat(Protections.wanted(entry(null, null), OrderStatus.FILLED, new BigDecimal("0.01"))).isFalse();
    }

    private static Order toOrder(NewOrder n) {
        return new Order(n.orderId(), n.alertId(), n.clientOrderId(), n.exchange(), n.symbol(), n.side(), n.type(),
                n.quantity(), n.price(), n.confidence(), n.strategy(), n.alertJson(), OrderStatus.ACCEPTED, null, null,
                null, null, null, 0, n.receivedAt(), n.receivedAt(), List.of(), n.terms());
    }
}
