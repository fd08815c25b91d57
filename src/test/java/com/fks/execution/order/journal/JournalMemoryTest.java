package com.fks.execution.order.journal;

import com.fks.execution.config.Settings;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.fks.execution.order.Database;
import com.fks.execution.order.NewOrder;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderUpdate;
import com.fks.execution.order.RecordResult;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Memory stays bounded whatever the day's volume: a million alerts accepted and filled through the store, the
 * heap used after a full GC measured after the first 100,000 and at the end. What grows with the volume (the
 * orders, their history, the alert ids of the day) is on disk in the view; memory holds the open orders, what
 * the view has not taken yet, and a fixed-size filter.
 */
final class JournalMemoryTest {
    private static final int ALERTS = Integer.getInteger("journal.memory.alerts", 1_000_000);
    private static final int CALLERS = 64;
    private static final Duration DAY = Duration.ofHours(24);

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepTheHeapFlatOverAMillionAcceptedAlerts() throws Exception {
        HikariDataSource view = Database.open(new Settings.Database(null, null, null), dataDir);
        JournalOrderStore store = JournalOrderStore.open(dataDir.resolve("journal"), () -> view, view, Clock.systemUTC());
        store.awaitOpen();
        try {
            long begin = System.nanoTime();
            run(store, 0, ALERTS / 10);
            long afterFirstTenth = usedAfterGc(store);
            run(store, ALERTS / 10, ALERTS);
            long atEnd = usedAfterGc(store);
            if (Boolean.getBoolean("journal.memory.histogram")) {
                new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                        .inheritIO().start().waitFor();
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            System.out.printf("journal memory: %,d alerts accepted and filled in %.1f s (%.0f/s, %,d forces); "
                            + "heap used after a full GC: %.1f MiB after %,d, %.1f MiB after %,d%n", ALERTS, seconds,
                    ALERTS / seconds, store.forces(), afterFirstTenth / 1048576.0, ALERTS / 10, atEnd / 1048576.0,
                    ALERTS);

            // then: no more than a few MiB more after ten times the alerts (a leak of even 100 bytes an alert
            // would show as 86 MiB)
            assertThat(atEnd - afterFirstTenth).as("heap growth from %,d to %,d alerts", ALERTS / 10, ALERTS)
                    .isLessThan(16L * 1024 * 1024);
            assertThat(store.record(order(0), "a", Instant.now().plusSeconds(15), DAY))
                    .as("the first alert id is still de-duplicated").isEqualTo(new RecordResult.Duplicate(id(0)));
        } finally {
            store.close();
        }
    }

    private static void run(JournalOrderStore store, int from, int to) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        AtomicLong next = new AtomicLong(from);
        try {
            List<Future<?>> callers = new ArrayList<>();
            for (int t = 0; t < CALLERS; t++) {
                callers.add(pool.submit(() -> {
                    for (long i = next.getAndIncrement(); i < to; i = next.getAndIncrement()) {
                        int n = (int) i;
                        Instant now = Instant.now();
                        assertThat(store.record(order(n), "a", now.plusSeconds(15), DAY))
                                .isInstanceOf(RecordResult.Recorded.class);
                        store.transition(id(n), "a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), now);
                        store.transition(id(n), "a", new OrderUpdate(OrderStatus.SUBMITTING, OrderStatus.FILLED, null,
                                null, "x" + n, BigDecimal.ONE, BigDecimal.TEN), now);
                    }
                    return null;
                }));
            }
            for (Future<?> caller : callers) {
                caller.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Heap used after the view has caught up and a full GC. */
    private static long usedAfterGc(JournalOrderStore store) {
        await().atMost(Duration.ofMinutes(3)).until(() -> store.awaitViewCaughtUp(1000));
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static String id(int n) {
        return String.format("%032x", n);
    }

    private static NewOrder order(int n) {
        return new NewOrder(id(n), "alert-" + n, "fks" + id(n), "paper", "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.015"), new BigDecimal("64000.5"), new BigDecimal("0.8"), "ema-cross",
                "{\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":0.015,\"price\":64000.5,\"rsi\":null}",
                Instant.now());
    }
}
