package com.fks.execution.order.journal;

import com.fks.execution.order.NewOrder;
import com.fks.execution.order.Order;
import com.fks.execution.order.OrderEvent;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.OrderUpdate;
import com.fks.execution.order.Side;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The view's own file: what a failed batch leaves, what a purge removes, what a reopen finds. */
class MapOrderViewTest {
    private static final Instant T0 = Instant.parse("2026-12-01T06:00:00Z");

    @TempDir
    Path dataDir;
    private MapOrderView view;

    @AfterEach
    void close() {
        if (view != null) {
            view.close();
        }
    }

    @Test
    void shouldLeaveNothingOfABatchThatFailedSoItsRetryAppendsEachStepOnce() {
        // given an order accepted in one batch
        view = MapOrderView.open(dataDir.resolve("order-view.mv"), null);
        LiveOrder a = LiveOrder.accepted(order("a"), T0, 100, "x", T0.plusSeconds(30));
        view.apply(List.of(new ViewProjector.Positioned(new JournalEvent.Accepted(order("a"), T0), 100, a.order())));

        // when the next batch fails after its first event was applied to the maps (the second one cannot be written)
        OrderUpdate submitting = OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING);
        ViewProjector.Positioned step = new ViewProjector.Positioned(
                new JournalEvent.Transitioned("a", submitting, T0), 200, a.after(submitting, T0, 200).order());
        Order broken = new Order("b", "alert-b", "fksb", "paper", "BTCUSDT", Side.BUY, OrderType.MARKET,
                BigDecimal.ONE, null, null, null, null, null, null, null, null, null, null, 0, T0, T0, List.of());
        ViewProjector.Positioned unwritable = new ViewProjector.Positioned(
                new JournalEvent.Attempted("b", "retry", T0), 300, broken);
        assertThatThrownBy(() -> view.apply(List.of(step, unwritable))).isInstanceOf(RuntimeException.class);

        // then the view answers unavailable until it is written again, and the retry of the event it did not take
        // leaves the step once
        assertThatThrownBy(() -> view.checkpoint()).hasMessageContaining("not open");
        view.apply(List.of(step));
        assertThat(view.checkpoint()).isEqualTo(200);
        assertThat(view.find("a", true).orElseThrow().events()).extracting(OrderEvent::status)
                .containsExactly("RECEIVED", "ACCEPTED", "SUBMITTING");
    }

    @Test
    void shouldPurgeAlertIdsReceivedBeforeTheCutoffAndKeepTheirOrders() {
        // given three orders received a minute apart
        view = MapOrderView.open(dataDir.resolve("order-view.mv"), null);
        for (int i = 0; i < 3; i++) {
            NewOrder o = order("o" + i, T0.plusSeconds(60L * i));
            view.apply(List.of(new ViewProjector.Positioned(new JournalEvent.Accepted(o, o.receivedAt()), 100L * (i + 1),
                    LiveOrder.accepted(o, o.receivedAt(), 100L * (i + 1), "x", T0).order())));
        }

        // when
        int purged = view.purgeAlertIdsBefore(T0.plusSeconds(90));

        // then the two oldest ids are gone, after a reopen too; the orders stay
        assertThat(purged).isEqualTo(2);
        view.close();
        view = MapOrderView.open(dataDir.resolve("order-view.mv"), null);
        assertThat(view.alertId("alert-o0")).isEmpty();
        assertThat(view.alertId("alert-o1")).isEmpty();
        assertThat(view.alertId("alert-o2")).contains(new MapOrderView.AlertIdEntry("o2",
                T0.plusSeconds(120).toEpochMilli()));
        assertThat(view.recent(10)).extracting(Order::orderId).containsExactly("o2", "o1", "o0");
    }

    @Test
    void shouldListOrdersNewestFirstWhetherTheirIdBeginsWithTheirTimeOrNot() {
        // given orders whose id begins with their receipt time (as the webhook makes them), a protection order
        // (its entry's id and "p", received later), ids of earlier versions (one random, one that reads as a time
        // far ahead), and two orders of the same millisecond
        view = MapOrderView.open(dataDir.resolve("order-view.mv"), null);
        List<NewOrder> orders = List.of(
                order(timedId(T0, "01"), T0),
                order(timedId(T0.plusSeconds(1), "02"), T0.plusSeconds(1)),
                order(timedId(T0, "01") + "p", T0.plusSeconds(2)),
                order(timedId(T0.plusSeconds(3), "03"), T0.plusSeconds(3)),
                order("ffffffffffff0000000000000000aaaa", T0.plusSeconds(4)),
                order("legacy-o", T0.plusMillis(500)),
                order(timedId(T0.plusSeconds(5), "b5"), T0.plusSeconds(5)),
                order(timedId(T0.plusSeconds(5), "a5"), T0.plusSeconds(5)),
                order(timedId(T0.plusSeconds(6), "06"), T0.plusSeconds(-6)));
        long position = 0;
        for (NewOrder o : orders) {
            position += 100;
            view.apply(List.of(new ViewProjector.Positioned(new JournalEvent.Accepted(o, o.receivedAt()), position,
                    LiveOrder.accepted(o, o.receivedAt(), position, "x", T0).order())));
        }
        List<String> newestFirst = orders.stream()
                .sorted(java.util.Comparator.comparing(NewOrder::receivedAt).thenComparing(NewOrder::orderId)
                        .reversed())
                .map(NewOrder::orderId).toList();

        // then the list is by receipt time, then id, newest first, cut at the limit; and the same after a reopen
        assertThat(view.recent(20)).extracting(Order::orderId).containsExactlyElementsOf(newestFirst);
        assertThat(view.recent(4)).extracting(Order::orderId).containsExactlyElementsOf(newestFirst.subList(0, 4));
        view.close();
        view = MapOrderView.open(dataDir.resolve("order-view.mv"), null);
        assertThat(view.recent(20)).extracting(Order::orderId).containsExactlyElementsOf(newestFirst);
    }

    /** 12 hex digits of the time, then 20 more, as OrderIds makes an id. */
    private static String timedId(Instant at, String tail) {
        return String.format("%012x", at.toEpochMilli()) + "0".repeat(18) + tail;
    }

    private static NewOrder order(String id) {
        return order(id, T0);
    }

    private static NewOrder order(String id, Instant receivedAt) {
        return new NewOrder(id, "alert-" + id, "fks" + id, "paper", "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.015"), new BigDecimal("64000"), null, "trend", "{}", receivedAt);
    }
}
