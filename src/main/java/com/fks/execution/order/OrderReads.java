package com.fks.execution.order;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads of the order tables, shared by the PostgreSQL store (its tables are the store) and the embedded
 * store (its tables are the view projected from the journal).
 */
public final class OrderReads {
    static final String ORDER_COLUMNS = "order_id, alert_id, client_order_id, exchange, symbol, side, "
            + "order_type, quantity, price, confidence, strategy, status, reason, detail, "
            + "exchange_order_id, executed_quantity, average_price, attempts, received_at, updated_at, terms";

    private final DataSource dataSource;

    public OrderReads(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The order with its history and the alert as received. */
    public Optional<Order> find(String orderId) {
        return read(orderId, true);
    }

    /** The order's current state only. */
    public Optional<Order> findForExecution(String orderId) {
        return read(orderId, false);
    }

    private Optional<Order> read(String orderId, boolean whole) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + ORDER_COLUMNS + ", history FROM orders WHERE order_id = ?")) {
            ps.setString(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                if (!whole) {
                    return Optional.of(toOrder(rs, null, List.of()));
                }
                // Steps as rows (PostgreSQL; an embedded store of earlier versions), then as the history column
                // (the embedded store's view); an order taken over at an upgrade has both, in that order.
                List<OrderEvent> events = events(c, orderId);
                events.addAll(OrderHistory.parse(rs.getString("history")));
                return Optional.of(toOrder(rs, alertJson(c, orderId), events));
            }
        } catch (SQLException e) {
            throw unavailable("reading an order", e);
        }
    }

    private static String alertJson(Connection c, String orderId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT alert_json FROM order_alerts WHERE order_id = ?")) {
            ps.setString(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static List<OrderEvent> events(Connection c, String orderId) throws SQLException {
        List<OrderEvent> events = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT status, at_millis, detail FROM order_events WHERE order_id = ? ORDER BY event_id")) {
            ps.setString(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new OrderEvent(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3)));
                }
            }
        }
        return events;
    }

    /** The newest orders first, without their events. */
    public List<Order> recent(int limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + ORDER_COLUMNS
                     + " FROM orders ORDER BY received_at DESC, order_id DESC LIMIT ?")) {
            ps.setInt(1, limit);
            List<Order> orders = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    orders.add(toOrder(rs, null, List.of()));
                }
            }
            return orders;
        } catch (SQLException e) {
            throw unavailable("listing orders", e);
        }
    }

    /**
     * Positions from every order that filled something or is still open, in the order their fills were recorded;
     * of one exchange and symbol, or all when {@code exchange} is null. A read of the whole history: the
     * PostgreSQL store keeps its positions as rows instead ({@link PositionRows}).
     */
    public List<Position> positions(String exchange, String symbol) {
        PositionLedger ledger = new PositionLedger();
        String where = "(executed_quantity > 0 OR status IN ('ACCEPTED','SUBMITTING','SUBMITTED'))"
                + (exchange == null ? "" : " AND exchange = ? AND symbol = ?");
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + ORDER_COLUMNS + " FROM orders WHERE " + where
                     + " ORDER BY updated_at, order_id")) {
            if (exchange != null) {
                ps.setString(1, exchange);
                ps.setString(2, symbol);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ledger.add(toOrder(rs, null, List.of()));
                }
            }
            return ledger.positions();
        } catch (SQLException e) {
            throw unavailable("reading positions", e);
        }
    }

    /** The open orders (any owner) of one exchange and symbol (of all when {@code exchange} is null), oldest first. */
    public List<Order> openOrdersFor(String exchange, String symbol) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + ORDER_COLUMNS + " FROM orders WHERE "
                     + (exchange == null ? "" : "exchange = ? AND symbol = ? AND ")
                     + "status IN ('ACCEPTED','SUBMITTING','SUBMITTED') ORDER BY received_at, order_id")) {
            if (exchange != null) {
                ps.setString(1, exchange);
                ps.setString(2, symbol);
            }
            List<Order> orders = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    orders.add(toOrder(rs, null, List.of()));
                }
            }
            return orders;
        } catch (SQLException e) {
            throw unavailable("listing open orders", e);
        }
    }

    /** An order row of a result set that selected {@link #ORDER_COLUMNS}. */
    public static Order toOrder(ResultSet rs, String alertJson, List<OrderEvent> events) throws SQLException {
        return new Order(rs.getString("order_id"), rs.getString("alert_id"), rs.getString("client_order_id"),
                rs.getString("exchange"), rs.getString("symbol"), Side.valueOf(rs.getString("side")),
                OrderType.valueOf(rs.getString("order_type")), plain(rs.getBigDecimal("quantity")),
                plain(rs.getBigDecimal("price")), plain(rs.getBigDecimal("confidence")), rs.getString("strategy"),
                alertJson, OrderStatus.valueOf(rs.getString("status")), rs.getString("reason"),
                rs.getString("detail"), rs.getString("exchange_order_id"), plain(rs.getBigDecimal("executed_quantity")),
                plain(rs.getBigDecimal("average_price")), rs.getInt("attempts"),
                Instant.ofEpochMilli(rs.getLong("received_at")), Instant.ofEpochMilli(rs.getLong("updated_at")), events,
                OrderTerms.decode(rs.getString("terms")));
    }

    /** The columns an order row is read with, for a query of one's own. */
    public static String orderColumns() {
        return ORDER_COLUMNS;
    }

    static BigDecimal plain(BigDecimal value) {
        return value == null ? null : value.stripTrailingZeros();
    }

    private static StoreUnavailableException unavailable(String what, SQLException e) {
        return new StoreUnavailableException("store failed while " + what + ": " + e.getMessage(), e);
    }
}
