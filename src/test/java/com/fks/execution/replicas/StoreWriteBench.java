package com.fks.execution.replicas;

import com.fks.execution.config.Settings;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.fks.execution.execution.ExecutionEngine;
import com.fks.execution.intake.OrderIds;
import com.fks.execution.order.Database;
import com.fks.execution.order.JdbcOrderStore;
import com.fks.execution.order.NewOrder;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderUpdate;
import com.fks.execution.order.RecordResult;
import com.zaxxer.hikari.HikariDataSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's write path alone, in one process: caller threads record orders in a closed loop for a while, then
 * move the recorded orders through ACCEPTED → SUBMITTING → FILLED, and it prints records/s and transitions/s,
 * and the CPU time each took in this JVM and in PostgreSQL's processes (steadier than a rate on a shared machine).
 * {@code postgres} runs one store on the embedded PostgreSQL the replica tests use ({@code fsync=off}), {@code
 * postgres2} two stores on two pools (two replicas' writers) sharing the threads, {@code h2} the embedded store.
 *
 * <pre>java -cp target/test-classes:target/classes:$CP com.fks.execution.replicas.StoreWriteBench postgres 32 10 10</pre>
 * (mode, caller threads, seconds measured per phase, seconds of warm-up)
 */
public final class StoreWriteBench {
    private static final Duration LEASE = Duration.ofMinutes(10);
    private static CpuClock cpu;

    private StoreWriteBench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "postgres";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        // Long enough for the JIT on a loaded machine: with 3 s, 8 s runs measured the compiler as much as the store.
        int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        SharedStores stores = null;
        List<HikariDataSource> pools = new ArrayList<>();
        Path h2Dir = null;
        if (mode.startsWith("postgres")) {
            stores = SharedStores.start();
            Settings.Database settings = new Settings.Database(stores.jdbcUrl(), "postgres", null);
            int count = mode.equals("postgres2") ? 2 : 1;
            for (int i = 0; i < count; i++) {
                pools.add(Database.open(settings, Path.of("unused")));
            }
        } else {
            h2Dir = Files.createTempDirectory("fks-bench-h2-");
            pools.add(Database.open(new Settings.Database(null, null, null), h2Dir));
        }
        cpu = new CpuClock(stores == null ? -1 : stores.postgresPid());
        List<JdbcOrderStore> owners = new ArrayList<>();
        for (HikariDataSource pool : pools) {
            owners.add(new JdbcOrderStore(pool, pool));
        }
        try {
            ConcurrentLinkedQueue<String[]> recorded = new ConcurrentLinkedQueue<>();
            run(owners, threads, warmUp, "warm-up records", recorded, false);
            run(owners, threads, warmUp, "warm-up transitions", recorded, true);
            recorded.clear();
            double records = run(owners, threads, seconds, "records", recorded, false);
            double transitions = run(owners, threads, seconds, "transitions", recorded, true);
            System.out.printf("mode=%s threads=%d seconds=%d records/s=%.0f transitions/s=%.0f%n",
                    mode, threads, seconds, records, transitions);
        } finally {
            owners.forEach(JdbcOrderStore::close);
            if (stores != null) {
                stores.close();
            }
        }
    }

    /** Runs the loop on every thread (thread i uses store i mod count) for the given time; returns calls/s. */
    private static double run(List<JdbcOrderStore> owners, int threads, int seconds, String what,
                              ConcurrentLinkedQueue<String[]> orders, boolean transitions) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int index = t % owners.size();
            JdbcOrderStore store = owners.get(index);
            String owner = "owner-" + index;
            Thread thread = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        try {
                            if (transitions) {
                                String[] next = orders.poll();
                                if (next == null) {
                                    break;
                                }
                                JdbcOrderStore its = owners.get(Integer.parseInt(next[1]));
                                Instant now = Instant.now();
                                its.transition(next[0], "owner-" + next[1],
                                        OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), now);
                                its.transition(next[0], "owner-" + next[1], new OrderUpdate(OrderStatus.SUBMITTING,
                                        OrderStatus.FILLED, null, null, "X-" + next[0], new BigDecimal("0.001"),
                                        new BigDecimal("65000")), now);
                                done.addAndGet(2);
                            } else {
                                RecordResult r = store.record(newOrder(), owner, Instant.now().plus(LEASE),
                                        ExecutionEngine.DEDUP_WINDOW);
                                orders.add(new String[] {r.orderId(), Integer.toString(index)});
                                done.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                        }
                    }
                } finally {
                    finished.countDown();
                }
            }, "bench-" + t);
            thread.start();
        }
        long started = System.nanoTime();
        long[] cpuBefore = cpu.read();
        // The transitions end early when every recorded order has moved; the rate counts the time they took.
        finished.await(seconds, TimeUnit.SECONDS);
        stop.set(true);
        finished.await();
        double elapsed = (System.nanoTime() - started) / 1e9;
        long[] cpuAfter = cpu.read();
        double rate = done.get() / elapsed;
        double per = Math.max(1, done.get()) / 1000.0;
        System.out.printf("%s: %d in %.1f s = %.0f/s, %d failed; CPU ms per 1000: JVM %.0f, PostgreSQL %.0f%n", what,
                done.get(), elapsed, rate, failed.get(), (cpuAfter[0] - cpuBefore[0]) / 1e6 / per,
                (cpuAfter[1] - cpuBefore[1]) / 1e6 / per);
        return rate;
    }

    private static NewOrder newOrder() {
        String orderId = OrderIds.newOrderId();
        String alertId = "bench-" + orderId;
        return new NewOrder(orderId, alertId, OrderIds.clientOrderId(orderId), "paper", "BTCUSDT", Side.BUY,
                OrderType.MARKET, new BigDecimal("0.001"), new BigDecimal("65000"), BigDecimal.ONE, "bench",
                "{\"id\":\"" + alertId + "\",\"symbol\":\"BTCUSDT\",\"side\":\"buy\",\"quantity\":0.001}",
                Instant.now());
    }

    /** CPU time of this JVM and of a server process with its children (Linux /proc), in nanoseconds. */
    private record CpuClock(long serverPid) {
        long[] read() throws java.io.IOException {
            long jvm = ((com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
            long ticks = 0;
            if (serverPid > 0) {
                try (var dirs = Files.list(Path.of("/proc"))) {
                    for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                        String stat;
                        try {
                            stat = Files.readString(dir.resolve("stat"));
                        } catch (java.io.IOException gone) {
                            continue;
                        }
                        // Fields after the command name (which may hold spaces): state, ppid, ... utime, stime.
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long pid = Long.parseLong(dir.getFileName().toString());
                        if (pid == serverPid || Long.parseLong(f[1]) == serverPid) {
                            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                        }
                    }
                }
            }
            return new long[] {jvm, ticks * 10_000_000L};
        }
    }
}
