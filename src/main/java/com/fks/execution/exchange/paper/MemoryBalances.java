package com.fks.execution.exchange.paper;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The balances of the embedded book (one process owns its H2 file), kept in memory instead of in rows: a fill
 * writes its order row and nothing else. They are what the book's own orders say (a fill moves base and quote,
 * a resting order locks what it locks), worked out with a few aggregate queries when the book opens, and then
 * checked and moved inside the book's writes, by its writer thread, in the order the order rows are written.
 *
 * <p>A write's moves are pending until its transaction commits: only then do they count for the reads and for
 * the next transaction; a rollback drops them (the writer runs a failed group again, write by write, from
 * scratch), and a commit that failed, whose outcome is unknown, makes the balances be worked out again from the
 * book before the next write. The writer learns how each transaction ended through {@link WatchedTransactions}.
 *
 * <p>A book an earlier version kept with balance rows (paper_balances: running sums written with each order)
 * is taken over once, in one transaction: what a row holds beyond what the orders say (nothing, unless an
 * amount had more than 18 decimals and was rounded differently) goes to paper_balance_carry, and the rows are
 * deleted, so the book opens with the balances it had.
 */
final class MemoryBalances implements WatchedTransactions.Listener {
    /** Amounts are kept as DECIMAL(38, 18), and H2 rounds a longer one half up as it stores it. */
    private static final int SCALE = 18;

    /** What fills moved and resting orders lock of one asset. */
    private record Moved(BigDecimal traded, BigDecimal locked) {
        static final Moved NONE = new Moved(BigDecimal.ZERO, BigDecimal.ZERO);

        Moved plus(BigDecimal moreTraded, BigDecimal moreLocked) {
            return new Moved(traded.add(moreTraded), locked.add(moreLocked));
        }

        Moved plus(Moved more) {
            return plus(more.traded, more.locked);
        }
    }

    private final Map<String, BigDecimal> starting;
    /** By asset, as committed; read by any thread, so guarded by itself. */
    private final Map<String, Moved> committed = new HashMap<>();
    /** The moves of the writer's open transaction: its thread's alone. */
    private final Map<String, Moved> pending = new HashMap<>();
    /** Not yet worked out from the book, or a commit's outcome is unknown: work them out before using them. */
    private volatile boolean stale = true;
    /** Worked out inside the open transaction, which may still roll the take-over of balance rows back. */
    private boolean loadedInTransaction;

    MemoryBalances(Map<String, BigDecimal> starting) {
        this.starting = Map.copyOf(starting);
    }

    /** The amount as the book stores it, so what memory moves is what the orders say when worked out again. */
    static BigDecimal stored(BigDecimal amount) {
        return amount.scale() <= SCALE ? amount : amount.setScale(SCALE, RoundingMode.HALF_UP);
    }

    boolean stale() {
        return stale;
    }

    /**
     * Works the balances out when the book opens, before its first write, in a transaction of its own: on a book
     * of many orders this takes seconds, which the writer's callers must not wait for.
     */
    void open(DataSource book) throws SQLException {
        try (Connection c = book.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                load(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                stale = true;
                throw e;
            } finally {
                loadedInTransaction = false;
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /** First thing in each of the writer's writes: works the balances out from the book when they must be. */
    void beforeWrite(Connection c) throws SQLException {
        if (!stale) {
            return;
        }
        if (!pending.isEmpty()) {
            // The book as this transaction sees it already holds these moves: counting it would count them twice.
            throw new SQLException("paper balances went stale inside a transaction that moved them");
        }
        load(c);
    }

    /** Free in the writer's transaction: the committed balances and this transaction's moves so far. */
    BigDecimal free(String asset) {
        return free(asset, committedOf(asset).plus(pending.getOrDefault(asset, Moved.NONE)));
    }

    private BigDecimal free(String asset, Moved moved) {
        return starting.getOrDefault(asset, BigDecimal.ZERO).add(moved.traded).subtract(moved.locked);
    }

    /** A move inside the writer's transaction, counted once it commits. */
    void move(String asset, BigDecimal traded, BigDecimal locked) {
        pending.merge(asset, new Moved(traded, locked), Moved::plus);
    }

    /** Free as committed, for any thread (stale balances are the caller's to refresh first). */
    BigDecimal committedFree(String asset) {
        return free(asset, committedOf(asset));
    }

    private Moved committedOf(String asset) {
        synchronized (committed) {
            return committed.getOrDefault(asset, Moved.NONE);
        }
    }

    @Override
    public void begins() {
        if (!pending.isEmpty()) {
            // The last transaction ended without a word (its connection closed): whether it committed is unknown.
            pending.clear();
            stale = true;
        }
        loadedInTransaction = false;
    }

    @Override
    public void committed() {
        synchronized (committed) {
            pending.forEach((asset, moved) -> committed.merge(asset, moved, Moved::plus));
        }
        pending.clear();
        loadedInTransaction = false;
    }

    @Override
    public void rolledBack() {
        pending.clear();
        if (loadedInTransaction) {
            stale = true;
        }
        loadedInTransaction = false;
    }

    @Override
    public void outcomeUnknown() {
        pending.clear();
        stale = true;
        loadedInTransaction = false;
    }

    /** Takes over balance rows an earlier version left, then works the balances out from the orders. */
    private void load(Connection c) throws SQLException {
        Map<String, Moved> derived = derive(c);
        Map<String, Moved> rows = read(c, "SELECT asset, traded, locked FROM paper_balances");
        if (!rows.isEmpty()) {
            Map<String, Moved> carry = read(c, "SELECT asset, traded, locked FROM paper_balance_carry");
            try (PreparedStatement merge = c.prepareStatement(
                    "MERGE INTO paper_balance_carry (asset, traded, locked) KEY (asset) VALUES (?, ?, ?)");
                 Statement delete = c.createStatement()) {
                for (Map.Entry<String, Moved> row : rows.entrySet()) {
                    Moved explained = derived.getOrDefault(row.getKey(), Moved.NONE);
                    Moved carried = carry.getOrDefault(row.getKey(), Moved.NONE);
                    merge.setString(1, row.getKey());
                    merge.setBigDecimal(2, carried.traded.add(row.getValue().traded).subtract(explained.traded));
                    merge.setBigDecimal(3, carried.locked.add(row.getValue().locked).subtract(explained.locked));
                    merge.addBatch();
                }
                merge.executeBatch();
                delete.executeUpdate("DELETE FROM paper_balances");
            }
        }
        read(c, "SELECT asset, traded, locked FROM paper_balance_carry").forEach((asset, carried) ->
                derived.merge(asset, carried, Moved::plus));
        synchronized (committed) {
            committed.clear();
            committed.putAll(derived);
        }
        stale = false;
        loadedInTransaction = true;
    }

    /**
     * {traded, locked} by asset as the orders say: fills move base and quote (a buy's cost rounded up, a sell's
     * proceeds down, as each fill moved them), resting orders lock their locked_amount. Fills an earlier version
     * made before the account had balances have no assets and move nothing.
     */
    private static Map<String, Moved> derive(Connection c) throws SQLException {
        Map<String, Moved> balances = new HashMap<>();
        // Costs as integers of 10^-18, each rounded as its fill was: sums of exact integers, then scaled back.
        String[] queries = {
                "SELECT base_asset, SUM(CASE WHEN side = 'BUY' THEN quantity ELSE -quantity END), 0 "
                        + "FROM paper_orders WHERE status = 'FILLED' AND base_asset IS NOT NULL GROUP BY base_asset",
                "SELECT quote_asset, SUM(CASE WHEN side = 'BUY' THEN -CEILING(quantity * price * 1000000000000000000) "
                        + "ELSE FLOOR(quantity * price * 1000000000000000000) END), 18 "
                        + "FROM paper_orders WHERE status = 'FILLED' AND base_asset IS NOT NULL GROUP BY quote_asset",
                "SELECT CASE WHEN side = 'BUY' THEN quote_asset ELSE base_asset END, SUM(locked_amount), -1 "
                        + "FROM paper_orders WHERE status = 'OPEN' AND base_asset IS NOT NULL "
                        + "GROUP BY CASE WHEN side = 'BUY' THEN quote_asset ELSE base_asset END"};
        try (Statement s = c.createStatement()) {
            for (String query : queries) {
                try (ResultSet rs = s.executeQuery(query)) {
                    while (rs.next()) {
                        BigDecimal sum = rs.getBigDecimal(2);
                        int kind = rs.getInt(3);
                        balances.merge(rs.getString(1), kind < 0 ? new Moved(BigDecimal.ZERO, sum)
                                : new Moved(sum.movePointLeft(kind), BigDecimal.ZERO), Moved::plus);
                    }
                }
            }
        }
        return balances;
    }

    private static Map<String, Moved> read(Connection c, String query) throws SQLException {
        Map<String, Moved> rows = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                rows.put(rs.getString(1), new Moved(rs.getBigDecimal(2), rs.getBigDecimal(3)));
            }
        }
        return rows;
    }
}
