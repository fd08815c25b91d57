package com.fks.execution.execution;

import com.fks.execution.exchange.ExchangeClient;
import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.ExchangeRegistry;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.metrics.ExecutionMetrics;
import com.fks.execution.exchange.InstrumentRules;
import com.fks.execution.order.NewOrder;
import com.fks.execution.order.Order;
import com.fks.execution.order.OrderKind;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderStore;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.OrderUpdate;
import com.fks.execution.order.Position;
import com.fks.execution.order.QuantityType;
import com.fks.execution.order.RecordResult;
import com.fks.execution.order.Side;
import com.fks.execution.order.StoreUnavailableException;
import com.fks.execution.risk.DenialReason;
import com.fks.execution.risk.KillSwitch;
import com.fks.execution.risk.RiskCheck;
import com.fks.execution.risk.RiskDenial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

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
    /** How often the positions of symbols that had fills are read again for execution_position_quantity. */
    static final Duration POSITIONS_REFRESH = Duration.ofSeconds(10);
    /** How soon an exit or a cancel looks again at orders it is waiting to see cancelled. */
    static final Duration CANCEL_RECHECK = Duration.ofMillis(500);
    static final Duration PING_INTERVAL = Duration.ofSeconds(15);
    /** A repeated alert id within this window is a duplicate; after it, a new alert. */
    public static final Duration DEDUP_WINDOW = Duration.ofHours(24);
    /**
     * Workers spend their time waiting on exchanges (up to their timeouts); they do not wait for an order's final
     * write. At most this many, so that one slow venue does not hold up the rest; only as many as the orders in
     * those waits need are running ({@link EngineWorkers}).
     */
    public static final int WORKERS = 64;
    /** Workers started with the engine and kept however quiet it is; more only while some are blocked. */
    static final int CORE_WORKERS = 8;
    /**
     * An order that waited this long for a worker starts one for each worker blocked in its task (a slow exchange
     * call). Short tasks (a fast exchange, the step after a final write) clear a burst well within it.
     */
    static final Duration WORKER_STALL = Duration.ofMillis(2);
    /** How often the workers beyond the core are counted, and those not needed (none blocked) end. */
    static final Duration WORKER_SHRINK_EVERY = Duration.ofSeconds(5);

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
    private final RiskCheck risk;
    private final ExecutionMetrics metrics;
    private final Limits limits;
    private final String owner;
    private final Clock clock;
    private final boolean singleProcessStore;
    private final Map<String, GuardedExchange> exchanges = new LinkedHashMap<>();
    private final Semaphore capacity;
    /** Orders queued, being worked or waiting for a retry, and whether each holds a capacity permit. */
    private final ConcurrentHashMap<String, Boolean> active = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Throwable> lastUnknown = new ConcurrentHashMap<>();
    /** Orders whose last write is on its way to disk, what follows it not yet done ({@link #finish}). */
    private final AtomicInteger settling = new AtomicInteger();
    /**
     * Orders the store marked SUBMITTING with their acceptance ({@link OrderStore#recordAndHandOver}) that this
     * process has not yet handed to their exchange: sent without asking the exchange first. An order whose send
     * was tried, or that a restart finds in SUBMITTING, is not here and is reconciled as any other.
     */
    private final Set<String> unsent = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "engine-scheduler"));
    private final EngineWorkers workers = new EngineWorkers(CORE_WORKERS, WORKERS, WORKER_STALL, WORKER_SHRINK_EVERY,
            scheduler, "engine-worker-");
    /** Its own thread: a position read scans a symbol's fills and must not hold up lease renewals. */
    private final ScheduledExecutorService positionsRefresher = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "position-gauges"));
    private final PositionGauges positionGauges;
    private volatile boolean running;
    private volatile boolean started;
    private volatile boolean claimedAtStart;

    public ExecutionEngine(OrderStore store, ExchangeRegistry registry, KillSwitch killSwitch, RiskCheck risk,
                           ExecutionMetrics metrics, Limits limits, String owner, boolean singleProcessStore,
                           Clock clock) {
        this.store = store;
        this.killSwitch = killSwitch;
        this.risk = risk;
        this.metrics = metrics;
        this.limits = limits;
        this.owner = owner;
        this.singleProcessStore = singleProcessStore;
        this.clock = clock;
        this.capacity = new Semaphore(limits.queueCapacity());
        this.positionGauges = new PositionGauges(store, metrics);
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

    /** The workers running now, busy or idle. */
    int workerThreads() {
        return workers.threads();
    }

    /** Reserves room for one order before intake records it: when there is none, intake answers 503. */
    public boolean tryReserve() {
        return running && capacity.tryAcquire();
    }

    /** Gives back a reservation whose order was not recorded (duplicate or store failure). */
    public void cancelReservation() {
        capacity.release();
    }

    /**
     * Whether intake may record the order with its step to SUBMITTING ({@link OrderStore#recordAndHandOver}): an
     * entry sent as it is (no size to resolve from a balance, a position or a limit price), to an exchange this
     * process has, whose circuit breaker is closed, while trading is not halted. Anything else takes that step
     * here, after the checks it needs.
     */
    public boolean sendsAsRecorded(NewOrder order) {
        if (!running || order.terms().kind() != OrderKind.ENTRY || Sizing.needed(order.terms(), order.type())
                || killSwitch.isHalted()) {
            return false;
        }
        GuardedExchange exchange = exchanges.get(order.exchange());
        return exchange != null && exchange.state() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED;
    }

    /**
     * Hands over a recorded order; its reservation travels with it. {@code unsentSubmitting}: the store recorded it
     * in SUBMITTING ({@link RecordResult.Recorded#submitting}), so it goes to its exchange without a look-up first.
     */
    public void submit(String orderId, boolean unsentSubmitting) {
        if (unsentSubmitting) {
            unsent.add(orderId);
        }
        if (active.putIfAbsent(orderId, Boolean.TRUE) == null) {
            workers.add(orderId);
        } else {
            capacity.release();
        }
    }

    public void start() {
        running = true;
        started = true;
        // Draining, the workers stay until every final write in flight has had what follows it done.
        workers.start(this::work, () -> running || settling.get() > 0);
        long leaseTick = Math.max(500, limits.lease().toMillis() / 3);
        scheduler.scheduleWithFixedDelay(this::renewLeases, leaseTick, leaseTick, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::claimOrphans, singleProcessStore ? 0 : leaseTick, leaseTick,
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::pollOpenOrders, OPEN_ORDER_POLL.toMillis(), OPEN_ORDER_POLL.toMillis(),
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::pingExchanges, 0, PING_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::purgeAlertIds, 1, 60, TimeUnit.MINUTES);
        positionsRefresher.scheduleWithFixedDelay(positionGauges::refresh, 1, POSITIONS_REFRESH.toSeconds(),
                TimeUnit.SECONDS);
    }

    /**
     * One order in a worker's hands. On drain a worker finishes the order in its hands and takes no other: what is
     * still queued is handed back (its lease released) for another replica, or the next start, to execute at once.
     */
    private void work(String orderId) {
        if (!running) {
            return; // queued when the drain began: handed back with the rest (drain)
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
        // Exits, cancels and protection only reduce risk: they go on while trading is halted.
        if (killSwitch.isHalted() && order.status() != OrderStatus.SUBMITTED && !order.kind().reducesRisk()) {
            waitOrFail(order, "trading_halted", "trading is halted (POST /admin/resume)", BREAKER_RECHECK);
            return;
        }
        try {
            switch (order.status()) {
                case ACCEPTED -> {
                    observePrice(order, exchange);
                    switch (order.kind()) {
                        case CANCEL -> cancelOpenOrders(order, exchange);
                        case EXIT -> exit(order, exchange);
                        default -> send(order, exchange);
                    }
                }
                case SUBMITTING -> {
                    if (order.kind() == OrderKind.CANCEL) {
                        cancelOpenOrders(order, exchange);
                    } else if (unsent.remove(orderId)) {
                        sendUnsent(order, exchange);
                    } else {
                        reconcile(order, exchange);
                    }
                }
                case SUBMITTED -> refresh(order, exchange);
                default -> leave(orderId);
            }
        } catch (CircuitOpenException e) {
            // Only an order not yet on the exchange gets here (ACCEPTED or SUBMITTING); one already in SUBMITTING
            // may have reached the exchange before the breaker opened.
            boolean maybeSent = order.status() == OrderStatus.SUBMITTING && !unsent.contains(orderId);
            waitOrFail(order, maybeSent ? "outcome_unknown" : "circuit_open", e.getMessage(), BREAKER_RECHECK);
        }
    }

    /**
     * A new order: its size resolved (a quote amount at a limit, a percent of a balance or of the position) and
     * marked SUBMITTING in the store with that size before anything goes out, then placed.
     */
    private void send(Order order, GuardedExchange exchange) throws CircuitOpenException {
        if (exchange.state() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN) {
            throw new CircuitOpenException(exchange.name());
        }
        OrderUpdate submitting = OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING);
        Order toSend = order;
        if (Sizing.needed(order)) {
            Sizing.Sized sized;
            try {
                sized = size(order, exchange);
            } catch (ExchangeException e) {
                if (e.kind() == ExchangeException.Kind.REJECTED || e.kind() == ExchangeException.Kind.AUTHENTICATION) {
                    fail(order, OrderStatus.ACCEPTED, "sizing_failed", describe(e));
                } else {
                    retry(order, OrderStatus.ACCEPTED, e, false);
                }
                return;
            }
            if (sized.failed()) {
                fail(order, OrderStatus.ACCEPTED, sized.failureReason(), sized.detail());
                return;
            }
            submitting = OrderUpdate.resolvedForSending(sized.quantity(), sized.terms(), sized.detail());
            toSend = order.sized(sized.quantity(), sized.terms());
        }
        if (!store.transition(order.orderId(), owner, submitting, clock.instant())) {
            leave(order.orderId());
            return;
        }
        place(toSend, exchange);
    }

    /**
     * An order recorded in SUBMITTING and never sent: placed at once. When the breaker keeps it from going out,
     * nothing was sent and it stays unsent.
     */
    private void sendUnsent(Order order, GuardedExchange exchange) throws CircuitOpenException {
        observePrice(order, exchange);
        try {
            place(order, exchange);
        } catch (CircuitOpenException e) {
            unsent.add(order.orderId());
            throw e;
        }
    }

    /** The size to send, from the balance or the position read now (never cached across alerts). */
    private Sizing.Sized size(Order order, GuardedExchange exchange) throws ExchangeException, CircuitOpenException {
        switch (order.terms().quantityType()) {
            case QUOTE -> {
                return Sizing.quoteAtLimit(order);
            }
            case PERCENT_OF_BALANCE -> {
                InstrumentRules rules = exchange.instrumentRules(order.symbol());
                String asset = order.side() == Side.BUY ? rules.quoteAsset() : rules.baseAsset();
                if (asset == null) {
                    return Sizing.Sized.failure("balance_unavailable", order.exchange()
                            + " does not name the assets of " + order.symbol());
                }
                Sizing.Sized sized = Sizing.percentOfBalance(order, asset, exchange.freeBalance(asset));
                return sized.failed() ? sized : withinOrderSizeLimit(order, sized);
            }
            case PERCENT_OF_POSITION -> {
                Position position = store.position(order.exchange(), order.symbol(), order.strategy());
                if (position.isFlat()) {
                    return Sizing.percentOfPosition(order, position, null);
                }
                InstrumentRules rules = exchange.instrumentRules(order.symbol());
                BigDecimal freeBase = rules.baseAsset() == null ? null : exchange.freeBalance(rules.baseAsset());
                return Sizing.percentOfPosition(order, position, freeBase);
            }
            default -> {
                return Sizing.Sized.to(order.quantity(), order.terms(), null);
            }
        }
    }

    /** MAX_ORDER_SIZE_USD for an entry sized from a balance: known only now, so FAILED (not 422) when over. */
    private Sizing.Sized withinOrderSizeLimit(Order order, Sizing.Sized sized) {
        boolean quoteAmount = sized.terms().quantityType() == QuantityType.QUOTE;
        Optional<RiskDenial> denial = quoteAmount ? risk.check(order.symbol(), sized.quantity(), BigDecimal.ONE)
                : risk.check(order.symbol(), sized.quantity(), order.price());
        if (denial.isEmpty()) {
            return sized;
        }
        String reason = denial.get().reason() == DenialReason.ORDER_TOO_LARGE ? "max_order_size_exceeded"
                : denial.get().reason().name().toLowerCase(Locale.ROOT);
        return Sizing.Sized.failure(reason, sized.detail() + "; " + denial.get().detail());
    }

    /**
     * An exit: the position's stop-loss and take-profit are cancelled first (what they filled in the meantime
     * counts), then the rest of the position is sold at market.
     */
    private void exit(Order order, GuardedExchange exchange) throws CircuitOpenException {
        int pending = cancelEach(order, exchange, o -> o.type().isProtection()
                && Objects.equals(o.strategy(), order.strategy()), "canceled_by_exit").pending();
        if (pending > 0) {
            waitOrFail(order, "protection_not_canceled", pending + " stop-loss/take-profit orders of the position "
                    + "could not be cancelled yet", CANCEL_RECHECK);
            return;
        }
        send(order, exchange);
    }

    /**
     * A cancel alert: every order this service has open for the symbol on the exchange (protection included; the
     * trader's own orders are never touched, nor market orders, which do not rest), then DONE.
     */
    private void cancelOpenOrders(Order order, GuardedExchange exchange) throws CircuitOpenException {
        if (order.status() == OrderStatus.ACCEPTED) {
            if (!store.transition(order.orderId(), owner, new OrderUpdate(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING,
                    null, "cancelling the service's open orders of " + order.symbol(), null, null, null),
                    clock.instant())) {
                leave(order.orderId());
                return;
            }
        }
        Cancels cancels = cancelEach(order, exchange, o -> o.kind() != OrderKind.CANCEL && o.kind() != OrderKind.EXIT
                && o.type() != OrderType.MARKET, "canceled_by_alert");
        int pending = cancels.pending();
        if (pending > 0) {
            if (expired(order)) {
                fail(order, OrderStatus.SUBMITTING, "cancel_incomplete", pending + " open orders could not be "
                        + "cancelled within ORDER_MAX_WAIT_SECONDS; they stay open");
            } else {
                later(order.orderId(), CANCEL_RECHECK);
            }
            return;
        }
        finish(order, OrderStatus.SUBMITTING, new OrderUpdate(OrderStatus.SUBMITTING, OrderStatus.DONE, null,
                cancels.settled() == 0 ? "no open orders to cancel" : "settled " + cancels.settled()
                        + " open orders (cancelled, or filled before the cancel reached them)", null, null, null));
    }

    /** What a round of cancels did: orders made final by it, and orders not final yet. */
    private record Cancels(int settled, int pending) {
    }

    /**
     * Cancels the open orders of {@code cause}'s exchange and symbol that {@code target} picks; counts those it made
     * final and those not final yet (being sent, or held by another replica, which records the outcome at its next
     * look).
     */
    private Cancels cancelEach(Order cause, GuardedExchange exchange, Predicate<Order> target, String reason)
            throws CircuitOpenException {
        int pending = 0;
        int settled = 0;
        for (Order o : store.openOrdersFor(cause.exchange(), cause.symbol())) {
            if (o.orderId().equals(cause.orderId()) || !target.test(o)) {
                continue;
            }
            String detail = "by " + cause.kind().label() + " " + cause.orderId();
            switch (o.status()) {
                case ACCEPTED -> {
                    if (settle(o, new OrderUpdate(OrderStatus.ACCEPTED, OrderStatus.CANCELED, reason, detail, null,
                            null, null))) {
                        settled++;
                    } else {
                        pending++;
                    }
                }
                case SUBMITTED -> {
                    if (cancelAtExchange(o, exchange, reason, detail)) {
                        settled++;
                    } else {
                        pending++;
                    }
                }
                default -> {
                    pending++; // SUBMITTING: its send is in flight; look again once it is settled
                    poll(o.orderId());
                }
            }
        }
        return new Cancels(settled, pending);
    }

    /** Cancels one resting order at its exchange and records what the exchange says; true once it is final. */
    private boolean cancelAtExchange(Order o, GuardedExchange exchange, String reason, String detail)
            throws CircuitOpenException {
        ExchangeOrder answer;
        try {
            answer = exchange.cancel(o.symbol(), o.clientOrderId(), o.type());
        } catch (ExchangeException e) {
            if (e.kind() != ExchangeException.Kind.REJECTED) {
                log.info("could not cancel order {}: {}", o.orderId(), e.getMessage());
                return false;
            }
            // Refused: already filled or gone. What the exchange holds settles it.
            try {
                Optional<ExchangeOrder> found = exchange.lookup(o.symbol(), o.clientOrderId(), o.type());
                if (found.isEmpty()) {
                    return false;
                }
                answer = found.get();
            } catch (ExchangeException again) {
                return false;
            }
        }
        OrderStatus to = statusOf(answer);
        if (!to.isFinal()) {
            return false;
        }
        return settle(o, new OrderUpdate(OrderStatus.SUBMITTED, to, to == OrderStatus.CANCELED ? reason : null,
                to == OrderStatus.CANCELED ? detail : null, answer.exchangeOrderId(), answer.executedQuantity(),
                answer.averagePrice()));
    }

    /**
     * A market alert's price is the market's (its close); a limit alert's is only what the trader asks, which would
     * otherwise fill its own order on paper.
     */
    private void observePrice(Order order, GuardedExchange exchange) {
        if (order.price() != null && order.type() == OrderType.MARKET) {
            exchange.observePrice(order.symbol(), order.price());
        }
    }

    /** An order in SUBMITTING may already be at the exchange: ask before sending again. */
    private void reconcile(Order order, GuardedExchange exchange) throws CircuitOpenException {
        Optional<ExchangeOrder> atExchange;
        try {
            atExchange = exchange.lookup(order.symbol(), order.clientOrderId(), order.type());
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

    /**
     * The stored order as the exchange port takes it: the stored price is the limit of a LIMIT order and the
     * take-profit of a protection order, else only a reference; a market order sized in the quote currency goes
     * as a quote amount.
     */
    static OrderRequest request(Order order) {
        boolean quoteSized = order.terms().quantityType() == QuantityType.QUOTE && order.type() == OrderType.MARKET;
        BigDecimal limit = switch (order.type()) {
            case LIMIT, TAKE_PROFIT, OCO -> order.price();
            default -> null;
        };
        return new OrderRequest(order.clientOrderId(), order.symbol(), order.side(), order.type(),
                quoteSized ? null : order.quantity(), limit, order.type().isProtection() ? null : order.price(),
                order.terms().stopPrice(), quoteSized ? order.quantity() : null);
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
            exchange.lookup(order.symbol(), order.clientOrderId(), order.type())
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
        // Some venues acknowledge before they fill (Coinbase's create answer carries no fills): look again soon
        // rather than at the next regular poll.
        finish(order, update, from == OrderStatus.SUBMITTING && to == OrderStatus.SUBMITTED
                ? () -> scheduler.schedule(() -> poll(order.orderId()), FIRST_LOOK.toMillis(), TimeUnit.MILLISECONDS)
                : null);
    }

    private void poll(String orderId) {
        if (running && active.putIfAbsent(orderId, Boolean.FALSE) == null) {
            workers.add(orderId);
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

    /** The metric's labels, made once rather than lower-cased again for every order. */
    private static final String[] SIDE_LABELS = labels(Side.values());
    private static final String[] STATUS_LABELS = labels(OrderStatus.values());

    private static String[] labels(Enum<?>[] values) {
        String[] labels = new String[values.length];
        for (Enum<?> v : values) {
            labels[v.ordinal()] = v.name().toLowerCase(Locale.ROOT);
        }
        return labels;
    }

    private void finish(Order order, OrderStatus from, OrderUpdate update) {
        finish(order, update, null);
    }

    /**
     * Records the order's last transition in this engine's hands, then lets it go and runs {@code then}. The worker
     * does not wait for the write to be durable: it goes on to the next order, and a worker takes up what follows
     * once the store has answered. Until then the order is still active here (its queue slot held, no poll taking
     * it up), as when the worker waited. An entry that filled records its protection first, in this thread
     * ({@link #settle}).
     */
    private void finish(Order order, OrderUpdate update, Runnable then) {
        if (Protections.wanted(order, update.to(), update.executedQuantity())) {
            settle(order, update);
            settled(order, then);
            return;
        }
        Instant now = clock.instant();
        CompletableFuture<Boolean> written = store.transitionAsync(order.orderId(), owner, update, now);
        settling.incrementAndGet();
        // A store that wrote before it returned has answered already: nothing to hand over.
        boolean answered = written.isDone();
        written.whenComplete((changed, failure) -> {
            Runnable next = () -> afterWrite(order, update, now, changed, failure, then);
            if (answered) {
                next.run();
            } else {
                workers.execute(next);
            }
        });
    }

    /** What follows an order's final write, in a worker: as {@link #settle} after its write, then the order leaves. */
    private void afterWrite(Order order, OrderUpdate update, Instant at, Boolean changed, Throwable failure,
                            Runnable then) {
        MDC.put("order_id", order.orderId());
        try {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                // As when the worker waited: the order is looked at again (and its exchange asked) in a second.
                log.warn("store unavailable while executing; retrying the order: {}", cause.getMessage());
                later(order.orderId(), Duration.ofSeconds(1));
                return;
            }
            if (changed) {
                transitioned(order, update, at);
            } else {
                lostUnderThisReplica(order);
            }
            settled(order, then);
        } catch (RuntimeException e) {
            log.error("unexpected failure after an order's write; it will be looked at again", e);
            later(order.orderId(), Duration.ofSeconds(1));
        } finally {
            settling.decrementAndGet();
            MDC.remove("order_id");
        }
    }

    private void settled(Order order, Runnable then) {
        leave(order.orderId());
        if (then != null) {
            then.run();
        }
    }

    /**
     * Records a transition and what follows from it: an entry that filled gets its protection recorded first (so a
     * crash in between finds the entry still open and records it again, as the same order); a sale that left the
     * position flat cancels the protection nothing is left to protect. False when the order changed under this
     * replica (another holds it, or it moved on).
     */
    private boolean settle(Order order, OrderUpdate update) {
        Instant now = clock.instant();
        if (Protections.wanted(order, update.to(), update.executedQuantity())) {
            protect(order, update, now);
        }
        if (!store.transition(order.orderId(), owner, update, now)) {
            lostUnderThisReplica(order);
            return false;
        }
        transitioned(order, update, now);
        return true;
    }

    private static void lostUnderThisReplica(Order order) {
        log.warn("order {} changed under this replica (lease lost?); leaving it to its owner", order.orderId());
    }

    /** What follows a recorded transition: the position's gauge, the SLI, the order's metrics and log line. */
    private void transitioned(Order order, OrderUpdate update, Instant now) {
        lastUnknown.remove(order.orderId());
        if (filledSomething(update)) {
            positionGauges.filled(order.exchange(), order.symbol());
        }
        if (update.from() == OrderStatus.SUBMITTING && ACKNOWLEDGED.contains(update.to())) {
            metrics.orderAcknowledged(order.exchange(), Duration.between(order.receivedAt(), now));
        }
        if (update.to().isFinal()) {
            metrics.orderFinished(order.exchange(), SIDE_LABELS[order.side().ordinal()],
                    STATUS_LABELS[update.to().ordinal()], order.kind().label());
            log.info("{} order {} {} on {}{}", order.kind().label(), order.orderId(), update.to(), order.exchange(),
                    update.reason() == null ? "" : " (" + update.reason() + ")");
            if (order.side() == Side.SELL && filledSomething(update)) {
                cancelOrphanedProtection(order);
            }
        } else {
            log.info("{} order {} {} on {}", order.kind().label(), order.orderId(), update.to(), order.exchange());
        }
    }

    private static boolean filledSomething(OrderUpdate update) {
        return update.executedQuantity() != null && update.executedQuantity().signum() > 0;
    }

    private void protect(Order entry, OrderUpdate update, Instant now) {
        NewOrder protection = Protections.forFilledEntry(entry, update.executedQuantity(), update.averagePrice(), now);
        RecordResult recorded = store.record(protection, owner, leaseUntil(), DEDUP_WINDOW);
        log.info("{} {} for entry {}: {}", protection.terms().kind().label(), recorded.orderId(), entry.orderId(),
                recorded instanceof RecordResult.Recorded ? "recorded" : "already recorded");
        scheduler.execute(() -> poll(recorded.orderId()));
    }

    /** A sale left the position flat: its remaining protection would sell what the service no longer holds. */
    private void cancelOrphanedProtection(Order sale) {
        try {
            // Asked after every sale: a counter (or an indexed read) first, the position only when protection is open.
            if (!store.hasOpenProtection(sale.exchange(), sale.symbol(), sale.strategy())
                    || !store.position(sale.exchange(), sale.symbol(), sale.strategy()).isFlat()) {
                return;
            }
            GuardedExchange exchange = exchanges.get(sale.exchange());
            int pending = cancelEach(sale, exchange, o -> o.type().isProtection()
                    && Objects.equals(o.strategy(), sale.strategy()), "position_closed").pending();
            if (pending > 0) {
                log.info("{} protection orders of a closed position are still to cancel", pending);
            }
        } catch (CircuitOpenException | StoreUnavailableException e) {
            log.warn("could not cancel the protection of a closed position: {}", e.getMessage());
        }
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
        scheduler.schedule(() -> workers.add(orderId), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The order leaves this engine's hands (final, handed to the exchange, or given up to another replica). */
    private void leave(String orderId) {
        unsent.remove(orderId);
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
                    workers.add(id);
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
        try {
            workers.awaitStopped(System.nanoTime() + timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        positionsRefresher.shutdownNow();
        if (!started) {
            return; // never started (start-up failed): it holds no lease
        }
        try {
            // The orders still unsent are queued, not in a worker's hands (a worker takes one out before sending).
            int released = store.releaseLeases(owner, Set.copyOf(unsent));
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
