package com.fks.execution.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * In-process limiter: one Bucket4j bucket per client, refilled all at once each window ("N per window", as
 * configured, rather than a smoothed rate). Buckets idle for two windows are dropped so the map stays small.
 */
public final class LocalRateLimiter implements RateLimiter {
    private final int requests;
    private final Duration window;
    private final ConcurrentHashMap<String, Entry> buckets = new ConcurrentHashMap<>();

    private record Entry(Bucket bucket, long[] lastUsedNanos) {
    }

    public LocalRateLimiter(int requests, Duration window) {
        this.requests = requests;
        this.window = window;
    }

    @Override
    public Decision tryAcquire(String clientKey) {
        Entry entry = buckets.computeIfAbsent(clientKey, k -> new Entry(newBucket(), new long[1]));
        long now = System.nanoTime();
        entry.lastUsedNanos()[0] = now;
        if (buckets.size() > 10_000) {
            evictIdle(now);
        }
        ConsumptionProbe probe = entry.bucket().tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return Decision.ALLOW;
        }
        return new Decision(false, Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L)));
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(requests).refillIntervally(requests, window).build())
                .build();
    }

    private void evictIdle(long now) {
        long idle = window.multipliedBy(2).toNanos();
        buckets.entrySet().removeIf(e -> now - e.getValue().lastUsedNanos()[0] > idle);
    }

    int trackedClients() {
        return buckets.size();
    }
}
