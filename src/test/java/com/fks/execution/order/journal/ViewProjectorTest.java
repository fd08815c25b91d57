package com.fks.execution.order.journal;

import com.fks.execution.order.NewOrder;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The view's own pace and bound: what keeps a view that fell behind from capping intake or filling the heap. */
class ViewProjectorTest {
    private static final Instant T0 = Instant.parse("2026-12-01T03:00:00Z");

    @TempDir
    Path dataDir;
    private MapOrderView view;
    private ViewProjector projector;
    private long position;

    @BeforeEach
    void openView() {
        view = MapOrderView.open(dataDir.resolve("order-view.mv"), null);
    }

    @AfterEach
    void close() {
        if (projector != null) {
            projector.close();
        }
        view.close();
    }

    @Test
    void shouldGatherEventsOnlyWhileLessThanATransactionIsWaiting() throws Exception {
        AtomicInteger waits = new AtomicInteger();
        projector = new ViewProjector(view, 0, (p, finals, alerts) -> { }, millis -> waits.incrementAndGet());
        int queued = 2 * ViewProjector.MAX_EVENTS_PER_TRANSACTION + 500;
        projector.enqueue(accepted(queued));

        projector.start();

        assertThat(projector.awaitCaughtUp(60_000)).isTrue();
        assertThat(countOrders()).isEqualTo(queued);
        // Two full transactions were waiting: taken at once. Only the last 500 were worth gathering more for.
        assertThat(waits).hasValue(1);
    }

    @Test
    void shouldMakeTheJournalWaitOnceTheViewIsTheWholeBacklogBehind() throws Exception {
        AtomicLong reported = new AtomicLong();
        projector = new ViewProjector(view, 0, (p, finals, alerts) -> reported.set(p), millis -> { });
        projector.enqueue(accepted(ViewProjector.MAX_BACKLOG_EVENTS));

        CompletableFuture<Void> oneMore = CompletableFuture.runAsync(() -> {
            try {
                projector.enqueue(accepted(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        // The view has not started: nothing drains, so the writer's hand-over must stay blocked.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !oneMore.isDone());
        assertThat(projector.backlog()).isEqualTo(ViewProjector.MAX_BACKLOG_EVENTS);

        projector.start();

        oneMore.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(projector.awaitCaughtUp(60_000)).isTrue();
        assertThat(countOrders()).isEqualTo(ViewProjector.MAX_BACKLOG_EVENTS + 1);
        assertThat(reported).hasValue(position);
    }

    private List<ViewProjector.Positioned> accepted(int count) {
        List<ViewProjector.Positioned> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            position += 100;
            String orderId = String.format("%012x%020d", T0.toEpochMilli(), position);
            NewOrder order = new NewOrder(orderId, "alert-" + position, "fks" + orderId, "paper", "BTCUSDT",
                    Side.BUY, OrderType.MARKET, new BigDecimal("0.015"), new BigDecimal("64000"),
                    new BigDecimal("0.8"), "ema-cross", "{\"symbol\":\"BTCUSDT\"}", T0);
            events.add(new ViewProjector.Positioned(new JournalEvent.Accepted(order, T0), position,
                    LiveOrder.accepted(order, T0, position, "test", T0.plusSeconds(30)).order()));
        }
        return events;
    }

    private long countOrders() {
        return view.orderCount();
    }
}
