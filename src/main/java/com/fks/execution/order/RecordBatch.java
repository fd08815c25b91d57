package com.fks.execution.order;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records a group's orders with a statement or a few for the whole group rather than several per order: the
 * alert ids are claimed together, and the new orders, their alerts and their RECEIVED and ACCEPTED events go in
 * as one multi-row insert each (on PostgreSQL all in the claiming statement); the duplicates among them, if any,
 * are looked up together. An order to send as it is ({@link OrderStore#recordAndHandOver}) goes in as
 * SUBMITTING, its first attempt counted, with a SUBMITTING event after its ACCEPTED one.
 */
final class RecordBatch implements GroupCommitWriter.Batch<RecordBatch.Request, RecordResult> {
    private static final String[] ORDER_COLUMNS = {"order_id", "alert_id", "client_order_id", "exchange", "symbol",
            "side", "order_type", "quantity", "price", "confidence", "strategy", "status", "attempts",
            "received_at", "updated_at", "lease_owner", "lease_until", "terms"};

    record Request(NewOrder order, String owner, Instant leaseUntil, Duration dedupWindow, boolean submitting) {
        OrderStatus status() {
            return submitting ? OrderStatus.SUBMITTING : OrderStatus.ACCEPTED;
        }

        /** Recorded in SUBMITTING, its send counts as the first attempt. */
        int attempts() {
            return submitting ? 1 : 0;
        }

        String alertId() {
            return order.alertId();
        }

        long cutoff() {
            return order.receivedAt().minus(dedupWindow).toEpochMilli();
        }
    }

    private record Claim(String orderId, long receivedAt) {
    }

    @Override
    public List<RecordResult> run(Connection c, List<Request> requests) throws SQLException {
        boolean postgres = MultiRow.postgres(c);
        RecordResult[] results = new RecordResult[requests.size()];
        for (List<Integer> indices : MultiRow.rounds(requests, Request::alertId)) {
            List<Request> round = new ArrayList<>(indices.size());
            indices.forEach(i -> round.add(requests.get(i)));
            RecordResult[] answers = recordRound(c, round, postgres);
            for (int j = 0; j < indices.size(); j++) {
                results[indices.get(j)] = answers[j];
            }
        }
        return Arrays.asList(results);
    }

    /** A round has each alert id once. */
    private static RecordResult[] recordRound(Connection c, List<Request> round, boolean postgres) throws SQLException {
        // On PostgreSQL the statement that claims the ids also inserts the orders of those it claimed.
        Set<String> claimed = postgres ? claimAndInsertOnPostgres(c, round) : claimOnH2(c, round);
        RecordResult[] results = new RecordResult[round.size()];
        List<Request> taken = new ArrayList<>();
        for (Request r : round) {
            if (!claimed.contains(r.alertId())) {
                taken.add(r);
            }
        }
        Set<String> takenOver = new HashSet<>();
        if (!taken.isEmpty()) {
            resolveTaken(c, taken, takenOver, round, results);
        }
        List<Request> toInsert = new ArrayList<>();
        for (int i = 0; i < round.size(); i++) {
            Request r = round.get(i);
            if (results[i] == null) {
                results[i] = new RecordResult.Recorded(r.order().orderId(), r.submitting());
                if (takenOver.contains(r.alertId()) || !postgres) {
                    toInsert.add(r);
                }
            }
        }
        if (!toInsert.isEmpty()) {
            insertOrders(c, toInsert);
        }
        return results;
    }

    /**
     * One statement for the round, the usual case being that every id is new: it inserts the ids nobody holds
     * and, for exactly those, the orders, their alerts and their RECEIVED and ACCEPTED events; returns the ids
     * it inserted. The ids go in sorted, so two replicas' groups wait for each other's ids in the same order and
     * cannot deadlock on them. An id another transaction is inserting makes this wait for it to end, then
     * counts as taken (or as free, if that transaction rolled back).
     */
    private static Set<String> claimAndInsertOnPostgres(Connection c, List<Request> round) throws SQLException {
        long now = Instant.now().toEpochMilli();
        Set<String> claimed = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("WITH v (alert_id, order_id, client_order_id, exchange, "
                + "symbol, side, order_type, quantity, price, confidence, strategy, received_at, lease_owner, "
                + "lease_until, alert_json, terms, status, attempts) AS (VALUES "
                + MultiRow.placeholders(18, round.size()) + "), "
                + "claimed AS (INSERT INTO alert_ids (alert_id, order_id, received_at) "
                + "SELECT alert_id, order_id, received_at FROM v ORDER BY alert_id "
                + "ON CONFLICT (alert_id) DO NOTHING RETURNING alert_id), "
                + "fresh AS (SELECT v.* FROM v JOIN claimed ON claimed.alert_id = v.alert_id), "
                + "new_orders AS (INSERT INTO orders (" + String.join(", ", ORDER_COLUMNS) + ") "
                + "SELECT order_id, alert_id, client_order_id, exchange, symbol, side, order_type, quantity, price, "
                + "confidence, strategy, status, attempts, received_at, ?, lease_owner, lease_until, terms FROM fresh), "
                + "new_alerts AS (INSERT INTO order_alerts (order_id, alert_json) "
                + "SELECT order_id, alert_json FROM fresh), "
                // Ordered so each order's RECEIVED gets a smaller event id than its ACCEPTED (and that than its
                // SUBMITTING, for an order recorded in SUBMITTING).
                + "new_events AS (INSERT INTO order_events (order_id, status, at_millis) "
                + "SELECT fresh.order_id, step.status, CASE WHEN step.n = 1 THEN fresh.received_at ELSE ? END "
                + "FROM fresh CROSS JOIN (VALUES (1, 'RECEIVED'), (2, 'ACCEPTED'), (3, 'SUBMITTING')) "
                + "AS step (n, status) WHERE step.n < 3 OR fresh.status = 'SUBMITTING' "
                + "ORDER BY fresh.order_id, step.n) "
                + "SELECT alert_id FROM claimed")) {
            int p = 1;
            for (Request r : round) {
                NewOrder o = r.order();
                ps.setString(p++, o.alertId());
                ps.setString(p++, o.orderId());
                ps.setString(p++, o.clientOrderId());
                ps.setString(p++, o.exchange());
                ps.setString(p++, o.symbol());
                ps.setString(p++, o.side().name());
                ps.setString(p++, o.type().name());
                ps.setBigDecimal(p++, o.quantity());
                ps.setBigDecimal(p++, o.price());
                ps.setBigDecimal(p++, o.confidence());
                ps.setString(p++, o.strategy());
                ps.setLong(p++, o.receivedAt().toEpochMilli());
                ps.setString(p++, r.owner());
                ps.setLong(p++, r.leaseUntil().toEpochMilli());
                ps.setString(p++, o.alertJson());
                ps.setString(p++, o.terms().encode());
                ps.setString(p++, r.status().name());
                ps.setInt(p++, r.attempts());
            }
            ps.setLong(p++, now);
            ps.setLong(p, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claimed.add(rs.getString(1));
                }
            }
        }
        return claimed;
    }

    /**
     * H2 has no ON CONFLICT: the ids already there are read first and only the others inserted. The embedded
     * store has one process and one writer, so nothing inserts an id in between; should something (a second
     * store on the same file) still do so, the insert fails and each write of the group runs again alone.
     */
    private static Set<String> claimOnH2(Connection c, List<Request> round) throws SQLException {
        Set<String> present = lookUp(c, round).keySet();
        List<Request> absent = new ArrayList<>();
        for (Request r : round) {
            if (!present.contains(r.alertId())) {
                absent.add(r);
            }
        }
        Set<String> claimed = new HashSet<>();
        if (!absent.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_ids (alert_id, order_id, received_at) "
                    + "VALUES " + MultiRow.placeholders(3, absent.size()))) {
                bindClaims(ps, absent);
                ps.executeUpdate();
            }
            absent.forEach(r -> claimed.add(r.alertId()));
        }
        return claimed;
    }

    private static void bindClaims(PreparedStatement ps, List<Request> requests) throws SQLException {
        int p = 1;
        for (Request r : requests) {
            ps.setString(p++, r.alertId());
            ps.setString(p++, r.order().orderId());
            ps.setLong(p++, r.order().receivedAt().toEpochMilli());
        }
    }

    /**
     * For ids already held: within the window the holder's order is the answer (a duplicate). Seen before the
     * window, the id is a new alert now and is taken over, conditionally, so two replicas racing over a stale
     * id still make one order (such ids are rare: one row each is fine).
     */
    private static void resolveTaken(Connection c, List<Request> taken, Set<String> takenOver, List<Request> round,
                                     RecordResult[] results) throws SQLException {
        Map<String, Claim> holders = lookUp(c, taken);
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < round.size(); i++) {
            position.put(round.get(i).alertId(), i);
        }
        for (Request r : taken) {
            Claim holder = holders.get(r.alertId());
            if (holder == null) {
                // Purged between the insert and this read: running the group again finds the id free.
                throw new SQLException("alert id vanished while checking for a duplicate", "40001");
            }
            int i = position.get(r.alertId());
            if (holder.receivedAt() >= r.cutoff()) {
                results[i] = new RecordResult.Duplicate(holder.orderId());
            } else if (takeOver(c, r)) {
                takenOver.add(r.alertId());
            } else {
                Claim winner = lookUp(c, List.of(r)).get(r.alertId());
                if (winner == null) {
                    throw new SQLException("alert id vanished while checking for a duplicate", "40001");
                }
                results[i] = new RecordResult.Duplicate(winner.orderId());
            }
        }
    }

    private static boolean takeOver(Connection c, Request r) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE alert_ids SET order_id = ?, received_at = ? WHERE alert_id = ? AND received_at < ?")) {
            update.setString(1, r.order().orderId());
            update.setLong(2, r.order().receivedAt().toEpochMilli());
            update.setString(3, r.alertId());
            update.setLong(4, r.cutoff());
            return update.executeUpdate() == 1;
        }
    }

    private static Map<String, Claim> lookUp(Connection c, List<Request> requests) throws SQLException {
        Map<String, Claim> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT alert_id, order_id, received_at FROM alert_ids "
                + "WHERE alert_id IN (" + "?, ".repeat(requests.size() - 1) + "?)")) {
            int p = 1;
            for (Request r : requests) {
                ps.setString(p++, r.alertId());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), new Claim(rs.getString(2), rs.getLong(3)));
                }
            }
        }
        return found;
    }

    private static void insertOrders(Connection c, List<Request> fresh) throws SQLException {
        long now = Instant.now().toEpochMilli();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (" + String.join(", ", ORDER_COLUMNS)
                + ") VALUES " + MultiRow.placeholders(ORDER_COLUMNS.length, fresh.size()))) {
            int p = 1;
            for (Request r : fresh) {
                NewOrder o = r.order();
                ps.setString(p++, o.orderId());
                ps.setString(p++, o.alertId());
                ps.setString(p++, o.clientOrderId());
                ps.setString(p++, o.exchange());
                ps.setString(p++, o.symbol());
                ps.setString(p++, o.side().name());
                ps.setString(p++, o.type().name());
                ps.setBigDecimal(p++, o.quantity());
                ps.setBigDecimal(p++, o.price());
                ps.setBigDecimal(p++, o.confidence());
                ps.setString(p++, o.strategy());
                ps.setString(p++, r.status().name());
                ps.setInt(p++, r.attempts());
                ps.setLong(p++, o.receivedAt().toEpochMilli());
                ps.setLong(p++, now);
                ps.setString(p++, r.owner());
                ps.setLong(p++, r.leaseUntil().toEpochMilli());
                ps.setString(p++, o.terms().encode());
            }
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO order_alerts (order_id, alert_json) VALUES "
                + MultiRow.placeholders(2, fresh.size()))) {
            int p = 1;
            for (Request r : fresh) {
                ps.setString(p++, r.order().orderId());
                ps.setString(p++, r.order().alertJson());
            }
            ps.executeUpdate();
        }
        List<EventRows.Row> events = new ArrayList<>(fresh.size() * 3);
        for (Request r : fresh) {
            events.add(new EventRows.Row(r.order().orderId(), "RECEIVED", r.order().receivedAt().toEpochMilli(), null));
            events.add(new EventRows.Row(r.order().orderId(), OrderStatus.ACCEPTED.name(), now, null));
            if (r.submitting()) {
                events.add(new EventRows.Row(r.order().orderId(), OrderStatus.SUBMITTING.name(), now, null));
            }
        }
        EventRows.insert(c, events);
    }
}
