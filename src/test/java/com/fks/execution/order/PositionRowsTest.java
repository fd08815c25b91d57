package com.fks.execution.order;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PostgreSQL store's positions as rows: exact when two replicas fill one position at once, and after an
 * upgrade (or beside a replica of the previous version) every fill written without its position is folded in
 * once. Each test has a database of its own; the ledger of every fill ({@link OrderReads#positions}) is the
 * reference.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class PositionRowsTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Duration DAY = Duration.ofHours(24);
    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    @Test
    void shouldKeepAPositionExactWhenTwoReplicasFillItAtOnce() throws Exception {
        // given two replicas on one database, each with two threads filling 60 buys of one position
        String database = newDatabase();
        JdbcOrderStore a = store(TestDatabases.openPostgres(database));
        JdbcOrderStore b = store(TestDatabases.openPostgres(database));
        List<Callable<Void>> fillers = new ArrayList<>();
        BigDecimal expectedCost = BigDecimal.ZERO;
        for (int t = 0; t < 4; t++) {
            JdbcOrderStore replica = t % 2 == 0 ? a : b;
            String owner = t % 2 == 0 ? "replica-a" : "replica-b";
            int thread = t;
            fillers.add(() -> {
                for (int i = 0; i < 60; i++) {
                    String id = "t" + thread + "-" + i;
                    replica.record(order(id, Side.BUY, T0), owner, T0.plus(DAY), DAY);
                    replica.transition(id, owner, OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), T0);
                    assertThat(replica.transition(id, owner, filled(OrderStatus.SUBMITTING, "0.001",
                            String.valueOf(100 + i)), T0.plusMillis(i))).isTrue();
                }
                return null;
            });
            for (int i = 0; i < 60; i++) {
                expectedCost = expectedCost.add(new BigDecimal("0.001").multiply(BigDecimal.valueOf(100 + i)));
            }
        }

        // when they all run at once
        runTogether(fillers);

        // then every fill is in the position once, as either replica reads it
        Position held = a.position("paper", "ETHUSDT", "trend");
        assertThat(held.quantity()).isEqualByComparingTo("0.24");
        assertThat(held.averageEntryPrice().multiply(held.quantity())).isEqualByComparingTo(expectedCost);
        assertThat(b.positions("paper", "ETHUSDT")).isEqualTo(a.positions("paper", "ETHUSDT"));
        assertThat(a.positions(null, null)).isEqualTo(everyFill(database));
    }

    @Test
    void shouldFoldInOnceTheFillsWrittenWithoutTheirPosition() throws Exception {
        // given a database with the history of a version that kept no position rows: 1,100 filled buys (more
        // than one catch-up write takes), a sell, an order still open with a partial fill; rows and marks wiped
        String database = newDatabase();
        HikariDataSource pool = TestDatabases.openPostgres(database);
        JdbcOrderStore store = store(pool);
        for (int i = 0; i < 1_100; i++) {
            fill(store, "old-" + i, Side.BUY, "0.01", String.valueOf(1_000 + i % 7), T0.plusMillis(i));
        }
        fill(store, "old-sell", Side.SELL, "2", "1500", T0.plusSeconds(2));
        store.record(order("open", Side.BUY, T0), "replica-a", T0.plus(DAY), DAY);
        store.transition("open", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), T0);
        store.transition("open", "replica-a", new OrderUpdate(OrderStatus.SUBMITTING, OrderStatus.SUBMITTED, null,
                null, "X", new BigDecimal("0.4"), new BigDecimal("990")), T0.plusSeconds(3));
        sql(pool, "UPDATE orders SET positioned_quantity = NULL, positioned_cost = NULL");
        sql(pool, "DELETE FROM positions");
        List<Position> reference = everyFill(database);

        // when the store reads the positions (as the gauges do at start), twice
        List<Position> first = store.positions(null, null);
        List<Position> second = store.positions(null, null);

        // then they are the ledger of every fill, each counted once, and no order is left out of the rows
        assertThat(first).isEqualTo(reference);
        assertThat(second).isEqualTo(reference);
        assertThat(first.get(0).quantity()).isEqualByComparingTo("9.4");
        assertThat(count(pool, "SELECT count(*) FROM orders WHERE " + PositionRows.UNPOSITIONED)).isZero();

        // and when a replica of the previous version fills the open order further (no mark, no row), the next
        // read adds only what its mark does not hold
        sql(pool, "UPDATE orders SET status = 'FILLED', executed_quantity = 1, average_price = 1000 "
                + "WHERE order_id = 'open'");
        Position after = store.position("paper", "ETHUSDT", "trend");
        assertThat(after.quantity()).isEqualByComparingTo("10");
        assertThat(store.positions(null, null)).isEqualTo(everyFill(database));
    }

    private String newDatabase() {
        String name = "positions_" + DATABASES.incrementAndGet();
        opened.add(TestDatabases.freshPostgres(name));
        return name;
    }

    private JdbcOrderStore store(HikariDataSource pool) {
        JdbcOrderStore store = new JdbcOrderStore(pool, pool);
        opened.add(store);
        return store;
    }

    private List<Position> everyFill(String database) {
        try (HikariDataSource pool = TestDatabases.openPostgres(database)) {
            return new OrderReads(pool).positions(null, null);
        }
    }

    private static void fill(JdbcOrderStore store, String id, Side side, String quantity, String price, Instant at) {
        store.record(order(id, side, T0), "replica-a", T0.plus(DAY), DAY);
        store.transition(id, "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), at);
        assertThat(store.transition(id, "replica-a", filled(OrderStatus.SUBMITTING, quantity, price), at)).isTrue();
    }

    private static NewOrder order(String id, Side side, Instant receivedAt) {
        return new NewOrder(id, "alert-" + id, "fks" + id, "paper", "ETHUSDT", side, OrderType.MARKET, BigDecimal.TEN,
                null, null, "trend", "{}", receivedAt);
    }

    private static OrderUpdate filled(OrderStatus from, String executed, String averagePrice) {
        return new OrderUpdate(from, OrderStatus.FILLED, null, null, "X", new BigDecimal(executed),
                new BigDecimal(averagePrice));
    }

    private static void sql(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             var rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void runTogether(List<Callable<Void>> calls) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Void>> futures = new ArrayList<>();
            for (Callable<Void> call : calls) {
                futures.add(threads.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            for (Future<Void> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
