package com.fks.execution.order;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Steps of orders' histories, written as one multi-row insert; their ids follow the list's order. */
final class EventRows {
    private static final int MAX_DETAIL = 1000;

    record Row(String orderId, String status, long atMillis, String detail) {
    }

    private EventRows() {
    }

    static void insert(Connection c, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO order_events (order_id, status, at_millis, detail) "
                + "VALUES " + MultiRow.placeholders(4, rows.size()))) {
            int p = 1;
            for (Row row : rows) {
                ps.setString(p++, row.orderId());
                ps.setString(p++, row.status());
                ps.setLong(p++, row.atMillis());
                ps.setString(p++, truncate(row.detail()));
            }
            ps.executeUpdate();
        }
    }

    static String truncate(String s) {
        return s == null || s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL);
    }
}
