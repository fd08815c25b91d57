package com.fks.execution.traffic;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts and latencies of a run, filled by many threads. */
public final class TrafficStats {
    /**
     * Latencies kept exactly up to this many (40 MB); beyond, a uniform reservoir of this size, so a soak of
     * any length has bounded memory and still unbiased percentiles (the max is always exact).
     */
    static final int MAX_SAMPLES = 5_000_000;

    private final LongAdder sent = new LongAdder();
    private final Map<String, LongAdder> byStatusAndReason = new ConcurrentHashMap<>();
    private final Map<AlertKind, LongAdder> byKind = new ConcurrentHashMap<>();
    private final LongAdder connectionErrors = new LongAdder();
    private final LongAdder serverErrors = new LongAdder();
    private final Object latencyLock = new Object();
    private final SplittableRandom reservoirRandom = new SplittableRandom(1);
    private long[] latencies = new long[4096];
    private long latencyCount;
    private long maxLatency;

    public void record(Outcome outcome) {
        sent.increment();
        byKind.computeIfAbsent(outcome.kind(), k -> new LongAdder()).increment();
        byStatusAndReason.computeIfAbsent(outcome.status() + " " + outcome.reason(), k -> new LongAdder()).increment();
        if (!outcome.answered()) {
            connectionErrors.increment();
            return;
        }
        if (outcome.status() >= 500) {
            serverErrors.increment();
        }
        addLatency(outcome.latencyNanos());
    }

    private void addLatency(long nanos) {
        synchronized (latencyLock) {
            maxLatency = Math.max(maxLatency, nanos);
            latencyCount++;
            if (latencyCount <= MAX_SAMPLES) {
                if (latencyCount > latencies.length) {
                    latencies = java.util.Arrays.copyOf(latencies, (int) Math.min(MAX_SAMPLES, latencies.length * 2L));
                }
                latencies[(int) latencyCount - 1] = nanos;
            } else {
                long slot = reservoirRandom.nextLong(latencyCount);
                if (slot < MAX_SAMPLES) {
                    latencies[(int) slot] = nanos;
                }
            }
        }
    }

    public long sent() {
        return sent.sum();
    }

    public long connectionErrors() {
        return connectionErrors.sum();
    }

    public long serverErrors() {
        return serverErrors.sum();
    }

    /** Answers with this status (0 counts connection errors). */
    public long withStatus(int status) {
        String prefix = status + " ";
        return byStatusAndReason.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    /** status → reason → count, sorted, connection errors under status 0. */
    public Map<Integer, Map<String, Long>> responses() {
        Map<Integer, Map<String, Long>> result = new TreeMap<>();
        byStatusAndReason.forEach((key, count) -> {
            int space = key.indexOf(' ');
            result.computeIfAbsent(Integer.parseInt(key.substring(0, space)), k -> new TreeMap<>())
                    .put(key.substring(space + 1), count.sum());
        });
        return result;
    }

    public Map<AlertKind, Long> byKind() {
        Map<AlertKind, Long> result = new TreeMap<>();
        byKind.forEach((k, v) -> result.put(k, v.sum()));
        return result;
    }

    /** Latency percentiles in nanoseconds (max exact even when sampled). */
    public LatencySummary latency() {
        synchronized (latencyLock) {
            Percentiles p = Percentiles.of(latencies, (int) Math.min(latencyCount, MAX_SAMPLES));
            return new LatencySummary(latencyCount, p.at(0.50), p.at(0.90), p.at(0.99), maxLatency);
        }
    }

    public record LatencySummary(long count, long p50, long p90, long p99, long max) {
    }
}
