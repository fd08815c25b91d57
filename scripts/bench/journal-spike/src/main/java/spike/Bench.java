package spike;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * One engine, one concurrency, one JVM: N caller threads append ~600-byte records for warm-up + duration
 * seconds; only appends that start and end inside the measured window count. Prints one RESULT line of
 * tab-separated key=value pairs for the run script.
 * Usage: Bench ENGINE THREADS WARMUP_S DURATION_S DIR   (ENGINE: anchor | journal | journal-pre | rocksdb | sqlite)
 */
public final class Bench {
    public static void main(String[] args) throws Exception {
        String engineName = args[0];
        int threads = Integer.parseInt(args[1]);
        long warmupNs = TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        long durationNs = TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        Path dir = Path.of(args[4]);

        System.gc();
        long rssBefore = procStatusKb("VmRSS");
        long heapBefore = heapUsed();
        Engine engine = open(engineName, dir);

        long start = System.nanoTime();
        long measureFrom = start + warmupNs;
        long measureTo = measureFrom + durationNs;
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread caller = new Thread(() -> {
                Histogram mine = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                try {
                    for (long i = 0; ; i++) {
                        byte[] record = OrderEvent.accepted(id, i);
                        long t0 = System.nanoTime();
                        if (t0 >= measureTo) {
                            break;
                        }
                        engine.append(record);
                        long t1 = System.nanoTime();
                        acknowledged.incrementAndGet();
                        if (t0 >= measureFrom && t1 <= measureTo) {
                            mine.recordValue(t1 - t0);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
                synchronized (latency) {
                    latency.add(mine);
                }
            }, "caller-" + t);
            callers.add(caller);
            caller.start();
        }

        sleepUntil(measureFrom);
        long cpu0 = cpuNs();
        long written0 = procIo("wchar");
        long dirtied0 = procIo("write_bytes");
        long syncs0 = engine.syncs();
        long files0 = directoryBytes(dir);
        sleepUntil(measureTo);
        long cpu1 = cpuNs();
        long written1 = procIo("wchar");
        long dirtied1 = procIo("write_bytes");
        long syncs1 = engine.syncs();
        long files1 = directoryBytes(dir);
        for (Thread caller : callers) {
            caller.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("an append failed", failure.get());
        }
        System.gc();
        long rssAfter = procStatusKb("VmRSS");
        long heapAfter = heapUsed();
        long rssPeak = procStatusKb("VmHWM");
        engine.close();
        long reopened = count(engineName, dir);

        long ops = latency.getTotalCount();
        double seconds = durationNs / 1e9;
        StringBuilder out = new StringBuilder("RESULT");
        field(out, "engine", engineName);
        field(out, "threads", threads);
        field(out, "record_bytes", OrderEvent.accepted(0, 0).length);
        field(out, "appends_per_s", Math.round(ops / seconds));
        field(out, "p50_ms", ms(latency.getValueAtPercentile(50)));
        field(out, "p99_ms", ms(latency.getValueAtPercentile(99)));
        field(out, "max_ms", ms(latency.getMaxValue()));
        field(out, "syncs_per_s", syncs0 < 0 ? "n/a" : Long.toString(Math.round((syncs1 - syncs0) / seconds)));
        field(out, "records_per_sync", syncs1 <= syncs0 ? "n/a" : fmt(ops / (double) (syncs1 - syncs0)));
        field(out, "written_per_record", ops == 0 ? "n/a" : Long.toString((written1 - written0) / ops));
        field(out, "dirtied_per_record", ops == 0 ? "n/a" : Long.toString((dirtied1 - dirtied0) / ops));
        field(out, "file_growth_per_record", ops == 0 ? "n/a" : Long.toString((files1 - files0) / ops));
        field(out, "cpu_us_per_append", ops == 0 ? "n/a" : fmt((cpu1 - cpu0) / 1000.0 / ops));
        field(out, "rss_delta_mb", fmt((rssAfter - rssBefore) / 1024.0));
        field(out, "rss_peak_mb", fmt(rssPeak / 1024.0));
        field(out, "heap_delta_kb", (heapAfter - heapBefore) / 1024);
        field(out, "acknowledged", acknowledged.get());
        field(out, "reopened", reopened);
        System.out.println(out);
    }

    private static Engine open(String name, Path dir) throws Exception {
        switch (name) {
            case "anchor": return new OwnJournal(dir, false, false);
            case "journal": return new OwnJournal(dir, true, false);
            case "journal-pre": return new OwnJournal(dir, true, true);
            case "rocksdb": return new RocksJournal(dir);
            case "sqlite": return new SqliteJournal(dir);
            default: throw new IllegalArgumentException("unknown engine " + name);
        }
    }

    private static long count(String name, Path dir) throws Exception {
        switch (name) {
            case "anchor":
            case "journal":
            case "journal-pre": return OwnJournal.countRecords(dir);
            case "rocksdb": return RocksJournal.countRecords(dir);
            default: return SqliteJournal.countRecords(dir);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long left; (left = nanoTime - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static long cpuNs() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long heapUsed() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /**
     * Counters of the whole process, background threads included: wchar = bytes handed to write calls,
     * write_bytes = page-cache bytes dirtied (whole folios, so it can overstate what reaches the disk).
     */
    private static long procIo(String key) throws IOException {
        return procValue(Path.of("/proc/self/io"), key);
    }

    private static long procStatusKb(String key) throws IOException {
        return procValue(Path.of("/proc/self/status"), key);
    }

    private static long procValue(Path file, String key) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException(key + " not in " + file);
    }

    private static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static void field(StringBuilder out, String key, Object value) {
        out.append('\t').append(key).append('=').append(value);
    }
}
