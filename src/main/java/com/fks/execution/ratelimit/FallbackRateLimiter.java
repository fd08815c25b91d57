package com.fks.execution.ratelimit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Uses the shared limiter (Redis) while it answers, and this process's own limiter while it does not, so
 * the webhook keeps serving through a Redis outage. The local limiter allows the limit divided by the live
 * replica count ({@link LocalShare}), so the replicas together stay near the configured limit.
 *
 * <p>Circuit-like: the first request that finds Redis silent switches to local at once (it is answered by
 * the local limiter, not refused); from then on no request waits on Redis. A background check pings Redis
 * every {@code recheck} (reconnecting if needed) and switches back when it answers; the same check also
 * notices an outage when no traffic comes. Each switch is logged once and shown by
 * {@code execution_rate_limit_backend{backend}}.
 */
public final class FallbackRateLimiter implements RateLimiter {
    private static final Logger log = LoggerFactory.getLogger(FallbackRateLimiter.class);

    private final SharedRateLimiter shared;
    private final RateLimiter local;
    private final Supplier<String> localLimit;
    private final AtomicBoolean usingShared = new AtomicBoolean(false);
    private final ScheduledExecutorService checker;

    /**
     * Checks the shared limiter once before returning (at most its connect timeout), so a healthy Redis is
     * used from the first request, then every {@code recheck}.
     *
     * @param localLimit the local limiter's limit as the log lines say it ("6 per window (...)"), read when
     *                   each line is written, since it may change
     */
    public FallbackRateLimiter(SharedRateLimiter shared, RateLimiter local, Supplier<String> localLimit,
                               Duration recheck) {
        this.shared = shared;
        this.local = local;
        this.localLimit = localLimit;
        try {
            shared.checkHealth();
            usingShared.set(true);
            log.info("rate limit shared through {}", shared.backendName());
        } catch (RateLimiterUnavailableException e) {
            log.warn("rate limit: {} unreachable at start ({}); using the in-process limit of {} until it answers",
                    shared.backendName(), e.getMessage(), localLimit.get());
        }
        this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rate-limit-check");
            t.setDaemon(true);
            return t;
        });
        checker.scheduleWithFixedDelay(this::check, recheck.toMillis(), recheck.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Decision tryAcquire(String clientKey) {
        if (usingShared.get()) {
            try {
                return shared.tryAcquire(clientKey);
            } catch (RateLimiterUnavailableException e) {
                switchToLocal(e);
            }
        }
        return local.tryAcquire(clientKey);
    }

    /** True while the shared limiter is the one answering. */
    public boolean usingShared() {
        return usingShared.get();
    }

    private void check() {
        try {
            shared.checkHealth();
            if (usingShared.compareAndSet(false, true)) {
                log.info("rate limit: {} answers again; the limit is shared across replicas again",
                        shared.backendName());
            }
        } catch (RateLimiterUnavailableException e) {
            switchToLocal(e);
        } catch (RuntimeException e) {
            log.warn("rate limit: health check of {} failed unexpectedly", shared.backendName(), e);
        }
    }

    private void switchToLocal(RateLimiterUnavailableException cause) {
        if (usingShared.compareAndSet(true, false)) {
            log.warn("rate limit: {} unreachable ({}); falling back to the in-process limit of {} until it answers",
                    shared.backendName(), cause.getMessage(), localLimit.get());
        }
    }

    @Override
    public void close() {
        checker.shutdownNow();
        shared.close();
        local.close();
    }
}
