package com.fks.execution.exchange.paper;

import com.fks.execution.config.Settings;
import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.Database;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The paper exchange's book in a file of its own: taking over the fills an earlier version kept in the store's
 * database, and bringing a book of the first version (fills only) up to date in place, on H2 and PostgreSQL.
 */
final class JdbcPaperBookDatabaseTest {
    /** paper_orders as the first version made it, in its own file and in the store's migration V1. */
    private static final String FIRST_VERSION = "CREATE TABLE paper_orders ("
            + "client_order_id VARCHAR(40) NOT NULL PRIMARY KEY, exchange_order_id VARCHAR(64) NOT NULL, "
            + "symbol VARCHAR(32) NOT NULL, side VARCHAR(4) NOT NULL, order_type VARCHAR(8) NOT NULL, "
            + "quantity DECIMAL(38, 18) NOT NULL, price DECIMAL(38, 18) NOT NULL, filled_at BIGINT NOT NULL)";

    @TempDir
    Path dataDir;

    @Test
    void shouldTakeOverTheFillsOfTheStoresDatabaseOnceAndFindThemByClientOrderId() throws Exception {
        // given fills kept, as earlier versions did, in the store's own database
        try (HikariDataSource store = Database.open(new Settings.Database(null, null, null), dataDir);
             HikariDataSource book = JdbcPaperBookDatabase.open(dataDir)) {
            earlierFill(store, "fks1", "p1", "64000");
            earlierFill(store, "fks2", "p2", "64001");

            // when the book of its own opens beside it
            int imported = JdbcPaperBookDatabase.importFrom(store, book);
            int again = JdbcPaperBookDatabase.importFrom(store, book);

            // then the fills are there, once, and a lookup after the upgrade finds them instead of filling again
            assertThat(imported).isEqualTo(2);
            assertThat(again).isZero();
            try (PaperBook paper = new JdbcPaperBook(book)) {
                assertThat(paper.fills()).extracting(PaperBook.Fill::clientOrderId).containsExactlyInAnyOrder("fks1", "fks2");
                assertThat(paper.find("fks2")).get().satisfies(o -> {
                    assertThat(o.exchangeOrderId()).isEqualTo("p2");
                    assertThat(o.status()).isEqualTo(ExchangeOrderStatus.FILLED);
                });
            }
        }
    }

    @Test
    void shouldUpgradeAPaperBookFileOfTheFirstVersionInPlace() throws Exception {
        // given a DATA_DIR/paper-exchange file written by the first version: one fill
        JdbcDataSource file = new JdbcDataSource();
        file.setURL("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("paper-exchange"));
        file.setUser("sa");
        try (Connection c = file.getConnection(); Statement s = c.createStatement()) {
            s.execute(FIRST_VERSION);
        }
        earlierFill(file, "fks-old", "p-old", "64000");

        // when the book opens it
        try (HikariDataSource book = JdbcPaperBookDatabase.open(dataDir)) {
            thenTheBookIsUpToDate(JdbcPaperBook.embedded(book, Map.of("USDT", new BigDecimal("1000")),
                    JdbcPaperBookDatabase.logFolder(dataDir)));
        }
    }

    @Test
    void shouldUpgradeThePaperBookOfTheSharedPostgresqlStoreInPlace() throws Exception {
        // given PostgreSQL migrated by the store, whose first migration made paper_orders as fills only
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
             HikariDataSource store = Database.open(new Settings.Database(postgres.getJdbcUrl("postgres", "postgres"),
                     "postgres", null), dataDir)) {
            earlierFill(store, "fks-old", "p-old", "64000");

            // when the book is used on it, then
            thenTheBookIsUpToDate(JdbcPaperBook.shared(store, Map.of("USDT", new BigDecimal("1000"))));

            // and two replicas' books (each its own writer) buying at once never spend more than the account has
            Map<String, BigDecimal> account = Map.of("USD", new BigDecimal("100"));
            try (PaperBook first = JdbcPaperBook.shared(store, account);
                 PaperBook second = JdbcPaperBook.shared(store, account)) {
                List<PaperExchange> replicas = List.of(new PaperExchange(first, Duration.ZERO, 0, Clock.systemUTC()),
                        new PaperExchange(second, Duration.ZERO, 0, Clock.systemUTC()));
                ExecutorService pool = Executors.newFixedThreadPool(8);
                List<Future<Boolean>> filled = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    PaperExchange replica = replicas.get(i % 2);
                    OrderRequest buy = new OrderRequest("fks-pg-" + i, "ETHUSD", Side.BUY, OrderType.MARKET,
                            new BigDecimal("0.01"), null, new BigDecimal("1000"));
                    filled.add(pool.submit(() -> {
                        try {
                            return replica.place(buy).status() == ExchangeOrderStatus.FILLED;
                        } catch (ExchangeException e) {
                            assertThat(e.exchangeCode()).isEqualTo("insufficient_balance");
                            return false;
                        }
                    }));
                }
                int fills = 0;
                for (Future<Boolean> f : filled) {
                    fills += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
                }
                pool.shutdownNow();
                assertThat(fills).isEqualTo(10);
                assertThat(replicas.get(0).freeBalance("USD")).isZero();
                assertThat(replicas.get(1).freeBalance("ETH")).isEqualByComparingTo("0.1");
            }
        }
    }

    /** The old fill is found and moves no balance; a stop-loss (too long a type for the first version) rests. */
    private static void thenTheBookIsUpToDate(PaperBook opened) throws Exception {
        try (PaperBook book = opened) {
            PaperExchange paper = new PaperExchange(book, Duration.ZERO, 0, Clock.systemUTC());
            assertThat(paper.lookup("BTCUSDT", "fks-old")).get().satisfies(o -> {
                assertThat(o.status()).isEqualTo(ExchangeOrderStatus.FILLED);
                assertThat(o.averagePrice()).isEqualByComparingTo("64000");
            });
            assertThat(paper.freeBalance("BTC")).isZero();
            paper.observePrice("BTCUSDT", new BigDecimal("100"));
            paper.place(new OrderRequest("fks-buy", "BTCUSDT", Side.BUY, OrderType.MARKET, new BigDecimal("2"), null,
                    null));
            ExchangeOrder stop = paper.place(new OrderRequest("fks-stop", "BTCUSDT", Side.SELL, OrderType.STOP_LOSS,
                    new BigDecimal("2"), null, null, new BigDecimal("90"), null));
            assertThat(stop.status()).isEqualTo(ExchangeOrderStatus.OPEN);
            paper.observePrice("BTCUSDT", new BigDecimal("89.5"));
            assertThat(paper.lookup("BTCUSDT", "fks-stop")).get().extracting(ExchangeOrder::status)
                    .isEqualTo(ExchangeOrderStatus.FILLED);
            assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("979");
            assertThat(book.fills()).extracting(PaperBook.Fill::clientOrderId)
                    .containsExactly("fks-old", "fks-buy", "fks-stop");
        }
    }

    private static void earlierFill(DataSource dataSource, String clientOrderId, String exchangeOrderId, String price)
            throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO paper_orders (client_order_id, exchange_order_id, symbol, side, order_type, "
                    + "quantity, price, filled_at) VALUES ('" + clientOrderId + "', '" + exchangeOrderId
                    + "', 'BTCUSDT', 'BUY', 'MARKET', 0.01, " + price + ", 1)");
        }
    }
}
