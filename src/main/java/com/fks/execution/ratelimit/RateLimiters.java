package com.fks.execution.ratelimit;

import com.fks.execution.config.Settings;
import com.fks.execution.metrics.ExecutionMetrics;

import java.time.Duration;

/** Builds the webhook's rate limiter from the settings and exports which backend is in use. */
public final class RateLimiters {
    /** How often a silent Redis is tried again (and a healthy one checked). */
    static final Duration RECHECK = Duration.ofSeconds(3);
    private static final String BACKEND_METRIC = "execution.rate.limit.backend";
    private static final String BACKEND_HELP = "1 for the rate-limit backend in use (redis or local), 0 for the other";

    private RateLimiters() {
    }

    /**
     * REDIS_URL set: Redis shared by all replicas, falling back to RATE_LIMIT_REQUESTS / RATE_LIMIT_REPLICAS
     * per replica while Redis is unreachable. Unset: the in-process limiter with the whole limit (one process).
     */
    public static RateLimiter fromSettings(Settings settings, ExecutionMetrics metrics) {
        int requests = settings.rateLimitRequests();
        Duration window = settings.rateLimitWindow();
        if (!settings.redis().isEnabled()) {
            metrics.gauge(BACKEND_METRIC, BACKEND_HELP, () -> 1, "backend", "local");
            metrics.gauge(BACKEND_METRIC, BACKEND_HELP, () -> 0, "backend", "redis");
            return new LocalRateLimiter(requests, window);
        }
        int perReplica = localShare(requests, settings.rateLimitReplicas());
        Settings.Secret password = settings.redis().password();
        FallbackRateLimiter limiter = new FallbackRateLimiter(
                new RedisRateLimiter(settings.redis().url(), password == null ? null : password.value(), requests, window),
                new LocalRateLimiter(perReplica, window), perReplica, RECHECK);
        metrics.gauge(BACKEND_METRIC, BACKEND_HELP, () -> limiter.usingShared() ? 0 : 1, "backend", "local");
        metrics.gauge(BACKEND_METRIC, BACKEND_HELP, () -> limiter.usingShared() ? 1 : 0, "backend", "redis");
        return limiter;
    }

    /** Each replica's part of the limit while they cannot share counters: rounded down, at least one. */
    static int localShare(int requests, int replicas) {
        return Math.max(1, requests / Math.max(1, replicas));
    }
}
