package com.fks.execution.order.journal;

import com.fks.execution.order.Order;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderTerms;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OrderCodecTest {
    private static final Instant T0 = Instant.parse("2026-12-01T06:00:00Z");

    @Test
    void shouldGiveBackAnOrderItsStepsAndItsAlertWithTextBeyondAscii() {
        // given an order with empty fields, amounts with trailing zeros, terms, and text beyond ASCII
        Order order = new Order("o1", "alert-ü", "fkso1", "paper", "BTCUSDT", Side.SELL, OrderType.LIMIT,
                new BigDecimal("0.0150"), new BigDecimal("64000.10"), null, "stratégie 😀", null,
                OrderStatus.SUBMITTED, null, "venue said: ñ\tno", "x-1", new BigDecimal("0.005"), null, 2, T0,
                T0.plusMillis(3), List.of(), OrderTerms.decode("k=exit;q=quote;parent=p1"));

        // when
        OrderCodec.Stored back = OrderCodec.decodeStored(OrderCodec.encode(order, "RECEIVED\t1\t\u0000\n", "{\"s\":\"€\"}"));

        // then every field is there; amounts without their trailing zeros, as the SQL view gave them back
        assertThat(back.state()).usingRecursiveComparison().ignoringFields("quantity", "price")
                .isEqualTo(order);
        assertThat(back.state().quantity()).isEqualTo(new BigDecimal("0.015"));
        assertThat(back.state().price()).isEqualTo(new BigDecimal("64000.1"));
        assertThat(back.history()).isEqualTo("RECEIVED\t1\t\u0000\n");
        assertThat(back.alertJson()).isEqualTo("{\"s\":\"€\"}");
        assertThat(OrderCodec.decode(OrderCodec.encode(order, null, null)).strategy()).isEqualTo("stratégie 😀");
    }

    @Test
    void shouldGiveEachOrderItsOwnValueWhenOneBufferEncodesThemAll() {
        // given an order whose alert outgrows the thread's buffer, then small orders encoded after it
        Order big = order("o-big");
        String hugeAlert = "{\"note\":\"" + "x".repeat(40_000) + "é\"}";
        byte[] bigValue = OrderCodec.encode(big, "RECEIVED\t1\t\n", hugeAlert);
        byte[] first = OrderCodec.encode(order("o-1"), "RECEIVED\t2\t\n", "{\"a\":1}");
        byte[] firstCopy = first.clone();

        // when another order is encoded after them
        byte[] second = OrderCodec.encode(order("o-2"), "RECEIVED\t3\t\n", "{\"b\":2}");

        // then each value is exactly its order, and an earlier value was not written over by a later one
        assertThat(first).isEqualTo(firstCopy).isNotSameAs(second);
        assertThat(OrderCodec.decodeStored(bigValue).alertJson()).isEqualTo(hugeAlert);
        assertThat(OrderCodec.decodeStored(first).state().orderId()).isEqualTo("o-1");
        assertThat(OrderCodec.decodeStored(first).alertJson()).isEqualTo("{\"a\":1}");
        assertThat(OrderCodec.decodeStored(second).state().orderId()).isEqualTo("o-2");
        assertThat(OrderCodec.decodeStored(second).history()).isEqualTo("RECEIVED\t3\t\n");
        assertThat(first).hasSizeLessThan(1_000);
    }

    private static Order order(String id) {
        return new Order(id, "alert-" + id, "fks" + id, "paper", "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.01"), null, new BigDecimal("0.9"), "s", null, OrderStatus.ACCEPTED, null, null,
                null, null, null, 0, T0, T0, List.of(), OrderTerms.ENTRY);
    }
}
