package com.fks.execution.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * In-process limiter: one Bucket4j bucket per client, refilled all at once each window ("N per window", as
 * configured, rather than a smoothed rate). Buckets idle for two windows are dropped so the map stays small.
 *
 * <p>The limit may change while running (a replica's share of the limit follows the live replica count): a
 * bucket takes the new limit at its client's next request, keeping the tokens it has (at most the new limit),
 * so a change never hands out tokens by itself.
 */
public final class LocalRateLimiter implements RateLimiter {
    private final IntSupplier requests;
    private final Duration window;
    private final ConcurrentHashMap<String, Entry> buckets = new ConcurrentHashMap<>();

    private static final class Entry {
        final Bucket bucket;
        volatile long lastUsedNanos;
        volatile int limit;

        Entry(Bucket bucket, int limit) {
            this.bucket = bucket;
            this.limit = limit;
        }
    }

    public LocalRateLimiter(int requests, Duration window) {
        this(() -> requests, window);
    }

    /** @param requests read at each request: the limit per window in force now */
    public LocalRateLimiter(IntSupplier requests, Duration window) {
        this.requests = requests;
        this.window = window;
    }

    @Override
    public Decision tryAcquire(String clientKey) {
        int limit = requests.getAsInt();
        Entry entry = buckets.computeIfAbsent(clientKey, k -> new Entry(Bucket.builder()
                .addLimit(bandwidth(limit)).build(), limit));
        if (entry.limit != limit) {
            adopt(entry, limit);
        }
        long now = System.nanoTime();
        entry.lastUsedNanos = now;
        if (buckets.size() > 10_000) {
            evictIdle(now);
        }
        ConsumptionProbe probe = entry.bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return Decision.ALLOW;
        }
        return new Decision(false, Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L)));
    }

    private Bandwidth bandwidth(int limit) {
        return Bandwidth.builder().capacity(limit).refillIntervally(limit, window).build();
    }

    private void adopt(Entry entry, int limit) {
        synchronized (entry) {
            if (entry.limit != limit) {
                entry.bucket.replaceConfiguration(BucketConfiguration.builder().addLimit(bandwidth(limit)).build(),
                        TokensInheritanceStrategy.AS_IS);
                entry.limit = limit;
            }
        }
    }

    private void evictIdle(long now) {
        long idle = window.multipliedBy(2).toNanos();
        buckets.entrySet().removeIf(e -> now - e.getValue().lastUsedNanos > idle);
    }

    int trackedClients() {
        return buckets.size();
    }
}
