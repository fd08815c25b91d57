package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.zaxxer.hikari.HikariDataSource;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one place() costs the embedded paper book (docs/benchmarks.md, "Paper book on MVStore maps"): the SQL book
 * (JdbcPaperBook.embedded over JdbcPaperBookDatabase) against MapPaperBook, each in its own JVM, market orders that
 * fill at once, unique client order ids. CPU and allocation are summed over every Java thread of the JVM (the SQL
 * book commits on a writer thread of its own; each worker of a run counts its own before it ends), measured
 * between the ends of warm-up and run; file bytes are what DATA_DIR holds after the run, written bytes what the
 * process handed to write calls (/proc/self/io).
 * Modes: load (places back to back from THREADS threads), light (one thread, one place, then a 1 ms pause).
 * Usage (scripts/bench/paper-book-spike/run): java -cp fks-execution.jar:. com.fks.execution.exchange.paper.PaperBookSpike
 *        BOOK MODE PLACES THREADS
 */
public final class PaperBookSpike {
    private static final com.sun.management.ThreadMXBean T =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final Map<String, BigDecimal> ACCOUNT = Map.of("USDT", new BigDecimal("1000000000000"));
    private static final PaperSymbols.Assets ASSETS = new PaperSymbols.Assets("BTC", "USDT");
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final AtomicLong WORKER_CPU = new AtomicLong();
    private static final AtomicLong WORKER_ALLOCATED = new AtomicLong();

    public static void main(String[] args) throws Exception {
        String book = args[0];
        String mode = args[1];
        int places = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        Path dir = Files.createTempDirectory("paper-book-spike");
        try (Opened opened = open(book, dir)) {
            run(opened.book(), mode, Math.min(places, 20_000), threads); // warm-up: JIT, caches
            long file0 = du(dir);
            long[] ids = T.getAllThreadIds();
            long[] cpu0 = T.getThreadCpuTime(ids);
            long[] alloc0 = T.getThreadAllocatedBytes(ids);
            WORKER_CPU.set(0);
            WORKER_ALLOCATED.set(0);
            long process0 = OS.getProcessCpuTime();
            long written0 = written();
            long wall0 = System.nanoTime();
            run(opened.book(), mode, places, threads);
            long wall = System.nanoTime() - wall0;
            long process = OS.getProcessCpuTime() - process0;
            // Threads alive before and after (main, the SQL book's writer), plus what each worker counted itself
            // before it ended.
            long cpu = delta(cpu0, T.getThreadCpuTime(ids)) + WORKER_CPU.get();
            long alloc = delta(alloc0, T.getThreadAllocatedBytes(ids)) + WORKER_ALLOCATED.get();
            long file = du(dir);
            long writtenBytes = written() - written0;
            System.out.printf("%-5s %-5s places=%d threads=%d: cpu %.1f us/place (process %.1f), allocated %.2f KB/place,"
                            + " wall %.1f us/place (%.0f places/s), file %.2f MB after (%+.0f bytes/place), written %.0f bytes/place%n",
                    book, mode, places, threads, cpu / 1e3 / places, process / 1e3 / places,
                    alloc / 1024.0 / places, wall / 1e3 / places, places / (wall / 1e9), file / 1048576.0,
                    (double) (file - file0) / places, (double) writtenBytes / places);
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private record Opened(PaperBook book, HikariDataSource dataSource) implements AutoCloseable {
        @Override
        public void close() {
            book.close();
            if (dataSource != null) {
                dataSource.close();
            }
        }
    }

    private static Opened open(String book, Path dir) throws Exception {
        if (book.equals("sql")) {
            HikariDataSource dataSource = JdbcPaperBookDatabase.open(dir);
            JdbcPaperBook sql = JdbcPaperBook.embedded(dataSource, ACCOUNT);
            sql.open();
            return new Opened(sql, dataSource);
        }
        if (book.equals("map")) {
            MapPaperBook map = MapPaperBook.in(dir, ACCOUNT);
            map.open();
            return new Opened(map, null);
        }
        throw new IllegalArgumentException("book: sql or map");
    }

    private static void run(PaperBook book, String mode, int places, int threads) throws Exception {
        if (mode.equals("light")) {
            for (int i = 0; i < places; i++) {
                place(book);
                Thread.sleep(1);
            }
            return;
        }
        if (threads == 1) {
            for (int i = 0; i < places; i++) {
                place(book);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AtomicInteger left = new AtomicInteger(places);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    long cpu = T.getCurrentThreadCpuTime();
                    long allocated = T.getCurrentThreadAllocatedBytes();
                    while (left.getAndDecrement() > 0) {
                        place(book);
                    }
                    WORKER_CPU.addAndGet(T.getCurrentThreadCpuTime() - cpu);
                    WORKER_ALLOCATED.addAndGet(T.getCurrentThreadAllocatedBytes() - allocated);
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void place(PaperBook book) throws Exception {
        int i = IDS.incrementAndGet();
        String clientOrderId = String.format("fks%013x%016x", 1796085812527L + i / 5, i * 7919L);
        OrderRequest request = new OrderRequest(clientOrderId, "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.001"), null, new BigDecimal("30000.5"));
        book.place(new PaperBook.NewOrder(request, "paper-" + i, ASSETS, new BigDecimal("0.001"),
                new BigDecimal("30000.5"), Instant.now()));
    }

    /** Bytes this process handed to write calls (/proc/self/io wchar): what reached the page cache. */
    private static long written() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
            if (line.startsWith("wchar:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        return -1;
    }

    /** What the threads of {@code before} did since (a thread that ended meanwhile reads -1: left out). */
    private static long delta(long[] before, long[] after) {
        long total = 0;
        for (int i = 0; i < before.length; i++) {
            if (before[i] >= 0 && after[i] >= 0) {
                total += after[i] - before[i];
            }
        }
        return total;
    }

    private static long du(Path dir) throws Exception {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
