package com.fks.execution.ratelimit;

/**
 * A limiter whose counters live outside this process (shared by every replica), and which can therefore be
 * unreachable. {@link #tryAcquire} then throws {@link RateLimiterUnavailableException} quickly rather than
 * make the webhook wait; {@link FallbackRateLimiter} decides what to do instead.
 */
public interface SharedRateLimiter extends RateLimiter {

    /**
     * @throws RateLimiterUnavailableException when the shared store cannot be reached in time
     */
    @Override
    Decision tryAcquire(String clientKey);

    /**
     * Checks that the shared store answers, (re)connecting first when the connection is gone. Called off the
     * request path, every few seconds.
     *
     * @throws RateLimiterUnavailableException when it does not answer
     */
    void checkHealth();

    /** The backend's name as the metric label shows it ("redis"). */
    String backendName();
}
