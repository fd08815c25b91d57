package com.fks.execution.order;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static com.fks.execution.order.OrderStatus.ACCEPTED;
import static com.fks.execution.order.OrderStatus.DONE;
import static com.fks.execution.order.OrderStatus.CANCELED;
import static com.fks.execution.order.OrderStatus.FAILED;
import static com.fks.execution.order.OrderStatus.FILLED;
import static com.fks.execution.order.OrderStatus.PARTIALLY_FILLED;
import static com.fks.execution.order.OrderStatus.REJECTED;
import static com.fks.execution.order.OrderStatus.SUBMITTED;
import static com.fks.execution.order.OrderStatus.SUBMITTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class OrderStatusTest {
    /** The table, written out independently of the code. */
    private static final Map<OrderStatus, Set<OrderStatus>> EXPECTED = Map.of(
            ACCEPTED, EnumSet.of(SUBMITTING, FAILED, CANCELED),
            SUBMITTING, EnumSet.of(SUBMITTED, FILLED, PARTIALLY_FILLED, CANCELED, REJECTED, FAILED, DONE),
            SUBMITTED, EnumSet.of(SUBMITTED, FILLED, PARTIALLY_FILLED, CANCELED, REJECTED),
            FILLED, EnumSet.noneOf(OrderStatus.class),
            PARTIALLY_FILLED, EnumSet.noneOf(OrderStatus.class),
            CANCELED, EnumSet.noneOf(OrderStatus.class),
            REJECTED, EnumSet.noneOf(OrderStatus.class),
            FAILED, EnumSet.noneOf(OrderStatus.class),
            DONE, EnumSet.noneOf(OrderStatus.class));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "ACCEPTED, SUBMITTING",
            "ACCEPTED, FAILED",
            "ACCEPTED, CANCELED",
            "SUBMITTING, DONE",
            "SUBMITTING, SUBMITTED",
            "SUBMITTING, FILLED",
            "SUBMITTING, PARTIALLY_FILLED",
            "SUBMITTING, CANCELED",
            "SUBMITTING, REJECTED",
            "SUBMITTING, FAILED",
            "SUBMITTED, SUBMITTED",
            "SUBMITTED, FILLED",
            "SUBMITTED, PARTIALLY_FILLED",
            "SUBMITTED, CANCELED",
            "SUBMITTED, REJECTED",
    })
    void shouldAllowEachTransitionOfTheTable(OrderStatus from, OrderStatus to) {
        // when / then
        assertThat(from.canBecome(to)).isTrue();
        assertThatCode(() -> from.checkTransition(to)).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "ACCEPTED, ACCEPTED",
            "ACCEPTED, SUBMITTED",
            "ACCEPTED, FILLED",
            "ACCEPTED, REJECTED",
            "SUBMITTING, ACCEPTED",
            "SUBMITTING, SUBMITTING",
            "SUBMITTED, SUBMITTING",
            "SUBMITTED, ACCEPTED",
            "SUBMITTED, FAILED",
            "FILLED, SUBMITTED",
            "FILLED, CANCELED",
            "PARTIALLY_FILLED, FILLED",
            "CANCELED, FILLED",
            "REJECTED, SUBMITTING",
            "FAILED, SUBMITTING",
            "FAILED, ACCEPTED",
    })
    void shouldRefuseATransitionOutsideTheTable(OrderStatus from, OrderStatus to) {
        // when / then
        assertThat(from.canBecome(to)).isFalse();
        assertThatThrownBy(() -> from.checkTransition(to))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("order status cannot go from " + from + " to " + to);
    }

    @Test
    void shouldMatchTheWrittenTableForEveryPair() {
        // when / then: all 64 pairs
        for (OrderStatus from : OrderStatus.values()) {
            for (OrderStatus to : OrderStatus.values()) {
                assertThat(from.canBecome(to)).as("%s -> %s", from, to).isEqualTo(EXPECTED.get(from).contains(to));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = OrderStatus.class, names = {"FILLED", "PARTIALLY_FILLED", "CANCELED", "REJECTED", "FAILED"})
    void shouldTreatSettledStatesAsFinal(OrderStatus status) {
        // when / then
        assertThat(status.isFinal()).isTrue();
        assertThat(OrderStatus.open()).doesNotContain(status);
        for (OrderStatus next : OrderStatus.values()) {
            assertThat(status.canBecome(next)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(value = OrderStatus.class, names = {"ACCEPTED", "SUBMITTING", "SUBMITTED"})
    void shouldTreatInFlightStatesAsOpen(OrderStatus status) {
        // when / then
        assertThat(status.isFinal()).isFalse();
        assertThat(OrderStatus.open()).contains(status);
    }

    @Test
    void shouldListExactlyTheOpenStatuses() {
        // when / then
        assertThat(OrderStatus.open()).containsExactlyInAnyOrder(ACCEPTED, SUBMITTING, SUBMITTED);
    }

    @Test
    void shouldHandOutAnOpenSetThatCannotCorruptTheNextCaller() {
        // given
        Set<OrderStatus> mine = OrderStatus.open();

        // when
        try {
            mine.add(FILLED);
        } catch (UnsupportedOperationException ignored) {
            // an unmodifiable set is as good
        }

        // then
        assertThat(OrderStatus.open()).containsExactlyInAnyOrder(ACCEPTED, SUBMITTING, SUBMITTED);
    }
}
