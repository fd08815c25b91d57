package com.fks.execution.exchange.paper;

import com.fks.execution.order.ClosedH2ConnectionEviction;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The JDBC paper book's own database beside an embedded store: an H2 file (DATA_DIR/paper-exchange) whose every
 * commit reaches the file, so a fill survives a kill -9 like a real venue's record of it (it is not forced:
 * a simulated venue, off the webhook's path). Apart from the order view, which may lag, and from the order
 * journal, which is the service's own word. Its pool evicts dead connections as the store's does: the layering
 * lets the exchange's JDBC code, and only it, use the order store's JDBC helpers.
 */
public final class JdbcPaperBookDatabase {
    private static final String SCHEMA = "CREATE TABLE IF NOT EXISTS paper_orders ("
            + "client_order_id VARCHAR(40) NOT NULL PRIMARY KEY, exchange_order_id VARCHAR(64) NOT NULL, "
            + "symbol VARCHAR(32) NOT NULL, side VARCHAR(4) NOT NULL, order_type VARCHAR(8) NOT NULL, "
            + "quantity DECIMAL(38, 18) NOT NULL, price DECIMAL(38, 18) NOT NULL, filled_at BIGINT NOT NULL)";
    private static final String COLUMNS = "client_order_id, exchange_order_id, symbol, side, order_type, quantity, "
            + "price, filled_at";

    private JdbcPaperBookDatabase() {
    }

    /** Opens (creating) the book under {@code dataDir}. */
    public static HikariDataSource open(Path dataDir) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("fks-paper-book");
        config.setJdbcUrl("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("paper-exchange")
                + ";WRITE_DELAY=0;FILE_LOCK=FILE;LOCK_TIMEOUT=5000;CACHE_SIZE=2048");
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
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(SCHEMA);
        } catch (SQLException e) {
            dataSource.close();
            throw new IllegalStateException("cannot open the paper exchange's book in " + dataDir + ": "
                    + e.getMessage(), e);
        }
        return dataSource;
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
}
