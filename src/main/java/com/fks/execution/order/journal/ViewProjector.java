package com.fks.execution.order.journal;

import com.fks.execution.order.NewOrder;
import com.fks.execution.order.Order;
import com.fks.execution.order.OrderHistory;
import com.fks.execution.order.OrderReads;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Keeps the queryable view (the SQL tables behind GET /orders) in step with the journal, off the path of a
 * webhook: one thread takes the events of forced groups, applies many of them in one transaction of batched
 * statements, and records in the same transaction the journal position it has reached, so after a crash the
 * view is caught up from exactly there. A failed transaction is retried (the events stay queued): the view
 * may lag the journal, never lose what it has.
 */
final class ViewProjector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ViewProjector.class);
    /**
     * A commit of a few hundred orders already shares its page writes, so larger ones gain little, while every
     * event of an open transaction is held twice in the heap (the event, and H2's uncommitted row versions):
     * transactions of 16,384 events helped fill a 160 MiB heap under sustained load.
     */
    static final int MAX_EVENTS_PER_TRANSACTION = 2_048;
    /**
     * How far the view may fall behind before the journal's writer waits for it, and intake with it. Each
     * queued event keeps its order (with the alert as received) and the journal's memory of it alive: about
     * 1-2 KiB, so 16,384 events stay within 32 MiB of a 256 MiB heap, a few seconds of the fastest intake
     * measured. At 200,000 the backlog outgrew the heap under a minute of sustained overload, and the JVM spent
     * three quarters of its time in full collections: the service slowed to a tenth of its rate instead of
     * waiting on the view (docs/benchmarks.md, "Sustained load").
     */
    static final int MAX_BACKLOG_EVENTS = 16_384;
    private static final int DETAIL_LIMIT = 1000;
    /**
     * How long the view gathers events before it writes them: each commit rewrites the pages it touched in
     * every index of every table, so fewer, larger commits cost less per order (measured: the view's CPU per
     * accepted alert fell by about a third from 20 ms to 100 ms). A read of the view waits at most this long
     * more; nothing on the path of a webhook waits for the view.
     */
    private static final long COALESCE_MILLIS = 100;

    /**
     * An event as forced to the journal: {@code end} is the position just past it, {@code state} the order as it
     * stands after it (null for an event of no order).
     */
    record Positioned(JournalEvent event, long end, Order state) {
    }

    /** What the projector reports after each commit. */
    interface Listener {
        void projected(long position, List<String> finalOrderIds, List<String> alertIds);
    }

    private final DataSource view;
    private final Listener listener;
    private final LongConsumer coalesce;
    /** Bounded: when the view falls this far behind, the writer waits, and intake with it. */
    private final BlockingQueue<Positioned> queue = new ArrayBlockingQueue<>(MAX_BACKLOG_EVENTS);
    private final Thread thread;
    private final Object progress = new Object();
    private volatile long projected;
    private volatile long enqueued;
    private volatile boolean closed;

    ViewProjector(DataSource view, long position, Listener listener) {
        this(view, position, listener, ViewProjector::sleepQuietly);
    }

    /** {@code coalesce} waits the given milliseconds before a transaction is gathered (tests count the waits). */
    ViewProjector(DataSource view, long position, Listener listener, LongConsumer coalesce) {
        this.coalesce = coalesce;
        this.view = view;
        this.listener = listener;
        this.projected = position;
        this.enqueued = position;
        this.thread = new Thread(this::run, "store-view");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Hands over the events of a forced group (blocks while the view is far behind). */
    void enqueue(List<Positioned> events) throws InterruptedException {
        for (Positioned p : events) {
            queue.put(p);
            enqueued = p.end();
        }
    }

    /** Events handed over and not yet taken by the view's thread. */
    int backlog() {
        return queue.size();
    }

    /** Waits until the view has everything the journal had when called; false if it did not in time. */
    boolean awaitCaughtUp(long timeoutMillis) {
        long target = enqueued;
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (progress) {
            while (projected < target) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || closed) {
                    return projected >= target;
                }
                try {
                    progress.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private void run() {
        List<Positioned> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty() || !batch.isEmpty()) {
            if (batch.isEmpty()) {
                Positioned first;
                try {
                    first = queue.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    break;
                }
                if (first == null) {
                    continue;
                }
                batch.add(first);
                // The wait also lets an order's next steps (SUBMITTING, FILLED: a few ms later on a fast venue)
                // join its acceptance, so most orders are one row insert, not an insert and updates. A view that
                // already has a full transaction waiting does not wait: behind, it would cap itself at one
                // transaction per COALESCE_MILLIS.
                if (queue.size() < MAX_EVENTS_PER_TRANSACTION - 1) {
                    coalesce.accept(COALESCE_MILLIS);
                }
                queue.drainTo(batch, MAX_EVENTS_PER_TRANSACTION - 1);
            }
            try {
                Result result = apply(batch);
                long position = batch.get(batch.size() - 1).end();
                // Memory lets go of what the view now has before anyone waiting for the view is woken: a reader
                // that waited then sees the view and memory agree.
                listener.projected(position, result.finalOrderIds, result.alertIds);
                synchronized (progress) {
                    projected = position;
                    progress.notifyAll();
                }
                batch.clear();
            } catch (SQLException | RuntimeException e) {
                log.warn("the order view could not take {} events; retrying: {}", batch.size(), e.toString());
                if (closed) {
                    break; // the journal has them: the next start catches the view up
                }
                sleepQuietly(250);
                dropWhatTheViewHas(batch);
            }
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /**
     * A commit can fail after it reached the file (the error came on the way back): the view's own position
     * says which events it has, so none is applied twice.
     */
    private void dropWhatTheViewHas(List<Positioned> batch) {
        try (Connection c = view.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT journal_position FROM journal_checkpoint WHERE checkpoint_id = 1");
             var rs = ps.executeQuery()) {
            long has = rs.next() ? rs.getLong(1) : 0;
            batch.removeIf(p -> p.end() <= has);
        } catch (SQLException e) {
            // still down: the next try asks again
        }
    }

    private record Result(List<String> finalOrderIds, List<String> alertIds) {
    }

    /** One order's part of a batch: its state after the batch's last event, and the steps to add. */
    private static final class OrderChange {
        NewOrder accepted;
        Order state;
        final StringBuilder steps = new StringBuilder();
    }

    /**
     * Applies a batch as few statements as the view allows: each order once, with its state after the batch's
     * last event of it and its new steps appended to its history (an order accepted and filled within one
     * batch is one insert), then the alert ids, the states and the position, in one transaction.
     */
    private Result apply(List<Positioned> batch) throws SQLException {
        List<String> finals = new ArrayList<>();
        List<String> alertIds = new ArrayList<>();
        Map<String, OrderChange> changes = new LinkedHashMap<>();
        Map<String, JournalEvent.StateSet> stateChanges = new LinkedHashMap<>();
        for (Positioned p : batch) {
            JournalEvent event = p.event();
            if (event instanceof JournalEvent.StateSet set) {
                stateChanges.put(set.name(), set);
                continue;
            }
            if (p.state() == null) {
                continue; // a probe, or an attempt on an order no longer held
            }
            OrderChange change = changes.computeIfAbsent(p.state().orderId(), id -> new OrderChange());
            change.state = p.state();
            if (event instanceof JournalEvent.Accepted a) {
                change.accepted = a.order();
                alertIds.add(a.order().alertId());
                OrderHistory.append(change.steps, "RECEIVED", a.order().receivedAt().toEpochMilli(), null);
                OrderHistory.append(change.steps, OrderStatus.ACCEPTED.name(), a.acceptedAt().toEpochMilli(), null);
            } else if (event instanceof JournalEvent.Transitioned t) {
                OrderUpdate u = t.update();
                long at = t.at().toEpochMilli();
                if (u.acknowledgedWithoutSubmittedStep()) {
                    OrderHistory.append(change.steps, OrderStatus.SUBMITTED.name(), at, null);
                }
                OrderHistory.append(change.steps, u.to().name(), at, truncate(u.historyDetail()));
                if (u.to().isFinal()) {
                    finals.add(t.orderId());
                }
            } else if (event instanceof JournalEvent.Attempted a) {
                OrderHistory.append(change.steps, "RETRY", a.at().toEpochMilli(), truncate(a.detail()));
            }
        }
        try (Connection c = view.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement inserts = c.prepareStatement("INSERT INTO orders (" + OrderReads.orderColumns()
                    + ", history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement alerts = c.prepareStatement(
                         "INSERT INTO order_alerts (order_id, alert_json) VALUES (?, ?)");
                 PreparedStatement ids = c.prepareStatement(
                         "MERGE INTO alert_ids (alert_id, order_id, received_at) KEY (alert_id) VALUES (?, ?, ?)");
                 PreparedStatement updates = c.prepareStatement("UPDATE orders SET status = ?, reason = ?, "
                         + "detail = ?, exchange_order_id = ?, executed_quantity = ?, average_price = ?, "
                         + "attempts = ?, updated_at = ?, history = COALESCE(history, '') || ?, quantity = ?, "
                         + "terms = ? WHERE order_id = ?");
                 PreparedStatement states = c.prepareStatement("MERGE INTO service_state (state_name, state_value, "
                         + "updated_at) KEY (state_name) VALUES (?, ?, ?)");
                 PreparedStatement checkpoint = c.prepareStatement(
                         "MERGE INTO journal_checkpoint (checkpoint_id, journal_position) KEY (checkpoint_id) VALUES (1, ?)")) {
                for (OrderChange change : changes.values()) {
                    Order o = change.state;
                    if (change.accepted != null) {
                        NewOrder n = change.accepted;
                        inserts.setString(1, o.orderId());
                        inserts.setString(2, o.alertId());
                        inserts.setString(3, o.clientOrderId());
                        inserts.setString(4, o.exchange());
                        inserts.setString(5, o.symbol());
                        inserts.setString(6, o.side().name());
                        inserts.setString(7, o.type().name());
                        inserts.setBigDecimal(8, o.quantity());
                        inserts.setBigDecimal(9, o.price());
                        inserts.setBigDecimal(10, o.confidence());
                        inserts.setString(11, o.strategy());
                        setState(inserts, 12, o);
                        inserts.setLong(19, o.receivedAt().toEpochMilli());
                        inserts.setLong(20, o.updatedAt().toEpochMilli());
                        inserts.setString(21, o.terms().encode());
                        inserts.setString(22, change.steps.toString());
                        inserts.addBatch();
                        alerts.setString(1, o.orderId());
                        alerts.setString(2, n.alertJson());
                        alerts.addBatch();
                        ids.setString(1, n.alertId());
                        ids.setString(2, n.orderId());
                        ids.setLong(3, n.receivedAt().toEpochMilli());
                        ids.addBatch();
                    } else {
                        setState(updates, 1, o);
                        updates.setLong(8, o.updatedAt().toEpochMilli());
                        updates.setString(9, change.steps.toString());
                        updates.setBigDecimal(10, o.quantity());
                        updates.setString(11, o.terms().encode());
                        updates.setString(12, o.orderId());
                        updates.addBatch();
                    }
                }
                for (JournalEvent.StateSet set : stateChanges.values()) {
                    states.setString(1, set.name());
                    states.setString(2, set.value());
                    states.setLong(3, set.at().toEpochMilli());
                    states.addBatch();
                }
                inserts.executeBatch();
                alerts.executeBatch();
                ids.executeBatch();
                updates.executeBatch();
                states.executeBatch();
                checkpoint.setLong(1, batch.get(batch.size() - 1).end());
                checkpoint.executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is broken; the pool drops it
                }
                throw e;
            }
        }
        return new Result(finals, alertIds);
    }

    /** status, reason, detail, exchange order id, executed quantity, average price, attempts from {@code at}. */
    private static void setState(PreparedStatement ps, int at, Order o) throws SQLException {
        ps.setString(at, o.status().name());
        ps.setString(at + 1, o.reason());
        ps.setString(at + 2, truncate(o.detail()));
        ps.setString(at + 3, o.exchangeOrderId());
        ps.setBigDecimal(at + 4, o.executedQuantity());
        ps.setBigDecimal(at + 5, o.averagePrice());
        ps.setInt(at + 6, o.attempts());
    }

    private static String truncate(String s) {
        return s == null || s.length() <= DETAIL_LIMIT ? s : s.substring(0, DETAIL_LIMIT);
    }

    /** Forces the view's file to disk, so journal segments it has taken can be deleted. */
    void sync() throws SQLException {
        try (Connection c = view.getConnection(); var statement = c.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Projects what is queued (up to a few seconds), then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
