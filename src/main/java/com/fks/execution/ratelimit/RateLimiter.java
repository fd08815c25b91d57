package com.fks.execution.ratelimit;

/** Admits at most N webhook requests per window per client. */
public interface RateLimiter extends AutoCloseable {

    /** @param retryAfterSeconds when refused, how long until a request would be admitted (at least 1) */
    record Decision(boolean allowed, long retryAfterSeconds) {
        public static final Decision ALLOW = new Decision(true, 0);
    }

    Decision tryAcquire(String clientKey);

    @Override
    default void close() {
    }
}
