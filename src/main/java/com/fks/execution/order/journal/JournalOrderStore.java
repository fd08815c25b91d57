package com.fks.execution.order.journal;

import com.fks.execution.order.CommitObserver;
import com.fks.execution.order.GroupCommitWriter;
import com.fks.execution.order.NewOrder;
import com.fks.execution.order.Order;
import com.fks.execution.order.Position;
import com.fks.execution.order.PositionLedger;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderStore;
import com.fks.execution.order.OrderUpdate;
import com.fks.execution.order.RecordResult;
import com.fks.execution.order.StoreUnavailableException;
import com.fks.execution.order.WriteGroups;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The embedded store: every change of an order is one small record appended to a journal and forced to disk
 * (fdatasync) before anyone is told it is stored. One writer thread takes whatever changes are waiting,
 * decides each against the orders it holds (de-duplication, the transition table, the lease), appends them as
 * one write and forces once, as soon as the previous force has returned: at light load a change waits for one
 * force, under load hundreds share it. Nothing else on the path of a webhook touches the disk.
 *
 * <p>What the engine needs (open orders, leases, the kill switch) is held in memory. GET /orders reads the view
 * ({@link MapOrderView}, plain maps in one file) that {@link ViewProjector} fills from the journal off the hot
 * path. Segments of the journal whose events the view has taken and forced to disk are deleted; a restart reads
 * the orders from the view and catches it up from the position it recorded. Alert ids of the last day are in
 * the view, with a fixed-size filter in memory so a new id rarely needs a read ({@link AlertIdFilter}).
 *
 * <p>One process per DATA_DIR (the journal folder is locked): leases are kept in memory only, and a new
 * process claims every open order at start.
 */
public final class JournalOrderStore implements OrderStore {
    private static final Logger log = LoggerFactory.getLogger(JournalOrderStore.class);
    public static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    /** The view's file, beside the journal's folder in DATA_DIR. */
    static final String VIEW_FILE = "order-view.mv";
    private static final int MAX_GROUP = 1024;
    private static final Duration DEDUP_WINDOW = Duration.ofHours(24);
    private static final long READ_WAIT_MILLIS = 2000;
    /** Room a journal that failed a write must have again before it is called ready. */
    private static final long MIN_FREE_BYTES = 256 * 1024;

    /** How far the view may fall behind the journal before intake waits for it. */
    public static final int VIEW_BACKLOG_BOUND = ViewProjector.MAX_BACKLOG_EVENTS;

    private final CompletableFuture<Core> opening;
    private final AutoCloseable onClose;

    private JournalOrderStore(CompletableFuture<Core> opening, AutoCloseable onClose) {
        this.opening = opening;
        this.onClose = onClose;
    }

    /**
     * Starts opening the store on a thread of its own: the view is opened (on its first start taking over the
     * SQL tables {@code earlierView} gives, where an earlier version kept its view), the journal checked and
     * replayed and the view caught up. Calls wait for the opening; {@link #awaitOpen} surfaces its failure.
     */
    public static JournalOrderStore open(Path folder, Supplier<DataSource> earlierView, AutoCloseable onClose,
                                         Clock clock) {
        return open(folder, SEGMENT_BYTES, earlierView, onClose, clock);
    }

    static JournalOrderStore open(Path folder, long segmentBytes, Supplier<DataSource> earlierView,
                                  AutoCloseable onClose, Clock clock) {
        CompletableFuture<Core> opening = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            try {
                opening.complete(Core.open(folder, segmentBytes, earlierView.get(), clock));
            } catch (Throwable e) {
                opening.completeExceptionally(e);
            }
        }, "store-journal-open");
        opener.setDaemon(true);
        opener.start();
        return new JournalOrderStore(opening, onClose);
    }

    @Override
    public void awaitOpen() {
        core();
    }

    private Core core() {
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StoreUnavailableException unavailable) {
                throw unavailable;
            }
            if (e.getCause() instanceof JournalCorruptException corrupt) {
                throw new StoreUnavailableException(corrupt.getMessage(), corrupt);
            }
            throw new StoreUnavailableException("cannot open the order journal: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    @Override
    public RecordResult record(NewOrder order, String owner, Instant leaseUntil, Duration dedupWindow) {
        return core().submit(new RecordCommand(order, owner, leaseUntil, dedupWindow, false, null));
    }

    /**
     * With {@code sendAsIs}, the order's ACCEPTED and SUBMITTING events in one group: one force before both the
     * 202 and the send. The writer hands the order over right after the force, before it answers the caller.
     */
    @Override
    public RecordResult recordAndHandOver(NewOrder order, String owner, Instant leaseUntil, Duration dedupWindow,
                                          boolean sendAsIs, Consumer<RecordResult.Recorded> handOver) {
        return core().submit(new RecordCommand(order, owner, leaseUntil, dedupWindow, sendAsIs, handOver));
    }

    @Override
    public Optional<Order> find(String orderId) {
        Core core = core();
        core.awaitView();
        return core.view.find(orderId, true);
    }

    @Override
    public Optional<Order> findForExecution(String orderId) {
        Core core = core();
        LiveOrder live = core.live.get(orderId);
        return live != null ? Optional.of(live.order()) : core.view.find(orderId, false);
    }

    // Positions are kept in memory, fill by fill, as the writer applies each forced group: an exit is sized from
    // what the journal holds, with no read of the view and no wait for it.
    @Override
    public List<Position> positions(String exchange, String symbol) {
        Core core = core();
        return core.ledger.positions(exchange, symbol, openOrders(core));
    }

    @Override
    public Position position(String exchange, String symbol, String strategy) {
        return Position.of(positions(exchange, symbol), exchange, symbol, strategy);
    }

    private static List<Order> openOrders(Core core) {
        List<Order> open = new ArrayList<>();
        for (LiveOrder live : core.live.values()) {
            if (!live.status().isFinal()) {
                open.add(live.order());
            }
        }
        return open;
    }

    @Override
    public Optional<String> orderOfAlert(String alertId, Instant since) {
        Core core = core();
        return core.seen(alertId, core.clock.instant()).filter(seen -> seen.receivedAt() >= since.toEpochMilli())
                .map(seen -> seen.orderId());
    }

    @Override
    public boolean hasOpenProtection(String exchange, String symbol, String strategy) {
        return core().openProtections.getOrDefault(protectionKey(exchange, symbol, strategy), 0) > 0;
    }

    private static String protectionKey(String exchange, String symbol, String strategy) {
        return exchange + '\u0000' + symbol + '\u0000' + (strategy == null ? "\u0001" : strategy);
    }

    private static boolean openProtection(LiveOrder live) {
        return live != null && !live.status().isFinal() && live.order().type().isProtection();
    }

    /** Every open order is in memory: no wait for the view, no read of it. */
    @Override
    public List<Order> openOrdersFor(String exchange, String symbol) {
        List<Order> open = new ArrayList<>();
        for (LiveOrder live : core().live.values()) {
            Order o = live.order();
            if (!o.status().isFinal() && o.exchange().equals(exchange) && o.symbol().equals(symbol)) {
                open.add(o);
            }
        }
        open.sort(Comparator.comparing(Order::receivedAt).thenComparing(Order::orderId));
        return open;
    }

    @Override
    public List<Order> recent(int limit) {
        Core core = core();
        core.awaitView();
        return core.view.recent(limit);
    }

    @Override
    public boolean transition(String orderId, String owner, OrderUpdate update, Instant at) {
        update.from().checkTransition(update.to());
        return core().submit(new TransitionCommand(orderId, owner, update, at));
    }

    @Override
    public CompletableFuture<Boolean> transitionAsync(String orderId, String owner, OrderUpdate update, Instant at) {
        update.from().checkTransition(update.to());
        return core().submitAsync(new TransitionCommand(orderId, owner, update, at));
    }

    @Override
    public void recordAttempt(String orderId, String owner, String detail, Instant at) {
        core().submit(new AttemptCommand(orderId, owner, detail, at));
    }

    @Override
    public int renewLeases(String owner, Instant until) {
        int renewed = 0;
        for (LiveOrder o : core().live.values()) {
            if (owner.equals(o.leaseOwner()) && !o.status().isFinal()) {
                LiveOrder after = core().live.computeIfPresent(o.order().orderId(),
                        (id, cur) -> owner.equals(cur.leaseOwner()) && !cur.status().isFinal()
                                ? cur.leased(owner, until) : cur);
                renewed += after != null && owner.equals(after.leaseOwner()) ? 1 : 0;
            }
        }
        return renewed;
    }

    @Override
    public List<String> claimExpired(String owner, Instant now, Instant until, int limit) {
        Core core = core();
        List<LiveOrder> candidates = new ArrayList<>();
        for (LiveOrder o : core.live.values()) {
            if (!o.status().isFinal() && o.leaseExpiredAt(now)) {
                candidates.add(o);
            }
        }
        candidates.sort(Comparator.comparing(o -> o.order().receivedAt()));
        List<String> claimed = new ArrayList<>();
        for (LiveOrder candidate : candidates) {
            if (claimed.size() >= limit) {
                break;
            }
            String id = candidate.order().orderId();
            boolean[] won = {false};
            core.live.computeIfPresent(id, (k, cur) -> {
                if (!cur.status().isFinal() && cur.leaseExpiredAt(now)) {
                    won[0] = true;
                    return cur.leased(owner, until);
                }
                return cur;
            });
            if (won[0]) {
                claimed.add(id);
            }
        }
        return claimed;
    }

    @Override
    public int releaseLeases(String owner, Set<String> neverSent) {
        int released = 0;
        Core core = core();
        for (LiveOrder o : core.live.values()) {
            String id = o.order().orderId();
            if (owner.equals(o.leaseOwner()) && !o.status().isFinal() && releasable(o, neverSent)) {
                core.live.computeIfPresent(id, (k, cur) -> owner.equals(cur.leaseOwner()) && releasable(cur, neverSent)
                        ? cur.leased(null, null) : cur);
                released++;
            }
        }
        return released;
    }

    private static boolean releasable(LiveOrder o, Set<String> neverSent) {
        return o.status() != OrderStatus.SUBMITTING || neverSent.contains(o.order().orderId());
    }

    @Override
    public List<String> openOrders(String owner, OrderStatus status, int limit) {
        return core().live.values().stream()
                .filter(o -> o.status() == status && owner.equals(o.leaseOwner()))
                .sorted(Comparator.comparing(o -> o.order().receivedAt()))
                .limit(limit).map(o -> o.order().orderId()).toList();
    }

    @Override
    public int purgeAlertIdsBefore(Instant cutoff) {
        core().awaitView(); // ids still on their way to the view would come back after the delete
        return core().view.purgeAlertIdsBefore(cutoff);
    }

    @Override
    public Optional<String> state(String name) {
        return Optional.ofNullable(core().states.get(name));
    }

    @Override
    public void setState(String name, String value, Instant at) {
        core().submit(new StateCommand(name, value, at));
    }

    /**
     * Answers only if the store can record: the view is open (a failed write closes it until the projector
     * opens it again), and a journal whose last write failed (a full disk) takes a write again.
     */
    @Override
    public void ping() {
        Core core = core();
        core.view.ping();
        if (core.failed) {
            // A full disk can still take a small record into a block its file already has: ready only once
            // there is room again and a record is written and forced.
            core.requireRoom();
            core.submit(new ProbeCommand());
        }
    }

    /**
     * Events forced to the journal and not yet in the view (0 while the store opens). At
     * {@link #VIEW_BACKLOG_BOUND} the journal's writer waits for the view, and intake with it.
     */
    public int viewBacklog() {
        Core open = opening.getNow(null);
        return open == null || open.projector == null ? 0 : open.projector.backlog();
    }

    /** Waits until the view has every event forced so far; false if it did not within the time. */
    boolean awaitViewCaughtUp(long timeoutMillis) {
        return core().projector.awaitCaughtUp(timeoutMillis);
    }

    /** Applies once the store is open; until then there is nothing to report. */
    @Override
    public void observeCommits(CommitObserver observer) {
        opening.thenAccept(core -> core.observer = observer);
    }

    /** How many journal forces and records so far (for the benchmarks and tests). */
    public long forces() {
        return core().forces.get();
    }

    @Override
    public void close() {
        if (opening.isDone() && !opening.isCompletedExceptionally()) {
            core().close();
        }
        try {
            onClose.close();
        } catch (Exception ignored) {
            // closing at shutdown; nothing left to do with the error
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The open store: journal, writer thread, orders in memory, view. */
    private static final class Core implements ViewProjector.Listener {
        private final Path folder;
        private final Journal journal;
        private final MapOrderView view;
        private final Clock clock;
        private final ConcurrentHashMap<String, LiveOrder> live = new ConcurrentHashMap<>();
        /** Open protection orders per exchange, symbol and strategy: what a sale asks about, without a scan. */
        private final ConcurrentHashMap<String, Integer> openProtections = new ConcurrentHashMap<>();
        /** Every position from the service's fills: seeded from the view at opening, then one change at a time. */
        private final PositionLedger ledger = new PositionLedger();
        /** Alert ids accepted and not yet in the view: order id and receipt time. */
        private final ConcurrentHashMap<String, PendingAlertId> pendingAlertIds = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, String> states = new ConcurrentHashMap<>();
        private final AlertIdFilter filter;
        private final LinkedBlockingQueue<Command<?>> waiting = new LinkedBlockingQueue<>();
        private final RecordFrames frames = new RecordFrames();
        private final AtomicLong forces = new AtomicLong();
        private volatile CommitObserver observer = CommitObserver.NONE;
        private final Thread writer;
        private ViewProjector projector;
        private volatile boolean closed;
        /** The last group failed to write or force: the journal is cut back before the next one. */
        private volatile boolean failed;
        private long goodEnd;
        private volatile long compactUpTo = -1;
        /** Where compaction can first delete a segment: the end of the second-oldest one. */
        private volatile long compactableAt = Long.MAX_VALUE;

        private record PendingAlertId(String orderId, long receivedAt) {
        }

        private Core(Path folder, Journal journal, MapOrderView view, Clock clock) {
            this.folder = folder;
            this.journal = journal;
            this.view = view;
            this.clock = clock;
            this.filter = new AlertIdFilter(DEDUP_WINDOW, clock.instant());
            this.writer = new Thread(this::writeLoop, "store-journal-writer");
            writer.setDaemon(true);
        }

        static Core open(Path folder, long segmentBytes, DataSource earlierView, Clock clock) throws IOException {
            long begin = System.nanoTime();
            MapOrderView view = MapOrderView.open(folder.resolveSibling(VIEW_FILE),
                    earlierView == null ? null : new SqlViewImport(earlierView));
            try {
                return open(folder, segmentBytes, view, clock, begin);
            } catch (IOException | RuntimeException e) {
                view.close();
                throw e;
            }
        }

        private static Core open(Path folder, long segmentBytes, MapOrderView view, Clock clock, long begin)
                throws IOException {
            long checkpoint = view.checkpoint();
            List<ViewProjector.Positioned> replay = new ArrayList<>();
            // The view's open orders, states and recent alert ids first; then the journal's events after the
            // view's position on top of them.
            Map<String, LiveOrder> fromView = new HashMap<>();
            for (Order order : view.openOrders()) {
                fromView.put(order.orderId(), new LiveOrder(order, 0, null, null));
            }
            Journal journal;
            try {
                journal = Journal.open(folder, segmentBytes, checkpoint, entry ->
                        replay.add(new ViewProjector.Positioned(EventCodec.read(entry.payload()), entry.end(), null)));
            } catch (java.nio.file.FileSystemException e) {
                if (String.valueOf(e.getMessage()).contains("Read-only") || e instanceof java.nio.file.AccessDeniedException) {
                    throw new StoreUnavailableException("the store in DATA_DIR " + folder.getParent()
                            + " is read-only (its file or file system cannot be written): alerts could not be "
                            + "recorded", e);
                }
                throw e;
            }
            if (journal.end() < checkpoint || journal.start() > checkpoint) {
                journal.close();
                throw new JournalCorruptException(folder, checkpoint, "the journal holds positions "
                        + journal.start() + " to " + journal.end() + " but the order view has taken it up to "
                        + checkpoint + " (journal segments were removed or cut)");
            }
            Core core = new Core(folder, journal, view, clock);
            core.live.putAll(fromView);
            for (LiveOrder open : fromView.values()) {
                core.countProtection(null, open);
            }
            view.positions(core.ledger);
            view.states(core.states::put);
            Instant now = clock.instant();
            view.alertIds(id -> core.filter.add(id, now));
            for (int i = 0; i < replay.size(); i++) {
                ViewProjector.Positioned p = replay.get(i);
                replay.set(i, new ViewProjector.Positioned(p.event(), p.end(), core.applyReplayed(p)));
            }
            core.goodEnd = journal.end();
            core.projector = new ViewProjector(view, checkpoint, core);
            try {
                core.projector.enqueue(replay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while opening the journal", e);
            }
            core.projector.start();
            core.writer.start();
            core.noteSegments();
            Journal.Recovered recovered = journal.recovered();
            log.info("order journal {} open in {} ms: {} records checked, {} replayed after the view's position {}, "
                            + "{} open orders, {} torn bytes cut", folder, (System.nanoTime() - begin) / 1_000_000,
                    recovered.records(), replay.size(), checkpoint, core.live.size(), recovered.tornBytes());
            return core;
        }

        /**
         * An event read back at opening, after the view's position: the same effect as when it was written.
         * Returns the order as it stands after the event (null for an event of no order), for the view.
         */
        private Order applyReplayed(ViewProjector.Positioned p) {
            JournalEvent event = p.event();
            LiveOrder next = null;
            if (event instanceof JournalEvent.Accepted a) {
                next = LiveOrder.accepted(a.order(), a.acceptedAt(), p.end(), null, null);
                pendingAlertIds.put(a.order().alertId(), new PendingAlertId(a.order().orderId(),
                        a.order().receivedAt().toEpochMilli()));
                filter.add(a.order().alertId(), clock.instant());
            } else if (event instanceof JournalEvent.Transitioned t) {
                LiveOrder current = live.get(t.orderId());
                if (current == null) {
                    throw new JournalCorruptException(folder, p.end(), "a transition of order " + t.orderId()
                            + " that is neither open in the view nor accepted in the journal");
                }
                next = current.after(t.update(), t.at(), p.end());
            } else if (event instanceof JournalEvent.Attempted a) {
                LiveOrder current = live.get(a.orderId());
                next = current == null ? null : current.attempted(a.at(), p.end());
            } else if (event instanceof JournalEvent.StateSet s) {
                states.put(s.name(), s.value());
            }
            if (next == null) {
                return null;
            }
            applyOrder(next);
            return next.order();
        }

        /** Puts the order's new state in memory, keeping the lease it has there (writer thread). */
        private void applyOrder(LiveOrder next) {
            LiveOrder before = live.get(next.order().orderId());
            ledger.changed(before == null ? null : before.order(), next.order());
            countProtection(before, next);
            live.compute(next.order().orderId(), (id, cur) -> next.keepingLeaseOf(cur));
        }

        private void countProtection(LiveOrder before, LiveOrder next) {
            boolean was = openProtection(before);
            boolean is = openProtection(next);
            if (was != is) {
                Order o = next.order();
                openProtections.merge(protectionKey(o.exchange(), o.symbol(), o.strategy()), is ? 1 : -1,
                        (a, b) -> a + b == 0 ? null : a + b);
            }
        }

        /** The view has everything up to {@code position}: drop what memory held only for it. */
        @Override
        public void projected(long position, List<String> finalOrderIds, List<String> alertIds) {
            for (String id : finalOrderIds) {
                live.computeIfPresent(id, (k, v) -> v.status().isFinal() && v.lastPosition() <= position ? null : v);
            }
            for (String alertId : alertIds) {
                pendingAlertIds.computeIfPresent(alertId, (k, v) -> null);
            }
            if (position >= compactableAt && compactUpTo < position) {
                try {
                    projector.sync();
                    compactUpTo = position;
                    waiting.add(new CompactCommand(position));
                } catch (RuntimeException e) {
                    log.warn("could not force the order view to disk; journal segments kept: {}", e.getMessage());
                }
            }
        }

        void requireRoom() {
            long usable;
            try {
                usable = java.nio.file.Files.getFileStore(folder).getUsableSpace();
            } catch (IOException e) {
                throw new StoreUnavailableException("cannot read the free space of " + folder + ": " + e.getMessage(), e);
            }
            if (usable < MIN_FREE_BYTES) {
                throw new StoreUnavailableException("the journal's disk has " + usable + " bytes free", null);
            }
        }

        private void awaitView() {
            if (!projector.awaitCaughtUp(READ_WAIT_MILLIS)) {
                log.warn("the order view is more than {} ms behind the journal; answering from what it has",
                        READ_WAIT_MILLIS);
            }
        }

        <T> T submit(Command<T> command) {
            return WriteGroups.await(enqueue(command), command.what, GroupCommitWriter.WRITE_TIMEOUT);
        }

        <T> CompletableFuture<T> submitAsync(Command<T> command) {
            return WriteGroups.bounded(enqueue(command), command.what, GroupCommitWriter.WRITE_TIMEOUT);
        }

        private <T> CompletableFuture<T> enqueue(Command<T> command) {
            if (closed) {
                throw new StoreUnavailableException("the store is closed", null);
            }
            waiting.add(command);
            return command.result;
        }

        private void writeLoop() {
            List<Command<?>> group = new ArrayList<>();
            while (!closed || !waiting.isEmpty()) {
                try {
                    if (!WriteGroups.next(waiting, group, MAX_GROUP)) {
                        continue;
                    }
                } catch (InterruptedException e) {
                    break;
                }
                try {
                    writeGroup(group);
                } catch (RuntimeException e) {
                    log.error("the journal writer failed a group of {} changes", group.size(), e);
                    StoreUnavailableException failure = new StoreUnavailableException(
                            "store failed: " + e.getMessage(), e);
                    group.forEach(c -> c.result.completeExceptionally(failure));
                }
                group.clear();
            }
            StoreUnavailableException closedError = new StoreUnavailableException("the store is closed", null);
            waiting.forEach(c -> c.result.completeExceptionally(closedError));
        }

        /** The decisions of one group, not yet durable: applied to memory only after the force. */
        final class Group {
            final long start;
            final Map<String, LiveOrder> changed = new HashMap<>();
            final Map<String, String> alertIds = new HashMap<>();
            final Map<String, String> stateChanges = new HashMap<>();
            final List<ViewProjector.Positioned> events = new ArrayList<>();
            final Instant now = clock.instant();

            Group(long start) {
                this.start = start;
            }

            LiveOrder current(String orderId) {
                LiveOrder mine = changed.get(orderId);
                return mine != null ? mine : live.get(orderId);
            }

            /** Writes the event into the group's frames; returns the journal position just past it. */
            long emit(JournalEvent event) {
                EventCodec.write(frames, event);
                long end = start + frames.size();
                events.add(new ViewProjector.Positioned(event, end, null));
                return end;
            }

            /** The order after the event just emitted: in memory after the force, and in the view. */
            void change(LiveOrder next) {
                changed.put(next.order().orderId(), next);
                ViewProjector.Positioned last = events.get(events.size() - 1);
                events.set(events.size() - 1, new ViewProjector.Positioned(last.event(), last.end(), next.order()));
            }
        }

        private void writeGroup(List<Command<?>> commands) {
            frames.clear();
            long start = failed ? goodEnd : journal.end();
            Group group = new Group(start);
            for (Command<?> command : commands) {
                int mark = frames.size();
                int events = group.events.size();
                try {
                    command.decide(this, group);
                } catch (RuntimeException e) {
                    frames.abandon();
                    truncateFrames(mark);
                    while (group.events.size() > events) {
                        group.events.remove(group.events.size() - 1);
                    }
                    command.failure = e instanceof StoreUnavailableException unavailable ? unavailable
                            : new StoreUnavailableException("store failed while " + command.what + ": "
                            + e.getMessage(), e);
                }
            }
            if (frames.size() > 0) {
                try {
                    if (failed) {
                        journal.truncate(goodEnd);
                    }
                    long begin = System.nanoTime();
                    journal.append(frames.frames());
                    journal.force();
                    observer.committed(commands.size(), System.nanoTime() - begin);
                    forces.incrementAndGet();
                    failed = false;
                    goodEnd = journal.end();
                } catch (IOException | RuntimeException e) {
                    failed = true;
                    log.warn("the journal could not write or force {} bytes ({} changes); nothing of them is "
                            + "acknowledged: {}", frames.size(), commands.size(), e.toString());
                    StoreUnavailableException failure = new StoreUnavailableException(
                            "the order journal could not be written: " + e.getMessage(), e);
                    commands.forEach(c -> c.result.completeExceptionally(failure));
                    return;
                }
            }
            for (LiveOrder changed : group.changed.values()) {
                applyOrder(changed);
            }
            for (Map.Entry<String, String> e : group.alertIds.entrySet()) {
                LiveOrder order = group.changed.get(e.getValue());
                pendingAlertIds.put(e.getKey(), new PendingAlertId(e.getValue(),
                        order.order().receivedAt().toEpochMilli()));
                filter.add(e.getKey(), group.now);
            }
            states.putAll(group.stateChanges);
            try {
                // Before the answers: a caller that reads the view next waits for what it just wrote.
                projector.enqueue(group.events);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Command<?> command : commands) {
                command.complete();
            }
            try {
                if (journal.rollIfFull()) {
                    goodEnd = journal.end();
                    noteSegments();
                }
            } catch (IOException e) {
                log.warn("could not start a new journal segment; the current one grows: {}", e.getMessage());
            }
        }

        private void truncateFrames(int mark) {
            var buffer = frames.payload();
            buffer.position(mark);
        }

        private void noteSegments() {
            compactableAt = journal.endOfSecondOldestSegment();
        }

        /**
         * Deletes the segments the view has taken and forced (writer thread), but the newest of them. The view
         * then holds every order of them, open ones included, and a restart reads their state from it: so an
         * order resting for days does not keep the journal from shrinking. The one segment kept is the margin
         * for MVStore, which after a kill -9 was seen to open its file a few commits before its last (1 to 3
         * commits, in 5 of 12 trials with reused file space: docs/benchmarks.md, "The view on plain maps"): a
         * segment holds tens of the view's largest commits, so the journal still has what such a view lost.
         */
        void compact(long projected) {
            try {
                int deleted = journal.deleteSegmentsKeepingOne(projected);
                if (deleted > 0) {
                    log.info("deleted {} journal segments already in the order view; {} left", deleted,
                            journal.segmentCount());
                }
            } catch (IOException e) {
                log.warn("could not delete journal segments: {}", e.getMessage());
            }
            noteSegments();
        }

        /** Looks the alert id up in what is not yet in the view, then (when the filter says maybe) in the view. */
        Optional<PendingAlertId> seen(String alertId, Instant now) {
            PendingAlertId pending = pendingAlertIds.get(alertId);
            if (pending != null) {
                return Optional.of(pending);
            }
            if (!filter.mightContain(alertId, now)) {
                return Optional.empty();
            }
            return view.alertId(alertId).map(e -> new PendingAlertId(e.orderId(), e.receivedAt()));
        }

        void close() {
            closed = true;
            try {
                writer.join(GroupCommitWriter.WRITE_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            projector.close();
            view.close();
            journal.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A change asked of the writer: decided in its thread against the orders it holds, answered after the force. */
    private abstract static class Command<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final String what;
        T value;
        RuntimeException failure;

        Command(String what) {
            this.what = what;
        }

        abstract void decide(Core core, Core.Group group);

        void complete() {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
        }
    }

    private static final class RecordCommand extends Command<RecordResult> {
        private final NewOrder order;
        private final String owner;
        private final Instant leaseUntil;
        private final Duration dedupWindow;
        private final boolean submitting;
        private final Consumer<RecordResult.Recorded> handOver;

        RecordCommand(NewOrder order, String owner, Instant leaseUntil, Duration dedupWindow, boolean submitting,
                      Consumer<RecordResult.Recorded> handOver) {
            super("recording an order");
            this.order = order;
            this.owner = owner;
            this.leaseUntil = leaseUntil;
            this.dedupWindow = dedupWindow;
            this.submitting = submitting;
            this.handOver = handOver;
        }

        /** After the force and with the order in memory: hands it over first, then answers the caller. */
        @Override
        void complete() {
            if (failure == null && handOver != null && value instanceof RecordResult.Recorded recorded) {
                try {
                    handOver.accept(recorded);
                } catch (RuntimeException e) {
                    // The order is durable and leased to this process: the engine's poll of open orders finds it.
                    log.error("could not hand recorded order {} to the engine", recorded.orderId(), e);
                }
            }
            super.complete();
        }

        @Override
        void decide(Core core, Core.Group group) {
            String earlierInGroup = group.alertIds.get(order.alertId());
            if (earlierInGroup != null) {
                value = new RecordResult.Duplicate(earlierInGroup);
                return;
            }
            Optional<Core.PendingAlertId> seen = core.seen(order.alertId(), group.now);
            long cutoff = order.receivedAt().minus(dedupWindow).toEpochMilli();
            if (seen.isPresent() && seen.get().receivedAt() >= cutoff) {
                value = new RecordResult.Duplicate(seen.get().orderId());
                return;
            }
            // New, or seen more than a window ago: the same id is a new alert now.
            long end = group.emit(new JournalEvent.Accepted(order, group.now));
            LiveOrder accepted = LiveOrder.accepted(order, group.now, end, owner, leaseUntil);
            group.change(accepted);
            if (submitting) {
                // The same step the engine would write, in the same force as the acceptance.
                OrderUpdate step = OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING);
                long stepEnd = group.emit(new JournalEvent.Transitioned(order.orderId(), step, group.now));
                group.change(accepted.after(step, group.now, stepEnd));
            }
            group.alertIds.put(order.alertId(), order.orderId());
            value = new RecordResult.Recorded(order.orderId(), submitting);
        }
    }

    private static final class TransitionCommand extends Command<Boolean> {
        private final String orderId;
        private final String owner;
        private final OrderUpdate update;
        private final Instant at;

        TransitionCommand(String orderId, String owner, OrderUpdate update, Instant at) {
            super("updating an order");
            this.orderId = orderId;
            this.owner = owner;
            this.update = update;
            this.at = at;
        }

        @Override
        void decide(Core core, Core.Group group) {
            LiveOrder current = group.current(orderId);
            if (current == null || current.status() != update.from() || !owner.equals(current.leaseOwner())) {
                value = false;
                return;
            }
            long end = group.emit(new JournalEvent.Transitioned(orderId, update, at));
            group.change(current.after(update, at, end));
            value = true;
        }
    }

    private static final class AttemptCommand extends Command<Void> {
        private final String orderId;
        private final String owner;
        private final String detail;
        private final Instant at;

        AttemptCommand(String orderId, String owner, String detail, Instant at) {
            super("recording an attempt");
            this.orderId = orderId;
            this.owner = owner;
            this.detail = detail;
            this.at = at;
        }

        @Override
        void decide(Core core, Core.Group group) {
            LiveOrder current = group.current(orderId);
            if (current == null || current.status().isFinal() || !owner.equals(current.leaseOwner())) {
                return;
            }
            long end = group.emit(new JournalEvent.Attempted(orderId, detail, at));
            group.change(current.attempted(at, end));
        }
    }

    private static final class StateCommand extends Command<Void> {
        private final String name;
        private final String value;
        private final Instant at;

        StateCommand(String name, String value, Instant at) {
            super("writing service state");
            this.name = name;
            this.value = value;
            this.at = at;
        }

        @Override
        void decide(Core core, Core.Group group) {
            group.emit(new JournalEvent.StateSet(name, value, at));
            group.stateChanges.put(name, value);
        }
    }

    /** After a failed write: one small record, written and forced, shows whether the disk takes writes again. */
    private static final class ProbeCommand extends Command<Void> {
        ProbeCommand() {
            super("checking that the journal takes writes");
        }

        @Override
        void decide(Core core, Core.Group group) {
            if (core.failed) {
                group.emit(new JournalEvent.Probe());
            }
        }
    }

    private static final class CompactCommand extends Command<Void> {
        private final long projected;

        CompactCommand(long projected) {
            super("deleting journal segments");
            this.projected = projected;
        }

        @Override
        void decide(Core core, Core.Group group) {
            core.compact(projected);
        }
    }
}
