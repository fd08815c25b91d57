package com.fks.execution.order;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The order store on JDBC; the SQL is the common subset of H2 and PostgreSQL, but for the group writes of
 * records and transitions ({@link RecordBatch}, {@link TransitionBatch}), which on PostgreSQL use its ON CONFLICT,
 * writable WITH and RETURNING to make a group one statement.
 */
public final class JdbcOrderStore implements OrderStore {
    private static final String OPEN = "('ACCEPTED','SUBMITTING','SUBMITTED')";
    /**
     * Open orders whose lease ran out or was handed back, oldest first: {now, limit}. Each half is a range of the
     * index on (status, lease_until). Written with OR, PostgreSQL used the index for the status only and read every
     * entry of the open statuses, among them one for each version an order left in ACCEPTED and SUBMITTING until a
     * vacuum removes it. The ranges skip the versions whose lease has not run out: every order of the last
     * ORDER_LEASE_SECONDS (25-33 ms a scan at 2,000 orders/s with the benchmarks' vacuum every 5 s). Older versions
     * are still read, once each with a look at the table, until a vacuum removes them.
     */
    static final String EXPIRED_LEASES = "SELECT order_id FROM ("
            + "SELECT order_id, received_at FROM orders WHERE status IN " + OPEN + " AND lease_until < ? "
            + "UNION ALL SELECT order_id, received_at FROM orders WHERE status IN " + OPEN + " AND lease_until IS NULL"
            + ") AS expired ORDER BY received_at LIMIT ?";
    /** Far more than the engine's queue holds; past it, the engine reads those orders from the database. */
    static final int MAX_JUST_RECORDED = 10_000;
    /** Order ids a lease hand-back names in one statement. */
    private static final int RELEASE_SLICE = 1_000;

    private final DataSource dataSource;
    private final AutoCloseable onClose;
    private final GroupCommitWriter writer;
    private final OrderReads reads;
    private final RecordBatch records = new RecordBatch();
    private final TransitionBatch transitions = new TransitionBatch();
    /**
     * Orders this process recorded that the engine has not picked up yet. The engine's first read of each
     * takes it from here instead of a round trip to the database: it is the row as the record wrote it. A
     * copy gone stale (another replica took the order over meanwhile) is harmless, as any read may be by the
     * time it is used: every transition applies only from the status and under the lease it expects.
     */
    private final Map<String, Order> justRecorded = new ConcurrentHashMap<>();
    /** Whether the database is PostgreSQL (positions as rows), once asked. */
    private volatile Boolean postgres;

    public JdbcOrderStore(DataSource dataSource, AutoCloseable onClose) {
        this(dataSource, onClose, GroupCommitWriter.WRITE_TIMEOUT);
    }

    /** With another wait for the writer: tests that hold it to make a group of their choosing give it longer. */
    JdbcOrderStore(DataSource dataSource, AutoCloseable onClose, Duration writeTimeout) {
        this.dataSource = dataSource;
        this.onClose = onClose;
        this.writer = new GroupCommitWriter(dataSource, "store-writer", writeTimeout);
        this.reads = new OrderReads(dataSource);
    }

    @Override
    public void observeCommits(CommitObserver observer) {
        writer.observeCommits(observer);
    }

    GroupCommitWriter writer() {
        return writer;
    }

    /**
     * Records the order in the writer's next group commit: concurrent webhooks share one transaction, a few
     * multi-row statements ({@link RecordBatch}) and one commit, and each caller returns only after its order
     * is durable. Should the commit come after the caller gave up waiting (the webhook then answered 503), the
     * order waits under this replica's lease and the engine's sweep of its own open orders executes it; a resend
     * of the alert is a duplicate.
     */
    @Override
    public RecordResult record(NewOrder order, String owner, Instant leaseUntil, Duration dedupWindow) {
        return record(new RecordBatch.Request(order, owner, leaseUntil, dedupWindow, false));
    }

    /** With {@code sendAsIs}, the order's row goes in as SUBMITTING, in the same transaction. */
    @Override
    public RecordResult recordAndHandOver(NewOrder order, String owner, Instant leaseUntil, Duration dedupWindow,
                                          boolean sendAsIs, Consumer<RecordResult.Recorded> handOver) {
        RecordResult result = record(new RecordBatch.Request(order, owner, leaseUntil, dedupWindow, sendAsIs));
        if (result instanceof RecordResult.Recorded recorded) {
            handOver.accept(recorded);
        }
        return result;
    }

    private RecordResult record(RecordBatch.Request request) {
        RecordResult result = writer.write("recording an order", records, request);
        if (result instanceof RecordResult.Recorded && justRecorded.size() < MAX_JUST_RECORDED) {
            justRecorded.put(request.order().orderId(), asRecorded(request));
        }
        return result;
    }

    /**
     * The order as its row reads right after the record: ACCEPTED (or SUBMITTING, its first attempt counted),
     * times in milliseconds and numbers as {@link OrderReads} gives them.
     */
    private static Order asRecorded(RecordBatch.Request request) {
        NewOrder o = request.order();
        Instant receivedAt = Instant.ofEpochMilli(o.receivedAt().toEpochMilli());
        return new Order(o.orderId(), o.alertId(), o.clientOrderId(), o.exchange(), o.symbol(), o.side(), o.type(),
                OrderReads.plain(o.quantity()), OrderReads.plain(o.price()), OrderReads.plain(o.confidence()),
                o.strategy(), null, request.status(), null, null, null, null, null, request.attempts(), receivedAt,
                receivedAt, List.of(), o.terms());
    }

    private static void insertEvent(Connection c, String orderId, String status, Instant at, String detail)
            throws SQLException {
        EventRows.insert(c, List.of(new EventRows.Row(orderId, status, at.toEpochMilli(), detail)));
    }

    @Override
    public Optional<Order> find(String orderId) {
        return reads.find(orderId);
    }

    @Override
    public Optional<Order> findForExecution(String orderId) {
        Order recorded = justRecorded.remove(orderId);
        return recorded != null ? Optional.of(recorded) : reads.findForExecution(orderId);
    }

    @Override
    public Optional<String> orderOfAlert(String alertId, Instant since) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT order_id FROM alert_ids WHERE alert_id = ? AND received_at >= ?")) {
            ps.setString(1, alertId);
            ps.setLong(2, since.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("store failed while looking up an alert id: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasOpenProtection(String exchange, String symbol, String strategy) {
        String sql = "SELECT 1 FROM orders WHERE exchange = ? AND symbol = ? "
                + "AND status IN ('ACCEPTED','SUBMITTING','SUBMITTED') AND order_type IN ('STOP_LOSS','TAKE_PROFIT','OCO') "
                + (strategy == null ? "AND strategy IS NULL" : "AND strategy = ?") + " FETCH FIRST 1 ROWS ONLY";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, exchange);
            ps.setString(2, symbol);
            if (strategy != null) {
                ps.setString(3, strategy);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("store failed while looking for open protection: " + e.getMessage(), e);
        }
    }

    /**
     * On PostgreSQL the position rows and the open orders, once every earlier fill is in the rows (after an
     * upgrade, the first read folds in the history, {@link PositionRows#CATCH_UP_GROUP} orders per write); on H2
     * the ledger of every fill.
     */
    @Override
    public List<Position> positions(String exchange, String symbol) {
        if (!onPostgres()) {
            return reads.positions(exchange, symbol);
        }
        while (behind()) {
            if (writer.write("positioning earlier fills", PositionRows::catchUp) == 0) {
                break;
            }
        }
        List<Order> open = reads.openOrdersFor(exchange, symbol);
        try (Connection c = dataSource.getConnection()) {
            return PositionRows.read(c, exchange, symbol, open);
        } catch (SQLException e) {
            throw unavailable("reading positions", e);
        }
    }

    @Override
    public Position position(String exchange, String symbol, String strategy) {
        return Position.of(positions(exchange, symbol), exchange, symbol, strategy);
    }

    private boolean behind() {
        try (Connection c = dataSource.getConnection()) {
            return PositionRows.behind(c);
        } catch (SQLException e) {
            throw unavailable("looking for fills not in the positions", e);
        }
    }

    private boolean onPostgres() {
        Boolean known = postgres;
        if (known == null) {
            try (Connection c = dataSource.getConnection()) {
                known = MultiRow.postgres(c);
            } catch (SQLException e) {
                throw unavailable("asking the database's kind", e);
            }
            postgres = known;
        }
        return known;
    }

    @Override
    public List<Order> openOrdersFor(String exchange, String symbol) {
        return reads.openOrdersFor(exchange, symbol);
    }

    @Override
    public List<Order> recent(int limit) {
        return reads.recent(limit);
    }

    @Override
    public boolean transition(String orderId, String owner, OrderUpdate u, Instant at) {
        u.from().checkTransition(u.to());
        return writer.write("updating an order", transitions, new TransitionBatch.Request(orderId, owner, u, at));
    }

    @Override
    public CompletableFuture<Boolean> transitionAsync(String orderId, String owner, OrderUpdate u, Instant at) {
        u.from().checkTransition(u.to());
        return writer.writeAsync("updating an order", transitions, new TransitionBatch.Request(orderId, owner, u, at));
    }

    @Override
    public void recordAttempt(String orderId, String owner, String detail, Instant at) {
        writer.write("recording an attempt", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE orders SET attempts = attempts + 1, updated_at = ? "
                    + "WHERE order_id = ? AND lease_owner = ?")) {
                ps.setLong(1, at.toEpochMilli());
                ps.setString(2, orderId);
                ps.setString(3, owner);
                if (ps.executeUpdate() == 1) {
                    insertEvent(c, orderId, "RETRY", at, detail);
                }
            }
            return null;
        });
    }

    @Override
    public int renewLeases(String owner, Instant until) {
        return update("renewing leases", "UPDATE orders SET lease_until = ? WHERE lease_owner = ? AND status IN " + OPEN,
                until.toEpochMilli(), owner);
    }

    @Override
    public List<String> claimExpired(String owner, Instant now, Instant until, int limit) {
        List<String> candidates = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(EXPIRED_LEASES)) {
                ps.setLong(1, now.toEpochMilli());
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(rs.getString(1));
                    }
                }
            }
            // Each claim is a conditional update: of two replicas racing for an order, exactly one wins it.
            List<String> claimed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE orders SET lease_owner = ?, lease_until = ? "
                    + "WHERE order_id = ? AND status IN " + OPEN + " AND (lease_until IS NULL OR lease_until < ?)")) {
                for (String id : candidates) {
                    ps.setString(1, owner);
                    ps.setLong(2, until.toEpochMilli());
                    ps.setString(3, id);
                    ps.setLong(4, now.toEpochMilli());
                    if (ps.executeUpdate() == 1) {
                        claimed.add(id);
                    }
                }
            }
            return claimed;
        } catch (SQLException e) {
            throw unavailable("claiming orders", e);
        }
    }

    @Override
    public int releaseLeases(String owner, Set<String> neverSent) {
        int released = update("releasing leases", "UPDATE orders SET lease_owner = NULL, lease_until = NULL "
                + "WHERE lease_owner = ? AND status <> 'SUBMITTING'", owner);
        // In slices: a queue can hold up to a million orders, a statement up to 32,767 parameters.
        List<String> ids = List.copyOf(neverSent);
        for (int from = 0; from < ids.size(); from += RELEASE_SLICE) {
            List<String> slice = ids.subList(from, Math.min(ids.size(), from + RELEASE_SLICE));
            Object[] params = new Object[1 + slice.size()];
            params[0] = owner;
            for (int i = 0; i < slice.size(); i++) {
                params[i + 1] = slice.get(i);
            }
            released += update("releasing leases", "UPDATE orders SET lease_owner = NULL, lease_until = NULL "
                    + "WHERE lease_owner = ? AND status = 'SUBMITTING' AND order_id IN ("
                    + "?, ".repeat(slice.size() - 1) + "?)", params);
        }
        return released;
    }

    @Override
    public List<String> openOrders(String owner, OrderStatus status, int limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT order_id FROM orders WHERE lease_owner = ? AND status = ? ORDER BY received_at LIMIT ?")) {
            ps.setString(1, owner);
            ps.setString(2, status.name());
            ps.setInt(3, limit);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw unavailable("listing open orders", e);
        }
    }

    @Override
    public int purgeAlertIdsBefore(Instant cutoff) {
        // Not through the writer: a day's worth of old ids can take seconds to delete, and the writer would hold
        // every webhook's record behind it. It touches only ids older than the de-duplication window; a group
        // writes such a row only when an id comes back after more than a day, so a deadlock needs that to happen
        // during the hourly purge, and then costs a 503 that TradingView resends.
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM alert_ids WHERE received_at < ?")) {
            ps.setLong(1, cutoff.toEpochMilli());
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw unavailable("purging alert ids", e);
        }
    }

    @Override
    public Optional<String> state(String name) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT state_value FROM service_state WHERE state_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw unavailable("reading service state", e);
        }
    }

    @Override
    public void setState(String name, String value, Instant at) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int updated;
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE service_state SET state_value = ?, updated_at = ? WHERE state_name = ?")) {
                    ps.setString(1, value);
                    ps.setLong(2, at.toEpochMilli());
                    ps.setString(3, name);
                    updated = ps.executeUpdate();
                }
                if (updated == 0) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO service_state (state_name, state_value, updated_at) VALUES (?, ?, ?)")) {
                        ps.setString(1, name);
                        ps.setString(2, value);
                        ps.setLong(3, at.toEpochMilli());
                        ps.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable("writing service state", e);
        }
    }

    /**
     * Answers only if the store can record: a database that answers but is read-only (H2 opens a file it may not
     * write read-only, without a word, e.g. after its file system was remounted read-only) counts as unavailable,
     * so /ready does not send traffic to a process that would refuse every alert.
     */
    @Override
    public void ping() {
        boolean readOnly;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            ps.setQueryTimeout(2);
            ps.executeQuery().close();
            readOnly = c.getMetaData().isReadOnly();
        } catch (SQLException e) {
            throw unavailable("pinging the store", e);
        }
        if (readOnly) {
            throw new StoreUnavailableException("the store is read-only: nothing can be recorded", null);
        }
    }

    /**
     * A write of many orders (lease renewal and hand-back) goes through the writer like every other write to
     * them: on a connection of its own, beside a group transaction that holds some of the same rows, it
     * could lock them in the opposite order and deadlock with it, and the database then aborts one of the two,
     * possibly a group holding a webhook's record (measured: 3 deadlocks in 30 s of load before this).
     */
    private int update(String what, String sql, Object... params) {
        return writer.write(what, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is already broken; the pool will drop it
        }
    }

    private static StoreUnavailableException unavailable(String what, SQLException e) {
        return new StoreUnavailableException("store failed while " + what + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        writer.close();
        try {
            onClose.close();
        } catch (Exception ignored) {
            // closing at shutdown; nothing left to do with the error
        }
    }
}
