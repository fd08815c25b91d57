package com.fks.execution.execution;

import com.fks.execution.order.CommitObserver;
import com.fks.execution.order.NewOrder;
import com.fks.execution.order.Order;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderStore;
import com.fks.execution.order.OrderUpdate;
import com.fks.execution.order.Position;
import com.fks.execution.order.RecordResult;
import com.fks.execution.order.StoreUnavailableException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A real store whose answers to final transitions are held back until the test lets them go, as a disk whose
 * forces stall would hold them: the change itself is made by the store at once. {@link #failNextFinal} answers
 * the next order's final transition with the store's failure instead, without making it.
 */
final class HeldAnswersStore implements OrderStore {
    private final OrderStore store;
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    private final Set<String> failOnce = ConcurrentHashMap.newKeySet();
    private volatile boolean failNext;

    HeldAnswersStore(OrderStore store) {
        this.store = store;
    }

    /** Final transitions from now on are answered only at {@link #release}. */
    void hold() {
        gate = new CompletableFuture<>();
    }

    void release() {
        gate.complete(null);
    }

    void failNextFinal() {
        failNext = true;
    }

    @Override
    public CompletableFuture<Boolean> transitionAsync(String orderId, String owner, OrderUpdate update, Instant at) {
        if (update.to().isFinal() && failNext) {
            failNext = false;
            failOnce.add(orderId);
            return CompletableFuture.failedFuture(new StoreUnavailableException("test: the write failed", null));
        }
        CompletableFuture<Boolean> written = store.transitionAsync(orderId, owner, update, at);
        return update.to().isFinal() ? written.thenCombine(gate, (changed, released) -> changed) : written;
    }

    @Override
    public boolean transition(String orderId, String owner, OrderUpdate update, Instant at) {
        try {
            return transitionAsync(orderId, owner, update, at).join();
        } catch (CompletionException e) {
            throw (StoreUnavailableException) e.getCause();
        }
    }

    /** Orders whose final transition was answered with a failure. */
    Set<String> failed() {
        return failOnce;
    }

    @Override
    public RecordResult record(NewOrder order, String owner, Instant leaseUntil, Duration dedupWindow) {
        return store.record(order, owner, leaseUntil, dedupWindow);
    }

    @Override
    public RecordResult recordAndHandOver(NewOrder order, String owner, Instant leaseUntil, Duration dedupWindow,
                                          boolean sendAsIs, Consumer<RecordResult.Recorded> handOver) {
        return store.recordAndHandOver(order, owner, leaseUntil, dedupWindow, sendAsIs, handOver);
    }

    @Override
    public Optional<Order> find(String orderId) {
        return store.find(orderId);
    }

    @Override
    public Optional<Order> findForExecution(String orderId) {
        return store.findForExecution(orderId);
    }

    @Override
    public List<Order> recent(int limit) {
        return store.recent(limit);
    }

    @Override
    public void recordAttempt(String orderId, String owner, String detail, Instant at) {
        store.recordAttempt(orderId, owner, detail, at);
    }

    @Override
    public int renewLeases(String owner, Instant until) {
        return store.renewLeases(owner, until);
    }

    @Override
    public List<String> claimExpired(String owner, Instant now, Instant until, int limit) {
        return store.claimExpired(owner, now, until, limit);
    }

    @Override
    public int releaseLeases(String owner, Set<String> neverSent) {
        return store.releaseLeases(owner, neverSent);
    }

    @Override
    public List<String> openOrders(String owner, OrderStatus status, int limit) {
        return store.openOrders(owner, status, limit);
    }

    @Override
    public Optional<String> orderOfAlert(String alertId, Instant since) {
        return store.orderOfAlert(alertId, since);
    }

    @Override
    public List<Position> positions(String exchange, String symbol) {
        return store.positions(exchange, symbol);
    }

    @Override
    public Position position(String exchange, String symbol, String strategy) {
        return store.position(exchange, symbol, strategy);
    }

    @Override
    public boolean hasOpenProtection(String exchange, String symbol, String strategy) {
        return store.hasOpenProtection(exchange, symbol, strategy);
    }

    @Override
    public List<Order> openOrdersFor(String exchange, String symbol) {
        return store.openOrdersFor(exchange, symbol);
    }

    @Override
    public int purgeAlertIdsBefore(Instant cutoff) {
        return store.purgeAlertIdsBefore(cutoff);
    }

    @Override
    public Optional<String> state(String name) {
        return store.state(name);
    }

    @Override
    public void setState(String name, String value, Instant at) {
        store.setState(name, value, at);
    }

    @Override
    public void observeCommits(CommitObserver observer) {
        store.observeCommits(observer);
    }

    @Override
    public void awaitOpen() {
        store.awaitOpen();
    }

    @Override
    public void ping() {
        store.ping();
    }

    @Override
    public void close() {
        store.close();
    }
}
