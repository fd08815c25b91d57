package com.fks.execution.order.journal;

import com.fks.execution.order.NewOrder;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the queryable view (the SQL tables behind GET /orders) in step with the journal, off the path of a
 * webhook: one thread takes the events of forced groups, applies many of them in one transaction of batched
 * statements, and records in the same transaction the journal position it has reached, so after a crash the
 * view is caught up from exactly there. A failed transaction is retried (the events stay queued): the view
 * may lag the journal, never lose what it has.
 */
final class ViewProjector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ViewProjector.class);
    private static final int MAX_EVENTS_PER_TRANSACTION = 4096;
    private static final int DETAIL_LIMIT = 1000;

    /** An event as forced to the journal: {@code end} is the position just past it. */
    record Positioned(JournalEvent event, long end) {
    }

    /** What the projector reports after each commit. */
    interface Listener {
        void projected(long position, List<String> finalOrderIds, List<String> alertIds);
    }

    private final DataSource view;
    private final Listener listener;
    /** Bounded: when the view falls this far behind, the writer waits, and intake with it. */
    private final BlockingQueue<Positioned> queue = new ArrayBlockingQueue<>(200_000);
    private final Thread thread;
    private final Object progress = new Object();
    private volatile long projected;
    private volatile long enqueued;
    private volatile boolean closed;

    ViewProjector(DataSource view, long position, Listener listener) {
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

    long projected() {
        return projected;
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
                queue.drainTo(batch, MAX_EVENTS_PER_TRANSACTION - 1);
            }
            try {
                Result result = apply(batch);
                long position = batch.get(batch.size() - 1).end();
                synchronized (progress) {
                    projected = position;
                    progress.notifyAll();
                }
                listener.projected(position, result.finalOrderIds, result.alertIds);
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

    private Result apply(List<Positioned> batch) throws SQLException {
        List<String> finals = new ArrayList<>();
        List<String> alertIds = new ArrayList<>();
        try (Connection c = view.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement orders = c.prepareStatement("INSERT INTO orders (order_id, alert_id, "
                    + "client_order_id, exchange, symbol, side, order_type, quantity, price, confidence, strategy, "
                    + "status, attempts, received_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACCEPTED', 0, ?, ?)");
                 PreparedStatement alerts = c.prepareStatement(
                         "INSERT INTO order_alerts (order_id, alert_json) VALUES (?, ?)");
                 PreparedStatement ids = c.prepareStatement(
                         "MERGE INTO alert_ids (alert_id, order_id, received_at) KEY (alert_id) VALUES (?, ?, ?)");
                 PreparedStatement updates = c.prepareStatement("UPDATE orders SET status = COALESCE(?, status), "
                         + "reason = COALESCE(?, reason), detail = COALESCE(?, detail), "
                         + "exchange_order_id = COALESCE(?, exchange_order_id), "
                         + "executed_quantity = COALESCE(?, executed_quantity), "
                         + "average_price = COALESCE(?, average_price), attempts = attempts + ?, updated_at = ? "
                         + "WHERE order_id = ?");
                 PreparedStatement events = c.prepareStatement(
                         "INSERT INTO order_events (order_id, status, at_millis, detail) VALUES (?, ?, ?, ?)");
                 PreparedStatement states = c.prepareStatement("MERGE INTO service_state (state_name, state_value, "
                         + "updated_at) KEY (state_name) VALUES (?, ?, ?)");
                 PreparedStatement checkpoint = c.prepareStatement(
                         "MERGE INTO journal_checkpoint (checkpoint_id, journal_position) KEY (checkpoint_id) VALUES (1, ?)")) {
                for (Positioned p : batch) {
                    JournalEvent event = p.event();
                    if (event instanceof JournalEvent.Accepted a) {
                        NewOrder o = a.order();
                        orders.setString(1, o.orderId());
                        orders.setString(2, o.alertId());
                        orders.setString(3, o.clientOrderId());
                        orders.setString(4, o.exchange());
                        orders.setString(5, o.symbol());
                        orders.setString(6, o.side().name());
                        orders.setString(7, o.type().name());
                        orders.setBigDecimal(8, o.quantity());
                        orders.setBigDecimal(9, o.price());
                        orders.setBigDecimal(10, o.confidence());
                        orders.setString(11, o.strategy());
                        orders.setLong(12, o.receivedAt().toEpochMilli());
                        orders.setLong(13, a.acceptedAt().toEpochMilli());
                        orders.addBatch();
                        alerts.setString(1, o.orderId());
                        alerts.setString(2, o.alertJson());
                        alerts.addBatch();
                        ids.setString(1, o.alertId());
                        ids.setString(2, o.orderId());
                        ids.setLong(3, o.receivedAt().toEpochMilli());
                        ids.addBatch();
                        alertIds.add(o.alertId());
                        event(events, o.orderId(), "RECEIVED", o.receivedAt().toEpochMilli(), null);
                        event(events, o.orderId(), OrderStatus.ACCEPTED.name(), a.acceptedAt().toEpochMilli(), null);
                    } else if (event instanceof JournalEvent.Transitioned t) {
                        OrderUpdate u = t.update();
                        long at = t.at().toEpochMilli();
                        updates.setString(1, u.to().name());
                        updates.setString(2, u.reason());
                        updates.setString(3, truncate(u.detail()));
                        updates.setString(4, u.exchangeOrderId());
                        updates.setBigDecimal(5, u.executedQuantity());
                        updates.setBigDecimal(6, u.averagePrice());
                        updates.setInt(7, u.to() == OrderStatus.SUBMITTING ? 1 : 0);
                        updates.setLong(8, at);
                        updates.setString(9, t.orderId());
                        updates.addBatch();
                        if (u.acknowledgedWithoutSubmittedStep()) {
                            event(events, t.orderId(), OrderStatus.SUBMITTED.name(), at, null);
                        }
                        event(events, t.orderId(), u.to().name(), at, truncate(u.historyDetail()));
                        if (u.to().isFinal()) {
                            finals.add(t.orderId());
                        }
                    } else if (event instanceof JournalEvent.Attempted a) {
                        long at = a.at().toEpochMilli();
                        for (int i = 1; i <= 6; i++) {
                            updates.setNull(i, i >= 5 ? Types.DECIMAL : Types.VARCHAR);
                        }
                        updates.setInt(7, 1);
                        updates.setLong(8, at);
                        updates.setString(9, a.orderId());
                        updates.addBatch();
                        event(events, a.orderId(), "RETRY", at, truncate(a.detail()));
                    } else if (event instanceof JournalEvent.StateSet s) {
                        states.setString(1, s.name());
                        states.setString(2, s.value());
                        states.setLong(3, s.at().toEpochMilli());
                        states.addBatch();
                    }
                }
                orders.executeBatch();
                alerts.executeBatch();
                ids.executeBatch();
                updates.executeBatch();
                events.executeBatch();
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

    private static void event(PreparedStatement events, String orderId, String status, long at, String detail)
            throws SQLException {
        events.setString(1, orderId);
        events.setString(2, status);
        events.setLong(3, at);
        events.setString(4, detail);
        events.addBatch();
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
