package com.fks.execution.order;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a group's transitions with one statement for all of them (each still only if its order is in the
 * expected status and held by the caller) and writes the events of those that applied with one insert (on
 * PostgreSQL in the same statement). On PostgreSQL the fills among them are added to the positions' rows in the
 * same transaction ({@link PositionRows}).
 */
final class TransitionBatch implements GroupCommitWriter.Batch<TransitionBatch.Request, Boolean> {
    /** The columns of the VALUES list the PostgreSQL update joins with, in binding order. */
    private static final String VALUES_COLUMNS = "position, order_id, from_status, lease_owner, to_status, reason, "
            + "detail, exchange_order_id, executed_quantity, average_price, attempts_added, at_millis, quantity, terms, "
            + "release_lease, acknowledged, event_detail, positioned_quantity, positioned_cost";

    record Request(String orderId, String owner, OrderUpdate update, Instant at) {
    }

    @Override
    public List<Boolean> run(Connection c, List<Request> requests) throws SQLException {
        boolean postgres = MultiRow.postgres(c);
        Boolean[] applied = new Boolean[requests.size()];
        List<EventRows.Row> events = new ArrayList<>();
        Map<String, PositionRows.Holding> holdings = postgres ? PositionRows.lock(c, filledOrders(requests)) : Map.of();
        List<PositionRows.Fill> fills = new ArrayList<>();
        for (List<Integer> round : MultiRow.rounds(requests, Request::orderId)) {
            boolean[] done = postgres ? applyOnPostgres(c, requests, round, holdings, fills)
                    : updateOnH2(c, requests, round);
            for (int j = 0; j < round.size(); j++) {
                Request r = requests.get(round.get(j));
                applied[round.get(j)] = done[j];
                if (done[j] && !postgres) {
                    if (r.update().acknowledgedWithoutSubmittedStep()) {
                        events.add(new EventRows.Row(r.orderId(), OrderStatus.SUBMITTED.name(), r.at().toEpochMilli(),
                                null));
                    }
                    events.add(new EventRows.Row(r.orderId(), r.update().to().name(), r.at().toEpochMilli(),
                            r.update().historyDetail()));
                }
            }
        }
        EventRows.insert(c, events);
        PositionRows.add(c, fills);
        return Arrays.asList(applied);
    }

    /**
     * Runs after the group's other writes: the position rows it locks stay locked until the commit, and every
     * replica's fills of that position wait for them.
     */
    @Override
    public boolean last() {
        return true;
    }

    private static Set<String> filledOrders(List<Request> requests) {
        Set<String> ids = new HashSet<>();
        for (Request r : requests) {
            if (r.update().executedQuantity() != null) {
                ids.add(r.orderId());
            }
        }
        return ids;
    }

    /**
     * One statement for the round: an UPDATE joined with the round's rows, whose RETURNING names the rows that
     * applied and feeds the insert of their events. The rows go in order id order, so two replicas' groups lock
     * shared rows (an order changing owner) in the same order.
     */
    private static boolean[] applyOnPostgres(Connection c, List<Request> requests, List<Integer> round,
                                             Map<String, PositionRows.Holding> holdings,
                                             List<PositionRows.Fill> fills) throws SQLException {
        List<Integer> positions = new ArrayList<>(round.size());
        for (int j = 0; j < round.size(); j++) {
            positions.add(j);
        }
        positions.sort(Comparator.comparing(j -> requests.get(round.get(j)).orderId()));
        boolean[] done = new boolean[round.size()];
        try (PreparedStatement ps = c.prepareStatement("WITH v (" + VALUES_COLUMNS + ") AS (VALUES "
                + MultiRow.placeholders(19, round.size()) + "), "
                + "applied AS (UPDATE orders AS o SET status = v.to_status, "
                + "reason = COALESCE(v.reason, o.reason), detail = COALESCE(v.detail, o.detail), "
                + "exchange_order_id = COALESCE(v.exchange_order_id, o.exchange_order_id), "
                + "executed_quantity = COALESCE(v.executed_quantity, o.executed_quantity), "
                + "average_price = COALESCE(v.average_price, o.average_price), "
                + "attempts = o.attempts + v.attempts_added, updated_at = v.at_millis, "
                + "quantity = COALESCE(v.quantity, o.quantity), terms = COALESCE(v.terms, o.terms), "
                + "lease_owner = CASE WHEN v.release_lease THEN NULL ELSE o.lease_owner END, "
                + "lease_until = CASE WHEN v.release_lease THEN NULL ELSE o.lease_until END, "
                + "positioned_quantity = COALESCE(v.positioned_quantity, o.positioned_quantity), "
                + "positioned_cost = COALESCE(v.positioned_cost, o.positioned_cost) "
                + "FROM v WHERE o.order_id = v.order_id AND o.status = v.from_status "
                + "AND o.lease_owner = v.lease_owner "
                + "RETURNING v.position, v.order_id, v.to_status, v.at_millis, v.acknowledged, v.event_detail), "
                // Ordered so an implied SUBMITTED gets a smaller event id than the status it led to.
                + "events AS (INSERT INTO order_events (order_id, status, at_millis, detail) "
                + "SELECT order_id, status, at_millis, detail FROM ("
                + "SELECT position, 1 AS step, order_id, CAST('SUBMITTED' AS VARCHAR(20)) AS status, at_millis, "
                + "CAST(NULL AS VARCHAR(1000)) AS detail FROM applied WHERE acknowledged "
                + "UNION ALL SELECT position, 2, order_id, to_status, at_millis, event_detail FROM applied) AS e "
                + "ORDER BY position, step) "
                + "SELECT position FROM applied")) {
            PositionRows.Positioned[] positioned = new PositionRows.Positioned[round.size()];
            int p = 1;
            for (int j : positions) {
                Request r = requests.get(round.get(j));
                PositionRows.Holding holding = holdings.get(r.orderId());
                positioned[j] = holding == null ? null
                        : holding.positioned(r.update().executedQuantity(), r.update().averagePrice());
                ps.setInt(p++, j);
                ps.setString(p++, r.orderId());
                ps.setString(p++, r.update().from().name());
                ps.setString(p++, r.owner());
                p = bindChange(ps, p, r);
                ps.setBoolean(p++, r.update().to().isFinal());
                ps.setBoolean(p++, r.update().acknowledgedWithoutSubmittedStep());
                ps.setString(p++, EventRows.truncate(r.update().historyDetail()));
                ps.setBigDecimal(p++, positioned[j] == null ? null : positioned[j].quantity());
                ps.setBigDecimal(p++, positioned[j] == null ? null : positioned[j].cost());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    done[rs.getInt(1)] = true;
                }
            }
            // In the round's order: two updates of one order are in two rounds, so this is the order they applied.
            for (int j = 0; j < round.size(); j++) {
                Request r = requests.get(round.get(j));
                PositionRows.Holding holding = holdings.get(r.orderId());
                if (done[j] && holding != null) {
                    holding.applied(round.get(j), positioned[j], r.update().averagePrice(), fills);
                }
            }
        }
        return done;
    }

    /**
     * H2 has no UPDATE ... FROM with RETURNING: one JDBC batch, whose counts say which rows applied; their events
     * follow in one insert.
     */
    private static boolean[] updateOnH2(Connection c, List<Request> requests, List<Integer> round) throws SQLException {
        boolean[] done = new boolean[round.size()];
        try (PreparedStatement ps = c.prepareStatement("UPDATE orders SET status = ?, "
                + "reason = COALESCE(?, reason), detail = COALESCE(?, detail), "
                + "exchange_order_id = COALESCE(?, exchange_order_id), "
                + "executed_quantity = COALESCE(?, executed_quantity), average_price = COALESCE(?, average_price), "
                + "attempts = attempts + ?, updated_at = ?, "
                + "quantity = COALESCE(?, quantity), terms = COALESCE(?, terms), "
                + "lease_owner = CASE WHEN ? THEN NULL ELSE lease_owner END, "
                + "lease_until = CASE WHEN ? THEN NULL ELSE lease_until END "
                + "WHERE order_id = ? AND status = ? AND lease_owner = ?")) {
            for (int i : round) {
                Request r = requests.get(i);
                int p = bindChange(ps, 1, r);
                ps.setBoolean(p++, r.update().to().isFinal());
                ps.setBoolean(p++, r.update().to().isFinal());
                ps.setString(p++, r.orderId());
                ps.setString(p++, r.update().from().name());
                ps.setString(p, r.owner());
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int j = 0; j < counts.length; j++) {
                done[j] = counts[j] == 1;
            }
        }
        return done;
    }

    /**
     * Binds to_status, reason, detail, exchange order id, executed quantity, average price, attempts, time, and the
     * quantity and terms resolved for sending.
     */
    private static int bindChange(PreparedStatement ps, int p, Request r) throws SQLException {
        OrderUpdate u = r.update();
        ps.setString(p++, u.to().name());
        ps.setString(p++, u.reason());
        ps.setString(p++, EventRows.truncate(u.detail()));
        ps.setString(p++, u.exchangeOrderId());
        ps.setBigDecimal(p++, u.executedQuantity());
        ps.setBigDecimal(p++, u.averagePrice());
        ps.setInt(p++, u.to() == OrderStatus.SUBMITTING ? 1 : 0);
        ps.setLong(p++, r.at().toEpochMilli());
        ps.setBigDecimal(p++, u.quantity());
        ps.setString(p++, u.terms() == null ? null : u.terms().encode());
        return p;
    }
}
