package com.fks.execution.order;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The PostgreSQL store's positions as rows (table positions, db/postgresql/V9), kept by the transaction that
 * records each fill, so a position is read as one row per strategy and the open orders instead of every fill of
 * the symbol again (a read that grew with the history). Each order row says how much of its fills the rows hold
 * (positioned_quantity, and positioned_cost: that quantity times the order's average price then), so each fill
 * is counted once: by the transition that wrote it or, when it was written without (before the upgrade, or by a
 * replica of the previous version during one), by {@link #catchUp} before the next read.
 *
 * <p>Lock order, the same in every replica: the group's order rows by order id, then the position rows by key.
 */
final class PositionRows {
    /** Orders whose fills the positions do not hold: the predicate of the partial index orders_unpositioned. */
    static final String UNPOSITIONED = "executed_quantity > COALESCE(positioned_quantity, 0)";
    /** Orders positioned per catch-up transaction: each is a write of the store's writer, between the webhooks'. */
    static final int CATCH_UP_GROUP = 500;
    private static final int SCALE = 18;
    private static final String HOLDING_COLUMNS = "order_id, exchange, symbol, strategy, side, terms, average_price, "
            + "executed_quantity, positioned_quantity, positioned_cost";

    private PositionRows() {
    }

    private record Key(String exchange, String symbol, String strategy) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = exchange.compareTo(o.exchange);
            if (c == 0) {
                c = symbol.compareTo(o.symbol);
            }
            return c != 0 ? c : strategy.compareTo(o.strategy);
        }
    }

    /** One fill to add to a position; {@code request}: its update's place in the group, the order it came in. */
    record Fill(int request, Key key, Side side, BigDecimal quantity, BigDecimal cost) {
    }

    /** What an order's row will say the positions hold of it once an update applies. */
    record Positioned(BigDecimal quantity, BigDecimal cost) {
    }

    /** An order's fills as the positions hold them; moves on as the transaction's updates of it apply. */
    static final class Holding {
        private final Key key;
        private final Side side;
        private final boolean counted;
        private BigDecimal averagePrice;
        private BigDecimal positionedQuantity;
        private BigDecimal positionedCost;

        private Holding(ResultSet rs) throws SQLException {
            this.key = new Key(rs.getString("exchange"), rs.getString("symbol"), stored(rs.getString("strategy")));
            this.side = Side.valueOf(rs.getString("side"));
            this.counted = OrderTerms.decode(rs.getString("terms")).kind() != OrderKind.CANCEL;
            this.averagePrice = rs.getBigDecimal("average_price");
            this.positionedQuantity = orZero(rs.getBigDecimal("positioned_quantity"));
            this.positionedCost = orZero(rs.getBigDecimal("positioned_cost"));
        }

        /** What an update that reports {@code executed} at {@code price} (null: unchanged) positions, or null. */
        Positioned positioned(BigDecimal executed, BigDecimal price) {
            if (executed == null || executed.compareTo(positionedQuantity) <= 0) {
                return null;
            }
            BigDecimal at = price != null ? price : orZero(averagePrice);
            return new Positioned(executed, executed.multiply(at).setScale(SCALE, RoundingMode.HALF_EVEN));
        }

        /** The update applied: its new fill (what {@link #positioned} said) joins {@code fills}. */
        void applied(int request, Positioned positioned, BigDecimal price, List<Fill> fills) {
            if (price != null) {
                averagePrice = price;
            }
            if (positioned == null) {
                return;
            }
            if (counted) {
                fills.add(new Fill(request, key, side, positioned.quantity().subtract(positionedQuantity),
                        positioned.cost().subtract(positionedCost).max(BigDecimal.ZERO)));
            }
            positionedQuantity = positioned.quantity();
            positionedCost = positioned.cost();
        }
    }

    /**
     * Locks the rows of the orders a group is about to fill, in order id order (as the group's update does), and
     * reads what the positions hold of each.
     */
    static Map<String, Holding> lock(Connection c, Collection<String> orderIds) throws SQLException {
        Map<String, Holding> holdings = new HashMap<>();
        if (orderIds.isEmpty()) {
            return holdings;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + HOLDING_COLUMNS
                + " FROM orders WHERE order_id = ANY (?) ORDER BY order_id FOR UPDATE")) {
            ps.setArray(1, c.createArrayOf("varchar", new TreeSet<>(orderIds).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    holdings.put(rs.getString("order_id"), new Holding(rs));
                }
            }
        }
        return holdings;
    }

    /**
     * Adds the transaction's fills to their positions: rows locked in key order, the fills computed in the order
     * their updates came (a group applies two updates of one order in two statements, after the others of the
     * first), the rows written.
     */
    static void add(Connection c, List<Fill> fills) throws SQLException {
        if (fills.isEmpty()) {
            return;
        }
        fills.sort(Comparator.comparingInt(Fill::request));
        Set<Key> keys = new TreeSet<>();
        fills.forEach(f -> keys.add(f.key()));
        PositionLedger ledger = new PositionLedger();
        Set<Key> missing = new TreeSet<>(keys);
        missing.removeAll(lockRows(c, keys, ledger));
        if (!missing.isEmpty()) {
            // A position's first fill; another replica's may insert the same row first, hence DO NOTHING.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO positions (exchange, symbol, strategy, "
                    + "quantity, cost) VALUES (?, ?, ?, 0, 0) ON CONFLICT DO NOTHING")) {
                for (Key key : missing) {
                    bindKey(ps, 1, key);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            lockRows(c, missing, ledger);
        }
        for (Fill f : fills) {
            ledger.fill(f.key().exchange(), f.key().symbol(), f.key().strategy(), f.side(), f.quantity(), f.cost());
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE positions SET quantity = ?, cost = ? WHERE exchange = ? AND symbol = ? AND strategy = ?")) {
            SQLException[] failed = new SQLException[1];
            ledger.forEachBook((exchange, symbol, strategy, quantity, cost) -> {
                try {
                    ps.setBigDecimal(1, quantity.setScale(SCALE, RoundingMode.HALF_EVEN));
                    ps.setBigDecimal(2, cost.setScale(SCALE, RoundingMode.HALF_EVEN));
                    bindKey(ps, 3, new Key(exchange, symbol, strategy));
                    ps.addBatch();
                } catch (SQLException e) {
                    failed[0] = e;
                }
            });
            if (failed[0] != null) {
                throw failed[0];
            }
            ps.executeBatch();
        }
    }

    /** Locks the rows of {@code keys} that exist, in key order, into {@code ledger}; returns their keys. */
    private static Set<Key> lockRows(Connection c, Set<Key> keys, PositionLedger ledger) throws SQLException {
        Set<Key> found = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT exchange, symbol, strategy, quantity, cost FROM positions "
                + "WHERE (exchange, symbol, strategy) IN (" + MultiRow.placeholders(3, keys.size()) + ") "
                + "ORDER BY exchange, symbol, strategy FOR UPDATE")) {
            int p = 1;
            for (Key key : keys) {
                p = bindKey(ps, p, key);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Key key = new Key(rs.getString(1), rs.getString(2), rs.getString(3));
                    ledger.restore(key.exchange(), key.symbol(), key.strategy(), rs.getBigDecimal(4), rs.getBigDecimal(5));
                    found.add(key);
                }
            }
        }
        return found;
    }

    /**
     * Whether some order's fills are not in the positions (after an upgrade, or while a replica of the previous
     * version runs): one probe of orders_unpositioned, an index that is otherwise empty.
     */
    static boolean behind(Connection c) throws SQLException {
        // Ordered as the index is: a plan made before the table's first statistics (a plan is cached for the
        // connection's life) would otherwise scan the whole table for the one row it expects to find at once.
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM orders WHERE " + UNPOSITIONED
                + " ORDER BY updated_at, order_id LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /**
     * Positions up to {@link #CATCH_UP_GROUP} orders whose fills the positions do not hold, oldest first, in one
     * transaction; returns how many.
     */
    static int catchUp(Connection c) throws SQLException {
        List<String> ids = new ArrayList<>();
        List<Holding> holdings = new ArrayList<>();
        List<BigDecimal> executed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + HOLDING_COLUMNS + " FROM orders WHERE "
                + UNPOSITIONED + " ORDER BY updated_at, order_id LIMIT " + CATCH_UP_GROUP + " FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString("order_id"));
                holdings.add(new Holding(rs));
                executed.add(rs.getBigDecimal("executed_quantity"));
            }
        }
        List<Fill> fills = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE orders SET positioned_quantity = ?, positioned_cost = ? WHERE order_id = ?")) {
            for (int i = 0; i < ids.size(); i++) {
                Holding h = holdings.get(i);
                Positioned positioned = h.positioned(executed.get(i), null);
                if (positioned == null) {
                    continue;
                }
                h.applied(i, positioned, null, fills);
                ps.setBigDecimal(1, positioned.quantity());
                ps.setBigDecimal(2, positioned.cost());
                ps.setString(3, ids.get(i));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        add(c, fills);
        return ids.size();
    }

    /**
     * The positions of one exchange and symbol (all when {@code exchange} is null) as the rows hold them, with
     * the open sells of {@code openOrders} counted in.
     */
    static List<Position> read(Connection c, String exchange, String symbol, List<Order> openOrders)
            throws SQLException {
        PositionLedger ledger = new PositionLedger();
        try (PreparedStatement ps = c.prepareStatement("SELECT exchange, symbol, strategy, quantity, cost FROM positions"
                + (exchange == null ? "" : " WHERE exchange = ? AND symbol = ?")
                + " ORDER BY exchange, symbol, strategy")) {
            if (exchange != null) {
                ps.setString(1, exchange);
                ps.setString(2, symbol);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ledger.restore(rs.getString(1), rs.getString(2), strategy(rs.getString(3)),
                            rs.getBigDecimal(4), rs.getBigDecimal(5));
                }
            }
        }
        return ledger.positions(exchange, symbol, openOrders);
    }

    private static int bindKey(PreparedStatement ps, int p, Key key) throws SQLException {
        ps.setString(p++, key.exchange());
        ps.setString(p++, key.symbol());
        ps.setString(p++, key.strategy());
        return p;
    }

    /** An order's strategy as the key of its position row: none is ''. */
    private static String stored(String strategy) {
        return strategy == null ? "" : strategy;
    }

    /** A position row's strategy as orders name it. */
    private static String strategy(String stored) {
        return stored.isEmpty() ? null : stored;
    }

    private static BigDecimal orZero(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value;
    }
}
