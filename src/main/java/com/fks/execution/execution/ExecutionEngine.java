package com.fks.execution.execution;

import com.fks.execution.exchange.ExchangeClient;
import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.ExchangeRegistry;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.metrics.ExecutionMetrics;
import com.fks.execution.order.Order;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderStore;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.OrderUpdate;
import com.fks.execution.order.StoreUnavailableException;
import com.fks.execution.risk.KillSwitch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Places each accepted order on its exchange exactly once, asynchronously: the webhook's 202 never waits
 * on an exchange.
 *
 * <p>Exactly once: the order is marked SUBMITTING in the store before anything is sent. Whenever the
 * outcome of a send is unknown (timeout, lost response, 5xx), and whenever an order is found in SUBMITTING
 * (a crash, a replica that died, a retry), the exchange is asked for the client order id first and the
 * order is sent again only when the exchange has none. Binance's client order id is unique only among
 * open orders, so a blind re-send of a filled market order would trade twice.
 *
 * <p>Ownership: an order is executed by the replica holding its lease; leases are renewed while held and
 * orders whose lease ran out are taken over ({@link OrderStore#claimExpired}).
 */
public final class ExecutionEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExecutionEngine.class);
    static final Duration FIRST_RETRY = Duration.ofMillis(250);
    static final Duration MAX_RETRY = Duration.ofSeconds(10);
    static final Duration BREAKER_RECHECK = Duration.ofSeconds(1);
    static final Duration OPEN_ORDER_POLL = Duration.ofSeconds(5);
    static final Duration FIRST_LOOK = Duration.ofMillis(500);
    static final Duration PING_INTERVAL = Duration.ofSeconds(15);
    /** A repeated alert id within this window is a duplicate; after it, a new alert. */
    public static final Duration DEDUP_WINDOW = Duration.ofHours(24);
    /**
     * Workers spend their time waiting: on exchanges (up to their timeouts) and on group commits. Enough of them
     * that one slow venue does not hold up the rest, and that the commits they wait on are shared.
     */
    public static final int WORKERS = 64;

    /**
     * What an order out of SUBMITTING becomes once its exchange has taken it (resting, filled, or closed at once
     * as an IOC may be): the end of the order-placement SLI. A rejection or a failure is not an acknowledgement.
     */
    private static final Set<OrderStatus> ACKNOWLEDGED = EnumSet.of(OrderStatus.SUBMITTED, OrderStatus.FILLED,
            OrderStatus.PARTIALLY_FILLED, OrderStatus.CANCELED);

    /** Engine settings taken from the service's configuration. */
    public record Limits(int queueCapacity, Duration lease, Duration maxWait, int breakerThreshold,
                         Duration breakerOpenFor) {
    }

    private final OrderStore store;
    private final KillSwitch killSwitch;
    private final ExecutionMetrics metrics;
    private final Limits limits;
    private final String owner;
    private final Clock clock;
    private final boolean singleProcessStore;
    private final Map<String, GuardedExchange> exchanges = new LinkedHashMap<>();
    private final Semaphore capacity;
    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    /** Orders queued, being worked or waiting for a retry, and whether each holds a capacity permit. */
    private final ConcurrentHashMap<String, Boolean> active = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Throwable> lastUnknown = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "engine-scheduler"));
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running;
    private volatile boolean claimedAtStart;

    public ExecutionEngine(OrderStore store, ExchangeRegistry registry, KillSwitch killSwitch,
                           ExecutionMetrics metrics, Limits limits, String owner, boolean singleProcessStore,
                           Clock clock) {
        this.store = store;
        this.killSwitch = killSwitch;
        this.metrics = metrics;
        this.limits = limits;
        this.owner = owner;
        this.singleProcessStore = singleProcessStore;
        this.clock = clock;
        this.capacity = new Semaphore(limits.queueCapacity());
        for (ExchangeClient client : registry.all()) {
            exchanges.put(client.name(), new GuardedExchange(client, limits.breakerThreshold(),
                    limits.breakerOpenFor(), metrics));
        }
        metrics.gauge("execution.order.queue.depth", "Orders accepted and not yet handed to their exchange",
                this::depth);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The owner name this engine's leases carry. */
    public String owner() {
        return owner;
    }

    public Instant leaseUntil() {
        return clock.instant().plus(limits.lease());
    }

    public int depth() {
        return limits.queueCapacity() - capacity.availablePermits();
    }

    /** Reserves room for one order before intake records it: when there is none, intake answers 503. */
    public boolean tryReserve() {
        return running && capacity.tryAcquire();
    }

    /** Gives back a reservation whose order was not recorded (duplicate or store failure). */
    public void cancelReservation() {
        capacity.release();
    }

    /** Hands over a recorded order; its reservation travels with it. */
    public void submit(String orderId) {
        if (active.putIfAbsent(orderId, Boolean.TRUE) == null) {
            queue.add(orderId);
        } else {
            capacity.release();
        }
    }

    public void start() {
        running = true;
        for (int i = 0; i < WORKERS; i++) {
            Thread worker = daemon(this::workLoop, "engine-worker-" + i);
            workers.add(worker);
            worker.start();
        }
        long leaseTick = Math.max(500, limits.lease().toMillis() / 3);
        scheduler.scheduleWithFixedDelay(this::renewLeases, leaseTick, leaseTick, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::claimOrphans, singleProcessStore ? 0 : leaseTick, leaseTick,
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::pollOpenOrders, OPEN_ORDER_POLL.toMillis(), OPEN_ORDER_POLL.toMillis(),
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::pingExchanges, 0, PING_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::purgeAlertIds, 1, 60, TimeUnit.MINUTES);
    }

    private void workLoop() {
        // On drain a worker finishes the order in its hands and takes no other: what is still queued is handed
        // back (its lease released) for another replica, or the next start, to execute at once.
        while (running) {
            String orderId;
            try {
                orderId = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (orderId == null) {
                continue;
            }
            MDC.put("order_id", orderId);
            try {
                process(orderId);
            } catch (StoreUnavailableException e) {
                log.warn("store unavailable while executing; retrying the order: {}", e.getMessage());
                later(orderId, Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                log.error("unexpected failure while executing an order; it will be retried", e);
                later(orderId, Duration.ofSeconds(1));
            } finally {
                MDC.remove("order_id");
            }
        }
    }

    private void process(String orderId) {
        Optional<Order> found = store.findForExecution(orderId);
        if (found.isEmpty() || found.get().status().isFinal()) {
            leave(orderId);
            return;
        }
        Order order = found.get();
        GuardedExchange exchange = exchanges.get(order.exchange());
        if (exchange == null) {
            fail(order, "exchange_not_configured", "no credentials for " + order.exchange() + " in this process");
            return;
        }
        if (killSwitch.isHalted() && order.status() != OrderStatus.SUBMITTED) {
            waitOrFail(order, "trading_halted", "trading is halted (POST /admin/resume)", BREAKER_RECHECK);
            return;
        }
        try {
            switch (order.status()) {
                case ACCEPTED -> send(order, exchange);
                case SUBMITTING -> reconcile(order, exchange);
                case SUBMITTED -> refresh(order, exchange);
                default -> leave(orderId);
            }
        } catch (CircuitOpenException e) {
            // Only an order not yet on the exchange gets here (ACCEPTED or SUBMITTING); one already in SUBMITTING
            // may have reached the exchange before the breaker opened.
            waitOrFail(order, order.status() == OrderStatus.SUBMITTING ? "outcome_unknown" : "circuit_open",
                    e.getMessage(), BREAKER_RECHECK);
        }
    }

    /** A new order: marked SUBMITTING in the store before anything goes out, then placed. */
    private void send(Order order, GuardedExchange exchange) throws CircuitOpenException {
        if (exchange.state() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN) {
            throw new CircuitOpenException(exchange.name());
        }
        if (!store.transition(order.orderId(), owner, OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING),
                clock.instant())) {
            leave(order.orderId());
            return;
        }
        place(order, exchange);
    }

    /** An order in SUBMITTING may already be at the exchange: ask before sending again. */
    private void reconcile(Order order, GuardedExchange exchange) throws CircuitOpenException {
        Optional<ExchangeOrder> atExchange;
        try {
            atExchange = exchange.lookup(order.symbol(), order.clientOrderId());
        } catch (ExchangeException e) {
            retry(order, OrderStatus.SUBMITTING, e, false);
            return;
        }
        if (atExchange.isPresent()) {
            log.info("order found at {} by client order id; not sending again", order.exchange());
            apply(order, OrderStatus.SUBMITTING, atExchange.get());
            return;
        }
        if (expired(order)) {
            fail(order, failureReason(order), "not at the exchange and older than ORDER_MAX_WAIT_SECONDS ("
                    + limits.maxWait().toSeconds() + " s); not sent, to avoid trading on a stale alert");
            return;
        }
        place(order, exchange);
    }

    /** The stored order as the exchange port takes it: the stored price is the limit of a LIMIT order only. */
    private static OrderRequest request(Order order) {
        return new OrderRequest(order.clientOrderId(), order.symbol(), order.side(), order.type(), order.quantity(),
                order.type() == OrderType.LIMIT ? order.price() : null, order.price());
    }

    private void place(Order order, GuardedExchange exchange) throws CircuitOpenException {
        try {
            ExchangeOrder placed = exchange.place(request(order));
            lastUnknown.remove(order.orderId());
            apply(order, OrderStatus.SUBMITTING, placed);
        } catch (ExchangeException e) {
            switch (e.kind()) {
                case REJECTED -> finish(order, OrderStatus.SUBMITTING, new OrderUpdate(OrderStatus.SUBMITTING,
                        OrderStatus.REJECTED, rejectionReason(e), describe(e), null, null, null));
                case AUTHENTICATION -> finish(order, OrderStatus.SUBMITTING, OrderUpdate.failed(OrderStatus.SUBMITTING,
                        OrderStatus.FAILED, "exchange_authentication_failed", describe(e)));
                default -> retry(order, OrderStatus.SUBMITTING, e, true);
            }
        }
    }

    private void refresh(Order order, GuardedExchange exchange) {
        try {
            exchange.lookup(order.symbol(), order.clientOrderId())
                    .ifPresent(atExchange -> apply(order, OrderStatus.SUBMITTED, atExchange));
        } catch (ExchangeException | CircuitOpenException e) {
            // A resting order lives on the exchange, whatever the breaker says: it waits for the next poll and is
            // never failed for the maximum wait (SUBMITTED -> FAILED is no transition).
            log.info("could not refresh an open order: {}", e.getMessage());
        }
        leave(order.orderId());
    }

    /** Records what the exchange says about the order. */
    private void apply(Order order, OrderStatus from, ExchangeOrder atExchange) {
        OrderStatus to = statusOf(atExchange);
        if (from == OrderStatus.SUBMITTED && to == OrderStatus.SUBMITTED
                && sameQuantity(order.executedQuantity(), atExchange.executedQuantity())) {
            leave(order.orderId());
            return;
        }
        OrderUpdate update = new OrderUpdate(from, to, to == OrderStatus.REJECTED ? "exchange_rejected" : null,
                null, atExchange.exchangeOrderId(), atExchange.executedQuantity(), atExchange.averagePrice());
        finish(order, from, update);
        if (from == OrderStatus.SUBMITTING && to == OrderStatus.SUBMITTED) {
            // Some venues acknowledge before they fill (Coinbase's create answer carries no fills): look again
            // soon rather than at the next regular poll.
            scheduler.schedule(() -> poll(order.orderId()), FIRST_LOOK.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void poll(String orderId) {
        if (running && active.putIfAbsent(orderId, Boolean.FALSE) == null) {
            queue.add(orderId);
        }
    }

    private static boolean sameQuantity(BigDecimal a, BigDecimal b) {
        if (a == null || b == null) {
            return a == b || (a == null && b.signum() == 0) || (b == null && a.signum() == 0);
        }
        return a.compareTo(b) == 0;
    }

    static OrderStatus statusOf(ExchangeOrder order) {
        boolean partlyFilled = order.executedQuantity() != null && order.executedQuantity().signum() > 0;
        ExchangeOrderStatus status = order.status();
        return switch (status) {
            case OPEN, PARTIALLY_FILLED -> OrderStatus.SUBMITTED;
            case FILLED -> OrderStatus.FILLED;
            case CANCELED, EXPIRED -> partlyFilled ? OrderStatus.PARTIALLY_FILLED : OrderStatus.CANCELED;
            case REJECTED -> OrderStatus.REJECTED;
        };
    }

    private void finish(Order order, OrderStatus from, OrderUpdate update) {
        Instant now = clock.instant();
        if (!store.transition(order.orderId(), owner, update, now)) {
            log.warn("order changed under this replica (lease lost?); leaving it to its owner");
            leave(order.orderId());
            return;
        }
        lastUnknown.remove(order.orderId());
        if (from == OrderStatus.SUBMITTING && ACKNOWLEDGED.contains(update.to())) {
            metrics.orderAcknowledged(order.exchange(), Duration.between(order.receivedAt(), now));
        }
        if (update.to().isFinal()) {
            metrics.orderFinished(order.exchange(), order.side().name().toLowerCase(Locale.ROOT),
                    update.to().name().toLowerCase(Locale.ROOT));
            log.info("order {} on {}{}", update.to(), order.exchange(),
                    update.reason() == null ? "" : " (" + update.reason() + ")");
        } else {
            log.info("order {} on {}", update.to(), order.exchange());
        }
        leave(order.orderId());
    }

    /**
     * A failure whose outcome allows another try: wait (honouring Retry-After), unless the order is too old.
     * {@code current} is the order's status in the store (the {@code order} object may predate SUBMITTING);
     * {@code sent} says the failed call was the send itself.
     */
    private void retry(Order order, OrderStatus current, ExchangeException e, boolean sent) {
        if (e.kind() == ExchangeException.Kind.UNKNOWN_OUTCOME) {
            lastUnknown.put(order.orderId(), e);
        }
        if (expired(order)) {
            if (sent && e.kind() == ExchangeException.Kind.UNKNOWN_OUTCOME) {
                // A send that timed out after the maximum wait may still have traded: ask the exchange once
                // (reconcile) before giving up, so FAILED never hides an order the exchange holds and can tell.
                later(order.orderId(), Duration.ZERO);
                return;
            }
            fail(order, current, failureReason(order, e), describe(e));
            return;
        }
        int attempt = Math.max(1, order.attempts());
        long backoff = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(attempt - 1, 10));
        Duration delay = Duration.ofMillis(backoff);
        if (e.retryAfter() != null && e.retryAfter().compareTo(delay) > 0) {
            delay = e.retryAfter();
        }
        log.info("exchange call failed ({}: {}); next try in {} ms", e.kind(), e.getMessage(), delay.toMillis());
        store.recordAttempt(order.orderId(), owner, e.kind().name().toLowerCase(Locale.ROOT) + ": " + describe(e),
                clock.instant());
        later(order.orderId(), delay);
    }

    private void waitOrFail(Order order, String reason, String detail, Duration recheck) {
        if (expired(order)) {
            fail(order, reason, detail + "; waited longer than ORDER_MAX_WAIT_SECONDS (" + limits.maxWait().toSeconds()
                    + " s)");
        } else {
            later(order.orderId(), recheck);
        }
    }

    private void fail(Order order, String reason, String detail) {
        fail(order, order.status(), reason, detail);
    }

    private void fail(Order order, OrderStatus current, String reason, String detail) {
        finish(order, current, OrderUpdate.failed(current, OrderStatus.FAILED, reason, detail));
    }

    private String failureReason(Order order) {
        return lastUnknown.containsKey(order.orderId()) ? "outcome_unknown" : "expired";
    }

    private String failureReason(Order order, ExchangeException last) {
        if (lastUnknown.containsKey(order.orderId()) || last.kind() == ExchangeException.Kind.UNKNOWN_OUTCOME) {
            return "outcome_unknown";
        }
        return last.kind() == ExchangeException.Kind.RATE_LIMITED ? "exchange_rate_limited" : "exchange_unavailable";
    }

    private boolean expired(Order order) {
        return clock.instant().isAfter(order.receivedAt().plus(limits.maxWait()));
    }

    private static String rejectionReason(ExchangeException e) {
        String code = e.exchangeCode();
        // Local rejections carry a word code (below_min_notional); exchange rejections a venue code (-2010).
        if (code != null && code.matches("[a-z_]{3,40}")) {
            return code;
        }
        return "exchange_rejected";
    }

    private static String describe(ExchangeException e) {
        return (e.exchangeCode() == null ? "" : "[" + e.exchangeCode() + "] ") + e.getMessage();
    }

    private void later(String orderId, Duration delay) {
        if (!running) {
            // Draining: the lease is given back below and another replica (or the next start) takes the order.
            leave(orderId);
            return;
        }
        scheduler.schedule(() -> queue.add(orderId), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The order leaves this engine's hands (final, handed to the exchange, or given up to another replica). */
    private void leave(String orderId) {
        Boolean heldPermit = active.remove(orderId);
        if (Boolean.TRUE.equals(heldPermit)) {
            capacity.release();
        }
    }

    private void renewLeases() {
        try {
            store.renewLeases(owner, leaseUntil());
        } catch (StoreUnavailableException e) {
            log.warn("could not renew order leases: {}", e.getMessage());
        }
    }

    /** Takes over open orders whose owner stopped renewing its lease (or, on an embedded store, all of them). */
    private void claimOrphans() {
        if (!running) {
            return;
        }
        try {
            // An embedded store has one process: at start it takes every open order (its previous run's leases
            // died with it); after that only expired leases, like a replica.
            Instant now = singleProcessStore && !claimedAtStart ? clock.instant().plus(Duration.ofDays(36500))
                    : clock.instant();
            List<String> claimed = store.claimExpired(owner, now, leaseUntil(), 500);
            claimedAtStart = true;
            for (String id : claimed) {
                if (active.putIfAbsent(id, Boolean.FALSE) == null) {
                    queue.add(id);
                }
            }
            if (!claimed.isEmpty()) {
                log.info("took over {} open orders whose lease had expired", claimed.size());
            }
        } catch (StoreUnavailableException e) {
            log.warn("could not look for orphaned orders: {}", e.getMessage());
        }
    }

    private void pollOpenOrders() {
        if (!running) {
            return;
        }
        try {
            // Every open order this replica holds and is not working on: resting orders to refresh, and any
            // order whose hand-over was missed (recorded after its webhook gave up waiting, a worker that died).
            for (OrderStatus status : OrderStatus.open()) {
                store.openOrders(owner, status, 200).forEach(this::poll);
            }
        } catch (StoreUnavailableException e) {
            log.warn("could not poll open orders: {}", e.getMessage());
        }
    }

    private void pingExchanges() {
        exchanges.values().forEach(GuardedExchange::ping);
    }

    private void purgeAlertIds() {
        try {
            store.purgeAlertIdsBefore(clock.instant().minus(DEDUP_WINDOW));
        } catch (StoreUnavailableException e) {
            log.warn("could not purge old alert ids: {}", e.getMessage());
        }
    }

    /**
     * Stops taking work, lets the workers finish the orders in their hands (up to the timeout), then gives back
     * the leases of everything else so another replica takes it at once.
     */
    public void drain(Duration timeout) {
        running = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread worker : workers) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    worker.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        scheduler.shutdownNow();
        if (workers.isEmpty()) {
            return; // never started (start-up failed): it holds no lease
        }
        try {
            int released = store.releaseLeases(owner);
            if (released > 0) {
                log.info("gave back {} open orders for another replica to finish", released);
            }
        } catch (StoreUnavailableException e) {
            log.warn("could not give back leases; they expire in {} s: {}", limits.lease().toSeconds(), e.getMessage());
        }
    }

    @Override
    public void close() {
        drain(Duration.ofSeconds(5));
    }
}
