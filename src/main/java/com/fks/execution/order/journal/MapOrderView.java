package com.fks.execution.order.journal;

import com.fks.execution.order.NewOrder;
import com.fks.execution.order.Order;
import com.fks.execution.order.OrderHistory;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderUpdate;
import com.fks.execution.order.PositionLedger;
import com.fks.execution.order.StoreUnavailableException;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The queryable view of the journal (GET /orders, an order's history, positions, alert ids of the last day) in
 * plain maps of one H2 MVStore file (an order's state, steps and alert are one value): no SQL, no row versions, no transactions of its own. Only
 * {@link ViewProjector}'s thread writes, and each of its batches becomes one commit together with the journal
 * position it reached, so after a crash the view is caught up from exactly there. Readers on other threads see
 * the maps as of the last write, never half of an order.
 *
 * <p>Measured against the SQL tables it replaced (docs/benchmarks.md, "The view on plain maps"): a quarter of the
 * CPU and of the allocation per order, which the young collections' pauses under load are made of.
 *
 * <p>A failed write (a full disk) makes MVStore close the file; the view then answers unavailable until the
 * projector's next try opens it again from what was last written, and re-applies what came after.
 */
final class MapOrderView implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MapOrderView.class);
    private static final String CHECKPOINT = "checkpoint";
    private static final String IMPORTED = "imported";
    /** MiB of pages kept decoded in the heap: the view is mostly written, and each write goes through it. */
    private static final int CACHE_MIB = 8;
    /**
     * A synced file at least this often: MVStore overwrites the space of a freed chunk only after its retention
     * time (45 s), so with a sync every second a crash of the machine finds the last synced version whole.
     */
    private static final long SYNC_EVERY_MILLIS = 1000;
    /** Commits between two compactions of sparse chunks: without them the file keeps every superseded page. */
    private static final int COMPACT_EVERY_COMMITS = 64;
    private static final int PURGE_CHUNK = 10_000;
    private static final int LAST_WRITTEN = 4_096;
    private static final int ID_TIME_DIGITS = 12;
    /** As many orders as a batch can hold (one event each): about 600 KiB of the heap at most. */
    private static final int SPARE_CHANGES = ViewProjector.MAX_EVENTS_PER_TRANSACTION;

    /** An alert id as the view keeps it: the order it made and when that alert came in. */
    record AlertIdEntry(String orderId, long receivedAt) {
    }

    /** What a batch changed that memory may now let go of. */
    record Applied(List<String> finalOrderIds, List<String> alertIds) {
    }

    /**
     * Orders written by the last batches (projector thread): an order's next steps usually come in the batch
     * after its acceptance, and reading its value back from the maps read its whole leaf page from the file
     * (MVStore keeps only the cache's share of written pages in memory), which was most of what the view
     * allocated. A few thousand values of about 1 KiB.
     */
    private final Map<String, byte[]> lastWritten = new LinkedHashMap<>(2 * LAST_WRITTEN, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > LAST_WRITTEN;
        }
    };
    private final Path file;
    /** Held by whoever changes the maps and commits: a commit must never take half of a batch. */
    private final Object writing = new Object();
    private volatile Maps maps;
    private long lastSync = System.currentTimeMillis();
    /** A step's words, written here and then into the order's steps (projector thread, under {@link #writing}). */
    private final StringBuilder detail = new StringBuilder(128);
    /** Orders' parts of earlier batches, cleared, for the next (projector thread, under {@link #writing}). */
    private final java.util.ArrayDeque<OrderChange> spareChanges = new java.util.ArrayDeque<>();
    private int commitsSinceCompaction;

    private MapOrderView(Path file, Maps maps) {
        this.file = file;
        this.maps = maps;
    }

    /**
     * Opens (or creates) the view's file; a new file first takes over what {@code earlier} (the SQL view of an
     * earlier version) holds, if given.
     */
    static MapOrderView open(Path file, SqlViewImport earlier) {
        Maps maps = Maps.open(file);
        try {
            if (maps.meta.get(IMPORTED) == null) {
                if (earlier != null) {
                    earlier.into(maps);
                }
                maps.meta.put(IMPORTED, Long.toString(System.currentTimeMillis()));
                maps.store.commit();
                maps.store.sync();
            }
        } catch (RuntimeException e) {
            maps.store.closeImmediately();
            throw e;
        }
        return new MapOrderView(file, maps);
    }

    /** The maps of one open file. */
    static final class Maps {
        final MVStore store;
        /** Order id → the order's state, its steps and its alert ({@link OrderCodec}). */
        final MVMap<String, byte[]> orders;
        /**
         * Receipt time (16 hex digits) + order id → "", for the orders whose id does not begin with their receipt
         * time (protection orders, orders of earlier versions): with {@link #newestTimedId} the newest orders first
         * without a sort. An order made by an alert is found in its time's place in {@link #orders} itself.
         */
        final MVMap<String, String> byTime;
        /** Order id → "" for every order not yet final: what a restart holds in memory. */
        final MVMap<String, String> open;
        /** Alert id → order id + tab + receipt millis. */
        final MVMap<String, String> alertIds;
        /** Exchange, symbol and strategy → quantity + space + cost, exactly as the ledger holds them. */
        final MVMap<String, String> positions;
        final MVMap<String, String> states;
        final MVMap<String, String> meta;
        final PositionLedger ledger = new PositionLedger();
        /**
         * The receipt time of the newest order whose id begins with it ({@link #timedId}), -1 for none: where the
         * newest-first walk of {@link #orders} starts, above the ids of earlier versions that only look like times.
         */
        volatile long newestTimedId;

        private Maps(MVStore store) {
            this.store = store;
            this.orders = store.openMap("orders");
            this.byTime = store.openMap("orders_by_time");
            this.open = store.openMap("open_orders");
            this.alertIds = store.openMap("alert_ids");
            this.positions = store.openMap("positions");
            this.states = store.openMap("states");
            this.meta = store.openMap("meta");
            for (Map.Entry<String, String> e : positions.entrySet()) {
                String[] key = e.getKey().split("\u0000", -1);
                String[] value = e.getValue().split(" ");
                ledger.restore(key[0], key[1], key[2].equals("\u0001") ? null : key[2], new BigDecimal(value[0]),
                        new BigDecimal(value[1]));
            }
            newestTimedId = -1;
            Cursor<String, byte[]> newestFirst = orders.cursor(null, null, true);
            while (newestFirst.hasNext()) {
                String id = newestFirst.next();
                if (idTime(id) >= 0 && timedId(OrderCodec.decode(newestFirst.getValue()))) {
                    newestTimedId = idTime(id);
                    break;
                }
            }
        }

        static Maps open(Path file) {
            if (Files.exists(file) && !Files.isWritable(file)) {
                throw readOnly(file, null);
            }
            try {
                // Commits only when the projector says so: a background commit could write half a batch, whose
                // steps would then be appended again when the batch is re-applied after a failure.
                return new Maps(new MVStore.Builder().fileName(file.toString()).autoCommitDisabled()
                        .cacheSize(CACHE_MIB).open());
            } catch (RuntimeException e) {
                if (String.valueOf(e.getMessage()).contains("Read-only") || !Files.isWritable(file.getParent())) {
                    throw readOnly(file, e);
                }
                throw new StoreUnavailableException("cannot open the order view " + file + ": " + e.getMessage(), e);
            }
        }

        private static StoreUnavailableException readOnly(Path file, Exception cause) {
            return new StoreUnavailableException("the store in DATA_DIR " + file.getParent().toAbsolutePath()
                    + " is read-only (its file or file system cannot be written): alerts could not be recorded",
                    cause);
        }

        void putPosition(String exchange, String symbol, String strategy, BigDecimal quantity, BigDecimal cost) {
            positions.put(exchange + '\u0000' + symbol + '\u0000' + (strategy == null ? "\u0001" : strategy),
                    quantity.toPlainString() + ' ' + cost.toPlainString());
        }

        /** An accepted order's value ({@link OrderCodec}) and its entries beside: its place in time, its alert id. */
        void putAccepted(Order o, byte[] value) {
            putOrder(o, value);
            putAlertId(o.alertId(), o.orderId(), o.receivedAt().toEpochMilli());
        }

        /**
         * A new order's value and its place in time, without its alert id (a take-over copies those apart). New to
         * the file, it is among the open ones only if it is not final (a remove of what is not there still walked
         * the map).
         */
        void putOrder(Order o, byte[] value) {
            orders.put(o.orderId(), value);
            long received = o.receivedAt().toEpochMilli();
            if (timedId(o)) {
                newestTimedId = Math.max(newestTimedId, received);
            } else {
                byTime.put(timeKey(received, o.orderId()), "");
            }
            if (!o.status().isFinal()) {
                open.put(o.orderId(), "");
            }
        }

        /**
         * One map, no index by time beside it: the hourly purge reads every id instead, and a put into a second
         * map on every order would cost every order the copy of that map's page path.
         */
        void putAlertId(String alertId, String orderId, long receivedAt) {
            alertIds.put(alertId, orderId + '\t' + receivedAt);
        }
    }

    /** Whether the order's id begins with its receipt time: it is then listed from its place in {@code orders}. */
    static boolean timedId(Order o) {
        return idTime(o.orderId()) == o.receivedAt().toEpochMilli();
    }

    /** The time in milliseconds that an id's first 12 lowercase hex digits say, -1 when they are not hex digits. */
    static long idTime(String id) {
        if (id.length() < ID_TIME_DIGITS) {
            return -1;
        }
        long t = 0;
        for (int i = 0; i < ID_TIME_DIGITS; i++) {
            char c = id.charAt(i);
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0) {
                return -1;
            }
            t = t << 4 | digit;
        }
        return t;
    }

    /** 16 hex digits of the time, then the id: keys that sort by time. */
    static String timeKey(long millis, String id) {
        char[] key = new char[16 + id.length()];
        long v = Math.max(0, millis);
        for (int i = 15; i >= 0; i--) {
            key[i] = Character.forDigit((int) (v & 0xf), 16);
            v >>>= 4;
        }
        id.getChars(0, id.length(), key, 16);
        return new String(key);
    }

    private static AlertIdEntry entry(String value) {
        int tab = value.indexOf('\t');
        return new AlertIdEntry(value.substring(0, tab), Long.parseLong(value.substring(tab + 1)));
    }

    // --- the projector's side ----------------------------------------------------------------------------------

    /**
     * One order's part of a batch: its state after the batch's last event of it, and the steps to add. Used again
     * by later batches (up to {@link #SPARE_CHANGES} of them kept): a new one for every order of every batch was
     * a tenth of what the view's thread allocated.
     */
    private static final class OrderChange {
        NewOrder accepted;
        /** The order as the view had it before the batch (null for one accepted in it). */
        OrderCodec.Stored before;
        Order state;
        /** Sized for an order's usual steps in one batch (received, accepted, submitting, filled): it did not grow. */
        StringBuilder steps = new StringBuilder(256);

        void clear() {
            accepted = null;
            before = null;
            state = null;
            steps = steps.capacity() > 4096 ? new StringBuilder(256) : steps.delete(0, steps.length());
        }
    }

    /**
     * Applies a batch as one commit: each order once, with its state after the batch's last event of it and its
     * new steps appended to its history, then the states, the positions and the journal position reached.
     * Any failure leaves the file as the last commit wrote it: the maps are dropped and read again from it.
     */
    Applied apply(List<ViewProjector.Positioned> batch) {
        synchronized (writing) {
            return applyLocked(batch);
        }
    }

    private Applied applyLocked(List<ViewProjector.Positioned> batch) {
        Maps m = writable();
        List<String> finals = new ArrayList<>();
        List<String> alertIds = new ArrayList<>();
        Map<String, OrderChange> changes = new LinkedHashMap<>();
        Map<String, JournalEvent.StateSet> stateChanges = new LinkedHashMap<>();
        try {
            boolean filled = false;
            for (ViewProjector.Positioned p : batch) {
                JournalEvent event = p.event();
                if (event instanceof JournalEvent.StateSet set) {
                    stateChanges.put(set.name(), set);
                    continue;
                }
                if (p.state() == null) {
                    continue; // a probe, or an attempt on an order no longer held
                }
                OrderChange change = changes.get(p.state().orderId());
                if (change == null) {
                    change = spareChanges.isEmpty() ? new OrderChange() : spareChanges.pop();
                    if (!(event instanceof JournalEvent.Accepted)) {
                        byte[] was = lastWritten.get(p.state().orderId());
                        if (was == null) {
                            was = m.orders.get(p.state().orderId());
                        }
                        change.before = was == null ? null : OrderCodec.decodeStored(was);
                        change.state = change.before == null ? null : change.before.state();
                    }
                    changes.put(p.state().orderId(), change);
                }
                // Fills in the order the journal has them, as the store's own ledger takes them: a sale before
                // a buy of the same symbol cannot sell what is not yet bought.
                if (p.state().executedQuantity() != null && p.state().executedQuantity().signum() > 0) {
                    m.ledger.changed(change.state, p.state());
                    filled = true;
                }
                change.state = p.state();
                if (event instanceof JournalEvent.Accepted a) {
                    change.accepted = a.order();
                    alertIds.add(a.order().alertId());
                    OrderHistory.append(change.steps, "RECEIVED", a.order().receivedAt().toEpochMilli(), null);
                    OrderHistory.append(change.steps, OrderStatus.ACCEPTED.name(), a.acceptedAt().toEpochMilli(),
                            null);
                } else if (event instanceof JournalEvent.Transitioned t) {
                    OrderUpdate u = t.update();
                    long at = t.at().toEpochMilli();
                    if (u.acknowledgedWithoutSubmittedStep()) {
                        OrderHistory.append(change.steps, OrderStatus.SUBMITTED.name(), at, null);
                    }
                    detail.setLength(0);
                    u.historyDetail(detail);
                    detail.setLength(Math.min(detail.length(), OrderCodec.DETAIL_LIMIT));
                    OrderHistory.append(change.steps, u.to().name(), at, detail.length() == 0 ? null : detail);
                    if (u.to().isFinal()) {
                        finals.add(t.orderId());
                    }
                } else if (event instanceof JournalEvent.Attempted a) {
                    OrderHistory.append(change.steps, "RETRY", a.at().toEpochMilli(), OrderCodec.truncate(a.detail()));
                }
            }
            for (OrderChange change : changes.values()) {
                Order o = change.state;
                if (change.accepted != null) {
                    byte[] value = OrderCodec.encode(o, "", change.steps, change.accepted.alertJson());
                    m.putAccepted(o, value);
                    remember(o, value);
                    continue;
                }
                OrderCodec.Stored before = change.before;
                String history = before == null || before.history() == null ? "" : before.history();
                byte[] value = OrderCodec.encode(o, history, change.steps,
                        before == null ? null : before.alertJson());
                m.orders.put(o.orderId(), value);
                remember(o, value);
                if (o.status().isFinal()) {
                    m.open.remove(o.orderId());
                } else {
                    m.open.put(o.orderId(), "");
                }
            }
            if (filled) {
                m.ledger.forEachBook(m::putPosition);
            }
            for (JournalEvent.StateSet set : stateChanges.values()) {
                m.states.put(set.name(), set.value());
            }
            m.meta.put(CHECKPOINT, Long.toString(batch.get(batch.size() - 1).end()));
            m.store.commit();
            afterCommit(m);
        } catch (RuntimeException e) {
            drop(m);
            throw e;
        } finally {
            for (OrderChange change : changes.values()) {
                if (spareChanges.size() < SPARE_CHANGES) {
                    change.clear();
                    spareChanges.push(change);
                }
            }
        }
        return new Applied(finals, alertIds);
    }

    /** An order still open may have more steps soon; a final one has none. */
    private void remember(Order o, byte[] value) {
        if (o.status().isFinal()) {
            lastWritten.remove(o.orderId());
        } else {
            lastWritten.put(o.orderId(), value);
        }
    }

    private void afterCommit(Maps m) {
        if (++commitsSinceCompaction >= COMPACT_EVERY_COMMITS) {
            commitsSinceCompaction = 0;
            // Rewrites the live pages of chunks less than half full (a few MiB at most), so their space is freed.
            if (m.store.compact(50, 4 * 1024 * 1024)) {
                m.store.commit();
            }
        }
        long now = System.currentTimeMillis();
        if (now - lastSync >= SYNC_EVERY_MILLIS) {
            m.store.sync();
            lastSync = now;
        }
    }

    /** The open maps, opened again from the file after a failure (projector thread). */
    private Maps writable() {
        Maps m = maps;
        if (m != null && !m.store.isClosed()) {
            return m;
        }
        if (m != null) {
            drop(m);
        }
        Maps reopened = Maps.open(file);
        maps = reopened;
        log.debug("the order view {} is open again at journal position {}", file, reopened.meta.get(CHECKPOINT));
        return reopened;
    }

    private void drop(Maps m) {
        if (maps == m) {
            maps = null;
        }
        lastWritten.clear(); // what the file has is what it had at its last commit
        try {
            m.store.closeImmediately();
        } catch (RuntimeException ignored) {
            // already closed by its own failure
        }
    }

    /** Forces the file to disk, so journal segments the view has taken can be deleted. */
    void sync() {
        Maps m = readable();
        try {
            m.store.sync();
            lastSync = System.currentTimeMillis();
        } catch (RuntimeException e) {
            throw unavailable("forcing the order view to disk", e);
        }
    }

    // --- reads, from any thread ---------------------------------------------------------------------------------

    private Maps readable() {
        Maps m = maps;
        if (m == null || m.store.isClosed()) {
            throw new StoreUnavailableException("the order view is not open (a write to its file failed); it "
                    + "opens again on the next try", null);
        }
        return m;
    }

    private static StoreUnavailableException unavailable(String what, RuntimeException e) {
        return new StoreUnavailableException("store failed while " + what + ": " + e.getMessage(), e);
    }

    /** The journal position the view has taken everything up to. */
    long checkpoint() {
        try {
            String value = readable().meta.get(CHECKPOINT);
            return value == null ? 0 : Long.parseLong(value);
        } catch (RuntimeException e) {
            throw unavailable("reading the order view's position", e);
        }
    }

    Optional<Order> find(String orderId, boolean whole) {
        Maps m = readable();
        try {
            byte[] bytes = m.orders.get(orderId);
            if (bytes == null) {
                return Optional.empty();
            }
            if (!whole) {
                return Optional.of(OrderCodec.decode(bytes));
            }
            OrderCodec.Stored stored = OrderCodec.decodeStored(bytes);
            Order o = stored.state();
            return Optional.of(new Order(o.orderId(), o.alertId(), o.clientOrderId(), o.exchange(), o.symbol(),
                    o.side(), o.type(), o.quantity(), o.price(), o.confidence(), o.strategy(), stored.alertJson(),
                    o.status(), o.reason(), o.detail(), o.exchangeOrderId(), o.executedQuantity(), o.averagePrice(),
                    o.attempts(), o.receivedAt(), o.updatedAt(), OrderHistory.parse(stored.history()), o.terms()));
        } catch (RuntimeException e) {
            throw unavailable("reading an order", e);
        }
    }

    /**
     * The newest orders first, without their history: by receipt time, then id. Two walks merged, newest first:
     * the orders whose id begins with their receipt time, in {@code orders} itself; the others, in
     * {@code orders_by_time}.
     */
    List<Order> recent(int limit) {
        Maps m = readable();
        try {
            List<Order> out = new ArrayList<>();
            long newest = m.newestTimedId;
            Cursor<String, byte[]> ids = m.orders.cursor(newest < 0 ? "" : timeKey(newest + 1, "").substring(4),
                    null, true);
            Order byId = nextTimed(ids, newest);
            String timeKey = m.byTime.lastKey();
            Order byTime = null;
            while (out.size() < limit) {
                while (byTime == null && timeKey != null) {
                    String id = timeKey.substring(16);
                    byte[] bytes = idTime(id) == Long.parseLong(timeKey.substring(0, 16), 16) ? null
                            : m.orders.get(id); // an order listed from its id, or one no longer held
                    byTime = bytes == null ? null : OrderCodec.decode(bytes);
                    timeKey = m.byTime.lowerKey(timeKey);
                }
                if (byId == null && byTime == null) {
                    break;
                }
                if (byTime == null || (byId != null && newer(byId, byTime))) {
                    out.add(byId);
                    byId = nextTimed(ids, newest);
                } else {
                    out.add(byTime);
                    byTime = null;
                }
            }
            return out;
        } catch (RuntimeException e) {
            throw unavailable("listing orders", e);
        }
    }

    /** The next order down the walk of {@code orders} whose id begins with its receipt time. */
    private static Order nextTimed(Cursor<String, byte[]> ids, long newest) {
        if (newest < 0) {
            return null;
        }
        while (ids.hasNext()) {
            String id = ids.next();
            if (idTime(id) >= 0) {
                Order o = OrderCodec.decode(ids.getValue());
                if (timedId(o)) {
                    return o;
                }
            }
        }
        return null;
    }

    private static boolean newer(Order a, Order b) {
        int byTime = a.receivedAt().compareTo(b.receivedAt());
        return byTime != 0 ? byTime > 0 : a.orderId().compareTo(b.orderId()) > 0;
    }

    /** Every order not yet final. */
    List<Order> openOrders() {
        Maps m = readable();
        List<Order> out = new ArrayList<>();
        for (String id : m.open.keySet()) {
            byte[] bytes = m.orders.get(id);
            if (bytes != null) {
                out.add(OrderCodec.decode(bytes));
            }
        }
        return out;
    }

    /** Each book of the positions, exactly as kept. */
    void positions(PositionLedger into) {
        readable().ledger.forEachBook(into::restore);
    }

    void states(BiConsumer<String, String> into) {
        readable().states.forEach(into);
    }

    void alertIds(Consumer<String> into) {
        for (String id : readable().alertIds.keySet()) {
            into.accept(id);
        }
    }

    Optional<AlertIdEntry> alertId(String alertId) {
        try {
            String value = readable().alertIds.get(alertId);
            return value == null ? Optional.empty() : Optional.of(entry(value));
        } catch (RuntimeException e) {
            throw unavailable("looking up an alert id", e);
        }
    }

    /**
     * Deletes the alert ids received before {@code cutoff}, a chunk per commit: the projector waits for a chunk,
     * not for a day's ids. A purge lost to a crash is simply done again.
     */
    int purgeAlertIdsBefore(Instant cutoff) {
        long before = cutoff.toEpochMilli();
        int purged = 0;
        Iterator<Map.Entry<String, String>> entries = readable().alertIds.entrySet().iterator();
        List<String> old = new ArrayList<>();
        while (true) {
            // Read outside the lock (a snapshot of the map), removed under it a chunk at a time.
            old.clear();
            while (entries.hasNext() && old.size() < PURGE_CHUNK) {
                Map.Entry<String, String> e = entries.next();
                if (entry(e.getValue()).receivedAt() < before) {
                    old.add(e.getKey());
                }
            }
            if (old.isEmpty()) {
                return purged;
            }
            synchronized (writing) {
                Maps m = readable();
                try {
                    for (String alertId : old) {
                        // Only if still as old: the same id may have come again since the snapshot.
                        String value = m.alertIds.get(alertId);
                        if (value != null && entry(value).receivedAt() < before) {
                            m.alertIds.remove(alertId);
                            purged++;
                        }
                    }
                    m.store.commit();
                } catch (RuntimeException e) {
                    drop(m);
                    throw unavailable("purging alert ids", e);
                }
            }
        }
    }

    /** Succeeds when the view is open and answers a read. */
    void ping() {
        try {
            readable().meta.get(CHECKPOINT);
        } catch (StoreUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable("reading the order view", e);
        }
    }

    /** Orders in the view (tests). */
    long orderCount() {
        return readable().orders.sizeAsLong();
    }

    @Override
    public void close() {
        Maps m = maps;
        maps = null;
        if (m != null && !m.store.isClosed()) {
            try {
                m.store.close();
            } catch (RuntimeException e) {
                log.warn("the order view {} did not close cleanly: {}", file, e.toString());
            }
        }
    }
}
