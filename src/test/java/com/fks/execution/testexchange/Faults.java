package com.fks.execution.testexchange;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;

/**
 * Faults a local test exchange injects into its next answers. Each fault is used once, by the first request
 * of its target; queue several to fail several requests. Thread-safe.
 */
public final class Faults {

    /** Which requests a fault applies to. */
    public enum Target {
        /** New orders. */
        PLACE,
        /** Order lookups (by client order id, or the order list). */
        LOOKUP,
        /** Cancels. */
        CANCEL,
        /** Whichever order request comes first: a new order, a lookup or a cancel (never a ping). */
        ORDERS,
        /** Any request, including pings, server time and instrument rules. */
        ANY
    }

    /** One injected fault. */
    public sealed interface Fault permits Hang, DropAfterAccept, ServerError, RateLimit, Reject {
    }

    /** Do the work (a new order is accepted), then wait this long before answering: the client times out. */
    public record Hang(Duration delay) implements Fault {
    }

    /** Do the work (a new order is accepted), then close the connection without answering. */
    public record DropAfterAccept() implements Fault {
    }

    /**
     * Answer with an HTTP 5xx (or any status). With {@code acceptFirst} the order is accepted before the error
     * answer, as a real exchange may do; otherwise nothing is done. {@code code} and {@code message} go in the
     * body in the exchange's error format when given.
     */
    public record ServerError(int status, boolean acceptFirst, String code, String message) implements Fault {
    }

    /** Answer 429 with this Retry-After; until it has passed every request is answered 418 (banned). */
    public record RateLimit(Duration retryAfter) implements Fault {
    }

    /**
     * Refuse with the exchange's own error: Binance {@code {"code":-2010,"msg":...}} with HTTP 400, Coinbase
     * {@code success:false} with {@code error_response.error = code} and {@code failure_reason = detail}.
     */
    public record Reject(String code, String message, String detail) implements Fault {
    }

    private record Queued(Target target, Fault fault) {
    }

    private final Deque<Queued> queue = new ArrayDeque<>();

    public synchronized Faults add(Target target, Fault fault) {
        queue.addLast(new Queued(target, fault));
        return this;
    }

    public synchronized Faults add(Target target, Fault fault, int times) {
        for (int i = 0; i < times; i++) {
            add(target, fault);
        }
        return this;
    }

    public synchronized void clear() {
        queue.clear();
    }

    public synchronized int pending() {
        return queue.size();
    }

    /** Takes the first fault for a request of this kind: one queued for exactly it, for ORDERS, or for ANY. */
    synchronized Optional<Fault> take(Target requestKind) {
        Iterator<Queued> it = queue.iterator();
        while (it.hasNext()) {
            Queued queued = it.next();
            boolean anyOrderRequest = queued.target() == Target.ORDERS && requestKind != Target.ANY;
            if (queued.target() == requestKind || queued.target() == Target.ANY || anyOrderRequest) {
                it.remove();
                return Optional.of(queued.fault());
            }
        }
        return Optional.empty();
    }
}
