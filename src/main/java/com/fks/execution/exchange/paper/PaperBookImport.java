package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What {@link MapPaperBook} takes over when its file is new: the SQL book an earlier version kept
 * (DATA_DIR/paper-exchange.mv.db, paper_orders and its balances), or, older still, the fills the store's own database
 * kept. A venue does not forget what it filled or what rests, nor the balances they moved: an order reconciled after
 * the upgrade is found, not sent again. The earlier file is only read (and brought up to its last schema, as the SQL
 * book did on every start); it is left where it was.
 */
public final class PaperBookImport {
    /** The SQL book's file in DATA_DIR (H2 adds .mv.db to the name it was opened with). */
    public static final String EARLIER_FILE = "paper-exchange.mv.db";

    /** One order of the earlier book. */
    record Order(String clientOrderId, PaperOrderRecord record) {
    }

    /**
     * An earlier book: its orders, and {traded, locked} by asset as it would have opened with them.
     *
     * @param source where it was read, for the log line
     */
    public record Earlier(String source, List<Order> orders, Map<String, BigDecimal[]> moved) {
        public static Earlier none() {
            return new Earlier("nothing", List.of(), Map.of());
        }
    }

    private PaperBookImport() {
    }

    /**
     * The earlier book of {@code dataDir}: its SQL book when there is one (with the store's fills it had not taken
     * yet, as it would have taken them), else the fills the store's database kept, else none.
     *
     * @param store the embedded store's database, asked only when there is something to look for
     */
    public static MapPaperBook.EarlierBook in(Path dataDir, Supplier<DataSource> store) {
        return () -> {
            Path earlierFile = dataDir.resolve(EARLIER_FILE);
            if (Files.exists(earlierFile)) {
                try (HikariDataSource book = JdbcPaperBookDatabase.open(dataDir)) {
                    JdbcPaperBookDatabase.importFrom(store.get(), book);
                    JdbcPaperBookDatabase.ensureCarry(book);
                    return read(book, earlierFile.toString());
                }
            }
            return read(store.get(), "the store's database");
        };
    }

    /**
     * Every order of a paper_orders table, of whichever version, and the balances they moved (none for the fills
     * of the first version, which had no balances); none when there is no such table.
     */
    static Earlier read(DataSource dataSource, String source) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Set<String> columns = columns(c);
            if (columns.isEmpty()) {
                return Earlier.none();
            }
            boolean balances = columns.contains("BASE_ASSET");
            List<Order> orders = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM paper_orders")) {
                while (rs.next()) {
                    orders.add(new Order(rs.getString("client_order_id"), record(rs, balances)));
                }
            }
            return new Earlier(source, orders, balances ? MemoryBalances.movedBy(c) : Map.of());
        }
    }

    private static Set<String> columns(Connection c) throws SQLException {
        Set<String> columns = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM paper_orders WHERE 1 = 0")) {
            ResultSetMetaData meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnName(i).toUpperCase(Locale.ROOT));
            }
        } catch (SQLException e) {
            return Set.of(); // no paper_orders: nothing to take over
        }
        return columns;
    }

    private static PaperOrderRecord record(ResultSet rs, boolean current) throws SQLException {
        long filledAt = rs.getLong("filled_at");
        Long filled = rs.wasNull() ? null : filledAt;
        if (!current) {
            // the first version kept fills only, before the account had balances
            return new PaperOrderRecord(ExchangeOrderStatus.FILLED, rs.getString("exchange_order_id"),
                    rs.getString("symbol"), Side.valueOf(rs.getString("side")),
                    OrderType.valueOf(rs.getString("order_type")), strip(rs.getBigDecimal("quantity")),
                    strip(rs.getBigDecimal("price")), filled, null, null, null, null, null, null);
        }
        long placedAt = rs.getLong("placed_at");
        Long placed = rs.wasNull() ? null : placedAt;
        ExchangeOrderStatus status = ExchangeOrderStatus.valueOf(rs.getString("status"));
        return new PaperOrderRecord(status, rs.getString("exchange_order_id"), rs.getString("symbol"),
                Side.valueOf(rs.getString("side")), OrderType.valueOf(rs.getString("order_type")),
                strip(rs.getBigDecimal("quantity")), strip(rs.getBigDecimal("price")), filled, strip(rs.getBigDecimal("limit_price")),
                strip(rs.getBigDecimal("stop_price")), rs.getString("base_asset"), rs.getString("quote_asset"),
                status == ExchangeOrderStatus.OPEN ? strip(rs.getBigDecimal("locked_amount")) : null, placed);
    }

    private static BigDecimal strip(BigDecimal value) {
        return value == null ? null : value.stripTrailingZeros();
    }
}
