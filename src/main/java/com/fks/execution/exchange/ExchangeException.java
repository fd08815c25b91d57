package com.fks.execution.exchange;

import java.time.Duration;

/**
 * A failed exchange call, with what the engine may do about it. The exchange's own code and message are
 * kept for the order's record; no request, signature or key is ever put in the message.
 */
public final class ExchangeException extends Exception {

    public enum Kind {
        /** The exchange (or the adapter, before sending) refused the order: final, never retried. */
        REJECTED,
        /** Sent, but the outcome is not known (timeout, lost response, 5xx, Binance -1006/-1007): look up first. */
        UNKNOWN_OUTCOME,
        /** Not sent, or certainly not executed (connection refused, DNS): safe to send again. */
        UNAVAILABLE,
        /** The exchange asked us to back off (429/418); wait {@link #retryAfter()} before any call. */
        RATE_LIMITED,
        /** Credentials refused or misconfigured: final until an operator fixes the configuration. */
        AUTHENTICATION
    }

    private final Kind kind;
    private final String exchangeCode;
    private final Duration retryAfter;

    public ExchangeException(Kind kind, String exchangeCode, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.exchangeCode = exchangeCode;
        this.retryAfter = retryAfter;
    }

    public ExchangeException(Kind kind, String exchangeCode, String message) {
        this(kind, exchangeCode, message, null, null);
    }

    public static ExchangeException rejected(String exchangeCode, String message) {
        return new ExchangeException(Kind.REJECTED, exchangeCode, message);
    }

    public static ExchangeException unknownOutcome(String message, Throwable cause) {
        return new ExchangeException(Kind.UNKNOWN_OUTCOME, null, message, null, cause);
    }

    public static ExchangeException unavailable(String message, Throwable cause) {
        return new ExchangeException(Kind.UNAVAILABLE, null, message, null, cause);
    }

    public static ExchangeException rateLimited(String exchangeCode, String message, Duration retryAfter) {
        return new ExchangeException(Kind.RATE_LIMITED, exchangeCode, message, retryAfter, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The venue's error code (Binance "-2010", Coinbase "INSUFFICIENT_FUND", or a local code), or null. */
    public String exchangeCode() {
        return exchangeCode;
    }

    /** How long to wait before calling again; null when the exchange did not say. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether this failure says something about the exchange's health (it feeds the circuit breaker). */
    public boolean countsAgainstExchange() {
        return kind == Kind.UNKNOWN_OUTCOME || kind == Kind.UNAVAILABLE || kind == Kind.RATE_LIMITED;
    }
}
