package com.fks.execution.order.journal;

import com.fks.execution.order.Order;
import com.fks.execution.order.OrderHistory;
import com.fks.execution.order.OrderReads;
import com.fks.execution.order.StoreUnavailableException;
import org.h2.mvstore.MVMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Takes over the SQL tables that were the view (and, before the journal, the whole embedded store) of an earlier
 * version into a new {@link MapOrderView}: every order with its history and alert, the positions, the alert ids
 * and states, and the journal position those tables had reached, so the journal carries on from there. Runs once,
 * on the first start of this version; an interrupted import starts again from the beginning (the maps are
 * cleared first), and the new file is marked done only in the last commit.
 */
final class SqlViewImport {
    private static final Logger log = LoggerFactory.getLogger(SqlViewImport.class);
    /** Rows per commit: MVStore keeps uncommitted pages in the heap. */
    private static final int ROWS_PER_COMMIT = 5_000;

    private final DataSource sql;

    SqlViewImport(DataSource sql) {
        this.sql = sql;
    }

    void into(MapOrderView.Maps maps) {
        long begin = System.nanoTime();
        for (var map : List.of(maps.orders, maps.byTime, maps.open, maps.alertIds, maps.positions,
                maps.states)) {
            map.clear();
        }
        // Steps kept as rows, gathered per order before the orders are read; dropped once they are in.
        MVMap<String, String> stepRows = maps.store.openMap("import_step_rows");
        stepRows.clear();
        int orders = 0;
        int alertIds = 0;
        try (Connection c = sql.getConnection()) {
            // Steps as rows: an embedded store of the versions before the journal kept them so.
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT order_id, status, at_millis, detail FROM order_events ORDER BY order_id, event_id");
                 ResultSet rs = ps.executeQuery()) {
                StringBuilder steps = new StringBuilder();
                String current = null;
                while (rs.next()) {
                    String id = rs.getString(1);
                    if (!id.equals(current)) {
                        flushSteps(stepRows, current, steps);
                        current = id;
                    }
                    OrderHistory.append(steps, rs.getString(2), rs.getLong(3), rs.getString(4));
                }
                flushSteps(stepRows, current, steps);
            }
            maps.store.commit();
            // In the order the fills were recorded, as the positions were computed from these tables.
            try (PreparedStatement ps = c.prepareStatement("SELECT " + OrderReads.orderColumns()
                    + ", history, (SELECT alert_json FROM order_alerts a WHERE a.order_id = o.order_id) "
                    + "FROM orders o ORDER BY updated_at, order_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Order o = OrderReads.toOrder(rs, null, List.of());
                    String rows = stepRows.get(o.orderId());
                    String column = rs.getString(22);
                    String steps = (rows == null ? "" : rows) + (column == null ? "" : column);
                    // Its alert id is not put here: the alert_ids table below says what still de-duplicates.
                    maps.putOrder(o, OrderCodec.encode(o, steps, rs.getString(23)));
                    if ((o.executedQuantity() != null && o.executedQuantity().signum() > 0)
                            || !o.status().isFinal()) {
                        maps.ledger.add(o);
                    }
                    if (++orders % ROWS_PER_COMMIT == 0) {
                        maps.store.commit();
                    }
                }
            }
            maps.ledger.forEachBook(maps::putPosition);
            try (PreparedStatement ps = c.prepareStatement("SELECT alert_id, order_id, received_at FROM alert_ids");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    maps.putAlertId(rs.getString(1), rs.getString(2), rs.getLong(3));
                    if (++alertIds % ROWS_PER_COMMIT == 0) {
                        maps.store.commit();
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT state_name, state_value FROM service_state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    maps.states.put(rs.getString(1), rs.getString(2));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT journal_position FROM journal_checkpoint WHERE checkpoint_id = 1");
                 ResultSet rs = ps.executeQuery()) {
                maps.meta.put("checkpoint", Long.toString(rs.next() ? rs.getLong(1) : 0));
            }
            maps.store.removeMap(stepRows);
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot take the orders of the earlier SQL view over: "
                    + e.getMessage(), e);
        }
        if (orders > 0 || alertIds > 0) {
            log.info("order view: {} orders and {} alert ids taken over from the SQL tables of an earlier version "
                    + "in {} ms", orders, alertIds, (System.nanoTime() - begin) / 1_000_000);
        }
    }

    private static void flushSteps(MVMap<String, String> stepRows, String orderId, StringBuilder steps) {
        if (orderId != null && steps.length() > 0) {
            stepRows.put(orderId, steps.toString());
        }
        steps.setLength(0);
    }
}
