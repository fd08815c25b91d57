package com.fks.execution.order;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Durable record of orders (H2 embedded or PostgreSQL). Every method either completes or throws
 * {@link StoreUnavailableException} having changed nothing.
 */
public interface OrderStore extends AutoCloseable {

    /**
     * Records an accepted alert's order, its RECEIVED and ACCEPTED events and its alert id in one transaction,
     * with the lease held by {@code owner}. An alert id seen within {@code dedupWindow} yields the earlier order.
     */
    RecordResult record(NewOrder order, String owner, Instant leaseUntil, Duration dedupWindow);

    /**
     * Records an accepted alert's order as {@link #record} does and gives a new one (not a duplicate) to
     * {@code handOver} as soon as it is durable, before this returns: a store with a writer thread calls it there,
     * so the engine starts on the order while the caller is still waking up.
     *
     * <p>With {@code sendAsIs} (an order the engine sends as it is, with nothing to resolve or cancel first) the
     * store may record the order's step to SUBMITTING in the same durable write. Exactly-once holds as when the
     * engine writes that step: it is durable before anything is sent. It saves a write, and its wait, between the
     * alert and its exchange. {@link RecordResult.Recorded#submitting} says whether this store did; one that does
     * not leaves the step to the engine.
     */
    default RecordResult recordAndHandOver(NewOrder order, String owner, Instant leaseUntil, Duration dedupWindow,
                                           boolean sendAsIs, Consumer<RecordResult.Recorded> handOver) {
        RecordResult result = record(order, owner, leaseUntil, dedupWindow);
        if (result instanceof RecordResult.Recorded recorded) {
            handOver.accept(recorded);
        }
        return result;
    }

    /** The order with its history and the alert as received. */
    Optional<Order> find(String orderId);

    /** The order's current state only (no history, no alert): what the engine needs, read on every step. */
    Optional<Order> findForExecution(String orderId);

    /** The newest orders first, without their events. */
    List<Order> recent(int limit);

    /**
     * Applies a transition if the order is still in {@code update.from()} and held by {@code owner}; returns
     * false (and changes nothing) otherwise. A final status releases the lease.
     */
    boolean transition(String orderId, String owner, OrderUpdate update, Instant at);

    /**
     * {@link #transition}, answered without holding the caller's thread while the change is made durable: the
     * future completes once it is (on the store's writer thread, so what follows should be handed on), or fails
     * with a {@link StoreUnavailableException} where {@code transition} would throw one (a closed store throws it
     * at once). A store that cannot do better makes the change before it returns.
     */
    default CompletableFuture<Boolean> transitionAsync(String orderId, String owner, OrderUpdate update, Instant at) {
        return CompletableFuture.completedFuture(transition(orderId, owner, update, at));
    }

    /** Notes one more attempt (and why) without changing the status. */
    void recordAttempt(String orderId, String owner, String detail, Instant at);

    /** Renews the lease of every open order held by owner; returns how many. */
    int renewLeases(String owner, Instant until);

    /** Takes over open orders whose lease ran out before {@code now}; returns their ids. */
    List<String> claimExpired(String owner, Instant now, Instant until, int limit);

    /**
     * Gives back the leases owner holds, so another replica can take those orders at once; except orders in
     * SUBMITTING, which may be on their way to the exchange from a worker that has not returned: those stay
     * leased until the lease runs out, so the next owner's lookup comes after the send is over. The orders in
     * {@code neverSent} are given back even in SUBMITTING: recorded so with their acceptance
     * ({@link #recordAndHandOver}) and never handed to their exchange by this process, they have no send to wait
     * for (the next owner still looks each up before sending it).
     */
    int releaseLeases(String owner, Set<String> neverSent);

    /** Open orders held by owner in the given status. */
    List<String> openOrders(String owner, OrderStatus status, int limit);

    /**
     * The order an alert id made, if that alert was recorded at or after {@code since} (the de-duplication window):
     * what a repeated exit is answered with, before its position is read.
     */
    Optional<String> orderOfAlert(String alertId, Instant since);

    /** The service's positions from its own fills: all of them, or of one exchange and symbol. */
    List<Position> positions(String exchange, String symbol);

    /** The service's position in one symbol for one strategy (null strategy = alerts without one). */
    Position position(String exchange, String symbol, String strategy);

    /**
     * Whether a stop-loss, take-profit or OCO of this exchange, symbol and strategy is open: asked after every sale,
     * so it must stay cheap (a counter on the embedded store, an indexed read on PostgreSQL).
     */
    boolean hasOpenProtection(String exchange, String symbol, String strategy);

    /** Open orders of one exchange and symbol, whoever holds them: what a cancel or an exit acts on. */
    List<Order> openOrdersFor(String exchange, String symbol);

    int purgeAlertIdsBefore(Instant cutoff);

    Optional<String> state(String name);

    void setState(String name, String value, Instant at);

    /** Reports each durable group of this store's writes from now on (the composition root's metrics). */
    default void observeCommits(CommitObserver observer) {
    }

    /** Waits until the store is open (it may open on a thread of its own); throws what made the opening fail. */
    default void awaitOpen() {
    }

    /** Succeeds when the store answers a trivial query. */
    void ping();

    @Override
    void close();
}
