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
}
