package com.fks.execution.exchange.paper;

import com.fks.execution.order.ClosedH2ConnectionEviction;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The JDBC paper book's own database beside an embedded store: an H2 file (DATA_DIR/paper-exchange) that keeps its
 * commits in memory and writes them at checkpoints, once a second ({@link JdbcPaperBook}), and a log of the book's
 * changes beside it (DATA_DIR/paper-exchange-log, {@link PaperBookLog}) that each commit reaches first, so a fill
 * survives a kill -9 like a real venue's record of it (forced once a second, not at each commit: a simulated venue,
 * off the webhook's path). Apart from the order view, which may lag, and from the order journal, which is the
 * service's own word. Its pool evicts dead connections as the store's does: the layering lets the exchange's JDBC
 * code, and only it, use the order store's JDBC helpers.
 *
 * <p>The book's schema is its own, on H2 and on PostgreSQL alike (where the store's first migration made
 * paper_orders as fills only): {@link #ensureSchema} brings a book of any earlier version up to date in place.
 */
public final class JdbcPaperBookDatabase {
    /** Fills, resting orders and their ends; amounts as DECIMAL(38, 18), like the store's. */
    private static final String ORDERS = "CREATE TABLE IF NOT EXISTS paper_orders ("
            + "client_order_id VARCHAR(40) NOT NULL PRIMARY KEY, exchange_order_id VARCHAR(64) NOT NULL, "
            + "symbol VARCHAR(32) NOT NULL, side VARCHAR(4) NOT NULL, order_type VARCHAR(16) NOT NULL, "
            + "quantity DECIMAL(38, 18) NOT NULL, price DECIMAL(38, 18), filled_at BIGINT, "
            + "status VARCHAR(10) DEFAULT 'FILLED' NOT NULL, limit_price DECIMAL(38, 18), stop_price DECIMAL(38, 18), "
            + "base_asset VARCHAR(16), quote_asset VARCHAR(16), locked_amount DECIMAL(38, 18), placed_at BIGINT)";
    /**
     * From the first version's paper_orders (fills only: order_type VARCHAR(8) could not hold STOP_LOSS, price
     * and filled_at were never empty) to the one above. Each statement is a no-op on a book already up to date,
     * and each is valid on both H2 and PostgreSQL. The rows of the first version are fills made before the paper
     * account had balances: their assets stay empty, and they move no balance.
     */
    private static final List<String> UPGRADE = List.of(
            "ALTER TABLE paper_orders ALTER COLUMN order_type SET DATA TYPE VARCHAR(16)",
            "ALTER TABLE paper_orders ALTER COLUMN price DROP NOT NULL",
            "ALTER TABLE paper_orders ALTER COLUMN filled_at DROP NOT NULL",
            "ALTER TABLE paper_orders ADD COLUMN IF NOT EXISTS status VARCHAR(10) DEFAULT 'FILLED' NOT NULL",
            "ALTER TABLE paper_orders ADD COLUMN IF NOT EXISTS limit_price DECIMAL(38, 18)",
            "ALTER TABLE paper_orders ADD COLUMN IF NOT EXISTS stop_price DECIMAL(38, 18)",
            "ALTER TABLE paper_orders ADD COLUMN IF NOT EXISTS base_asset VARCHAR(16)",
            "ALTER TABLE paper_orders ADD COLUMN IF NOT EXISTS quote_asset VARCHAR(16)",
            "ALTER TABLE paper_orders ADD COLUMN IF NOT EXISTS locked_amount DECIMAL(38, 18)",
            "ALTER TABLE paper_orders ADD COLUMN IF NOT EXISTS placed_at BIGINT",
            // Each price an alert brings looks up the resting orders of its symbol.
            "CREATE INDEX IF NOT EXISTS paper_orders_resting ON paper_orders (symbol, status)",
            // What fills and locks moved, per asset: free = PAPER_BALANCES + traded - locked. Kept as running
            // sums, written in the same transaction as the order that moves them, by a book replicas share; the
            // embedded book keeps them in memory and takes over the rows an earlier version left (ensureCarry).
            "CREATE TABLE IF NOT EXISTS paper_balances (asset VARCHAR(16) NOT NULL PRIMARY KEY, "
                    + "traded DECIMAL(38, 18) NOT NULL, locked DECIMAL(38, 18) NOT NULL)");
    /** The H2 book's file under DATA_DIR, which {@link MapPaperBook} replaced. */
    static final String FILE = "paper-exchange.mv.db";
    /** The first version's columns, which an import from the store's database copies. */
    private static final String COLUMNS = "client_order_id, exchange_order_id, symbol, side, order_type, quantity, "
            + "price, filled_at";

    private JdbcPaperBookDatabase() {
    }

    /** The embedded book's log of changes under {@code dataDir}: what {@link JdbcPaperBook#embedded} needs. */
    public static Path logFolder(Path dataDir) {
        return dataDir.resolve("paper-exchange-log");
    }

    /**
     * Opens (creating or upgrading) the book's file under {@code dataDir}; the book replays its log into it when
     * it opens ({@link JdbcPaperBook#open}).
     */
    public static HikariDataSource open(Path dataDir) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("fks-paper-book");
        config.setJdbcUrl("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("paper-exchange")
                + ";WRITE_DELAY=1000;FILE_LOCK=FILE;LOCK_TIMEOUT=5000;CACHE_SIZE=2048");
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(1000);
        config.setInitializationFailTimeout(10_000);
        // Like the store's: H2 closes this database too when a write fails (a full disk shared with the store),
        // and only fresh connections open it again once there is room.
        ClosedH2ConnectionEviction eviction = new ClosedH2ConnectionEviction();
        config.setExceptionOverride(eviction);
        HikariDataSource dataSource = new HikariDataSource(config);
        eviction.evictingAllOf(dataSource.getHikariPoolMXBean());
        try {
            ensureSchema(dataSource);
        } catch (SQLException e) {
            dataSource.close();
            throw new IllegalStateException("cannot open the paper exchange's book in " + dataDir + ": "
                    + e.getMessage(), e);
        }
        return dataSource;
    }

    /**
     * Creates the book's tables, or upgrades those of an earlier version in place; does nothing to a book that
     * is up to date. Replicas sharing PostgreSQL may run it at once: the first ALTER locks paper_orders, so the
     * others wait and then find nothing left to do.
     */
    public static void ensureSchema(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (upToDate(c)) {
                return;
            }
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(ORDERS);
                for (String statement : UPGRADE) {
                    s.execute(statement);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /**
     * The embedded book keeps its balances in memory, worked out from its orders ({@link MemoryBalances}); this
     * table keeps what balance rows an earlier version wrote held beyond what the orders say, once they are taken
     * over. Not made on a shared book, whose balances stay rows.
     */
    static void ensureCarry(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS paper_balance_carry (asset VARCHAR(16) NOT NULL PRIMARY KEY, "
                    + "traded DECIMAL(38, 18) NOT NULL, locked DECIMAL(38, 18) NOT NULL)");
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    private static boolean upToDate(Connection c) {
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT placed_at FROM paper_orders WHERE 1 = 0").close();
            s.executeQuery("SELECT traded FROM paper_balances WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            return false;
        } finally {
            try {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            } catch (SQLException ignored) {
                // the upgrade's own statements will say what is wrong with this connection
            }
        }
    }

    /**
     * Copies the fills an earlier version kept in the store's own database (table paper_orders there), once:
     * a venue does not forget what it filled, so an order reconciled after the upgrade is found, not re-sent.
     */
    public static int importFrom(DataSource earlier, DataSource book) throws SQLException {
        try (Connection to = book.getConnection(); Statement count = to.createStatement();
             ResultSet existing = count.executeQuery("SELECT COUNT(*) FROM paper_orders")) {
            existing.next();
            if (existing.getLong(1) > 0) {
                return 0;
            }
            int copied = 0;
            try (Connection from = earlier.getConnection(); Statement select = from.createStatement();
                 ResultSet rows = select.executeQuery("SELECT " + COLUMNS + " FROM paper_orders");
                 PreparedStatement insert = to.prepareStatement("INSERT INTO paper_orders (" + COLUMNS
                         + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                while (rows.next()) {
                    for (int i = 1; i <= 8; i++) {
                        insert.setObject(i, rows.getObject(i));
                    }
                    insert.addBatch();
                    copied++;
                }
                insert.executeBatch();
            }
            return copied;
        }
    }

    /**
     * What an embedded book of an earlier version holds, for {@link MapPaperBook} to take over when its file is
     * new: the H2 book under {@code dataDir} (opened as that version would: its log replayed, balance rows of the
     * version before taken over), with the fills of the first version, which were kept in the store's own
     * database ({@code store}). Nothing when there is neither.
     */
    public static MapPaperBook.Earlier earlier(Path dataDir, Supplier<DataSource> store,
                                               Map<String, BigDecimal> startingBalances) {
        return into -> {
            if (!Files.exists(dataDir.resolve(FILE)) && !hasFills(store.get())) {
                return;
            }
            try (HikariDataSource file = open(dataDir)) {
                importFrom(store.get(), file);
                try (JdbcPaperBook book = JdbcPaperBook.embedded(file, startingBalances, logFolder(dataDir))) {
                    book.open();
                }
                try (Connection c = file.getConnection(); Statement s = c.createStatement()) {
                    s.setFetchSize(1_000);
                    try (ResultSet rs = s.executeQuery("SELECT " + JdbcPaperBook.ORDER_ROW + " FROM paper_orders")) {
                        int columns = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            Object[] row = new Object[columns];
                            for (int i = 0; i < columns; i++) {
                                Object value = rs.getObject(i + 1);
                                row[i] = value instanceof Number n && !(value instanceof BigDecimal)
                                        ? Long.valueOf(n.longValue()) : value;
                            }
                            into.row(row);
                        }
                    }
                    try (ResultSet rs = s.executeQuery("SELECT asset, traded, locked FROM paper_balance_carry")) {
                        while (rs.next()) {
                            into.carry(rs.getString(1), rs.getBigDecimal(2), rs.getBigDecimal(3));
                        }
                    }
                }
            }
        };
    }

    private static boolean hasFills(DataSource store) throws SQLException {
        try (Connection c = store.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM paper_orders")) {
            return rs.next() && rs.getLong(1) > 0;
        }
    }
}
