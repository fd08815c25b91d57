package com.fks.execution.ratelimit;

/** The shared rate-limit store did not answer in time (down, unreachable, or too slow). */
public final class RateLimiterUnavailableException extends RuntimeException {
    public RateLimiterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
