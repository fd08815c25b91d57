package com.fks.execution.ratelimit;

import com.fks.execution.config.Settings;
import com.fks.execution.metrics.ExecutionMetrics;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.function.Supplier;

/** Builds the webhook's rate limiter from the settings and exports which backend is in use. */
public final class RateLimiters {
    /** How often a silent Redis is tried again (and a healthy one checked). */
    static final Duration RECHECK = Duration.ofSeconds(3);
    private static final String BACKEND_METRIC = "execution.rate.limit.backend";
    private static final String BACKEND_HELP = "1 for the rate-limit backend in use (redis or local), 0 for the other";
    private static final String REPLICAS_METRIC = "execution.replicas.live";
    private static final String REPLICAS_HELP = "Replicas alive per the shared store's heartbeats, this one included; "
            + "0 while the store cannot say";

    private RateLimiters() {
    }

    /**
     * REDIS_URL set: Redis shared by all replicas, falling back to RATE_LIMIT_REQUESTS / the live replicas per
     * replica while Redis is unreachable (RATE_LIMIT_REPLICAS while the count is unknown). Unset: the in-process
     * limiter with the whole limit (one process).
     *
     * @param liveReplicas the live replica count as the shared store last said it, empty when it cannot say
     */
    public static RateLimiter fromSettings(Settings settings, ExecutionMetrics metrics,
                                           Supplier<OptionalInt> liveReplicas) {
        int requests = settings.rateLimitRequests();
        Duration window = settings.rateLimitWindow();
        metrics.gauge(REPLICAS_METRIC, REPLICAS_HELP, () -> liveReplicas.get().orElse(0));
        if (!settings.redis().isEnabled()) {
            metrics.gauge(BACKEND_METRIC, BACKEND_HELP, () -> 1, "backend", "local");
            metrics.gauge(BACKEND_METRIC, BACKEND_HELP, () -> 0, "backend", "redis");
            return new LocalRateLimiter(requests, window);
        }
        LocalShare share = new LocalShare(requests, settings.rateLimitReplicas(), liveReplicas);
        Settings.Secret password = settings.redis().password();
        FallbackRateLimiter limiter = new FallbackRateLimiter(
                new RedisRateLimiter(settings.redis().url(), password == null ? null : password.value(), requests, window),
                new LocalRateLimiter(share, window), share::describe, RECHECK);
        metrics.gauge(BACKEND_METRIC, BACKEND_HELP, () -> limiter.usingShared() ? 0 : 1, "backend", "local");
        metrics.gauge(BACKEND_METRIC, BACKEND_HELP, () -> limiter.usingShared() ? 1 : 0, "backend", "redis");
        return limiter;
    }
}
