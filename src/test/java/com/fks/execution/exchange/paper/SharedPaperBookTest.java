package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The paper book replicas share on PostgreSQL: a group of places is checked order by order against the balances
 * the group has moved so far, and written in a few statements for the whole group.
 */
final class SharedPaperBookTest {
    private static EmbeddedPostgres postgres;
    private final List<HikariDataSource> pools = new ArrayList<>();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void emptyBook() throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS paper_orders, paper_balances");
        }
    }

    @AfterEach
    void closePools() {
        pools.forEach(HikariDataSource::close);
    }

    /** A pool of its own, as each replica has. */
    private HikariDataSource pool() {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        pool.setUsername("postgres");
        pool.setMaximumPoolSize(4);
        pools.add(pool);
        return pool;
    }

    private static PaperExchange paper(PaperBook book) {
        return new PaperExchange(book, Duration.ZERO, 0, Clock.systemUTC());
    }

    private static OrderRequest buy(String clientOrderId, String quantity) {
        return new OrderRequest(clientOrderId, "ETHUSD", Side.BUY, OrderType.MARKET, new BigDecimal(quantity), null,
                null);
    }

    private static OrderRequest limitBuy(String clientOrderId, String quantity, String limit) {
        return new OrderRequest(clientOrderId, "ETHUSD", Side.BUY, OrderType.LIMIT, new BigDecimal(quantity),
                new BigDecimal(limit), null);
    }

    /** The order's status, or the code it was refused with. */
    private static String outcome(PaperExchange paper, OrderRequest request) {
        try {
            return paper.place(request).status().name();
        } catch (ExchangeException e) {
            return e.exchangeCode() != null ? e.exchangeCode() : e.kind().name();
        }
    }

    @Test
    void shouldCheckAGroupsOrdersInTurnAgainstWhatTheGroupSpentAndWriteTheGroupInAFewStatements() throws Exception {
        // given a book with 1000 USD, its rows made by a first buy of 100 USD
        StatementCounter counter = new StatementCounter(pool());
        PaperExchange paper = paper(JdbcPaperBook.shared(counter.dataSource(), Map.of("USD", new BigDecimal("1000"))));
        paper.observePrice("ETHUSD", new BigDecimal("1000"));
        assertThat(outcome(paper, buy("fks-first", "0.1"))).isEqualTo("FILLED");

        // and the book's writer held on the USD row by another transaction while a buy of 100 USD waits for it
        try (Connection holder = postgres.getPostgresDatabase().getConnection()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.executeQuery("SELECT * FROM paper_balances WHERE asset = 'USD' FOR UPDATE").close();
            }
            List<Thread> callers = new ArrayList<>();
            Map<String, String> outcomes = new ConcurrentHashMap<>();
            Map<String, ExchangeOrder> orders = new ConcurrentHashMap<>();
            Thread blocked = new Thread(() -> outcomes.put("fks-blocked", outcome(paper, buy("fks-blocked", "0.1"))));
            blocked.start();
            callers.add(blocked);
            await().atMost(Duration.ofSeconds(20)).until(() -> writerWaitsForALock(holder));

            // when 20 buys of 100 USD each (800 USD left for them: 8 can be paid) and one of them sent again queue up
            for (int i = 0; i < 21; i++) {
                String id = "fks-group-" + (i == 20 ? 0 : i);
                String key = "call-" + i;
                Thread caller = new Thread(() -> {
                    try {
                        orders.put(key, paper.place(buy(id, "0.1")));
                        outcomes.put(key, "FILLED");
                    } catch (ExchangeException e) {
                        outcomes.put(key, e.exchangeCode() != null ? e.exchangeCode() : e.kind().name());
                    }
                });
                caller.start();
                callers.add(caller);
            }
            // each caller waits for its write to commit: all are queued for the writer's next group
            await().atMost(Duration.ofSeconds(2)).until(() -> callers.stream()
                    .allMatch(t -> t.getState() == Thread.State.TIMED_WAITING));
            counter.reset();
            holder.rollback();
            for (Thread caller : callers) {
                caller.join(30_000);
            }

            // then, in the group after the blocked buy, exactly the 8 of the 20 the balance still paid filled
            assertThat(outcomes).hasSize(22);
            List<String> distinct = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                distinct.add(outcomes.get("call-" + i));
            }
            assertThat(distinct).filteredOn("FILLED"::equals).hasSize(8);
            assertThat(distinct).filteredOn("insufficient_balance"::equals).hasSize(12);
            // the id sent twice is one order: both calls got the same answer
            assertThat(outcomes.get("call-20")).isEqualTo(outcomes.get("call-0"));
            assertThat(orders.get("call-20")).isEqualTo(orders.get("call-0"));
            assertThat(paper.freeBalance("USD")).isZero();
            assertThat(paper.freeBalance("ETH")).isEqualByComparingTo("1.0");
            // and two groups (the blocked buy's, then the other 21) took a few statements each, not a few per order
            assertThat(counter.commits()).isLessThanOrEqualTo(3);
            assertThat(counter.executions()).as("statements run for 22 places").isLessThanOrEqualTo(12);
        }
    }

    @Test
    void shouldFillOnlyTheOneOrderTheBalanceAffordsAmongConcurrentPlaces() throws Exception {
        // given 100 USD, and 16 buys of 100 USD each sent at once
        PaperExchange paper = paper(JdbcPaperBook.shared(pool(), Map.of("USD", new BigDecimal("100"))));
        paper.observePrice("ETHUSD", new BigDecimal("1000"));
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                OrderRequest request = buy("fks-one-" + i, "0.1");
                outcomes.add(threads.submit(() -> outcome(paper, request)));
            }
            List<String> results = new ArrayList<>();
            for (Future<String> outcome : outcomes) {
                results.add(outcome.get(60, TimeUnit.SECONDS));
            }

            // then exactly one filled
            assertThat(results).filteredOn("FILLED"::equals).hasSize(1);
            assertThat(results).filteredOn("insufficient_balance"::equals).hasSize(15);
            assertThat(paper.freeBalance("USD")).isZero();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void shouldKeepTwoReplicasWithinTheBalanceWithRowsThatEqualTheRecountOfTheirOrders() throws Exception {
        // given two replicas' books (a pool and a writer each) on one PostgreSQL, 1000 USD
        Map<String, BigDecimal> account = Map.of("USD", new BigDecimal("1000"));
        List<PaperExchange> replicas = List.of(paper(JdbcPaperBook.shared(pool(), account)),
                paper(JdbcPaperBook.shared(pool(), account)));
        replicas.forEach(r -> r.observePrice("ETHUSD", new BigDecimal("1000")));

        // when 120 orders arrive at once across both: market buys of 10 USD, limit buys resting with 9 USD locked
        ExecutorService threads = Executors.newFixedThreadPool(16);
        List<String> results = new ArrayList<>();
        try {
            List<Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                PaperExchange replica = replicas.get(i % 2);
                OrderRequest request = i % 3 == 0 ? limitBuy("fks-two-" + i, "0.01", "900")
                        : buy("fks-two-" + i, "0.01");
                outcomes.add(threads.submit(() -> outcome(replica, request)));
            }
            for (Future<String> outcome : outcomes) {
                results.add(outcome.get(60, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }

        // then only what 1000 USD pays was placed, and less than one order's worth is left free
        int filled = (int) results.stream().filter("FILLED"::equals).count();
        int resting = (int) results.stream().filter("OPEN"::equals).count();
        assertThat(filled + resting + results.stream().filter("insufficient_balance"::equals).count()).isEqualTo(120);
        BigDecimal spent = new BigDecimal("10").multiply(BigDecimal.valueOf(filled))
                .add(new BigDecimal("9").multiply(BigDecimal.valueOf(resting)));
        assertThat(spent).isLessThanOrEqualTo(new BigDecimal("1000"));
        BigDecimal free = replicas.get(0).freeBalance("USD");
        assertThat(free).isEqualByComparingTo(new BigDecimal("1000").subtract(spent));
        assertThat(free).isLessThan(new BigDecimal("10"));
        assertThat(replicas.get(1).freeBalance("ETH")).isEqualByComparingTo(new BigDecimal("0.01").multiply(
                BigDecimal.valueOf(filled)));

        // and the balance rows are what the orders written say
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT b.traded, b.locked, "
                     + "(SELECT -COALESCE(SUM(quantity * price), 0) FROM paper_orders WHERE status = 'FILLED'), "
                     + "(SELECT COALESCE(SUM(locked_amount), 0) FROM paper_orders WHERE status = 'OPEN') "
                     + "FROM paper_balances b WHERE b.asset = 'USD'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getBigDecimal(1)).isEqualByComparingTo(rows.getBigDecimal(3));
            assertThat(rows.getBigDecimal(2)).isEqualByComparingTo(rows.getBigDecimal(4));
        }

        // and a replica started afresh on the same book finds the same balances and resting orders
        try (PaperBook restarted = JdbcPaperBook.shared(pool(), account)) {
            assertThat(restarted.freeBalance("USD")).isEqualByComparingTo(free);
            assertThat(restarted.resting("ETHUSD")).hasSize(resting);
        }
    }

    /** Whether a session other than the holder waits for a row lock (the book's writer, on the held row). */
    private static boolean writerWaitsForALock(Connection holder) throws Exception {
        try (Statement s = holder.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    /**
     * Counts what the book's writer sends PostgreSQL through a real pool: statements executed (a JDBC batch is one)
     * and commits.
     */
    private static final class StatementCounter {
        private final DataSource target;
        private final AtomicInteger executions = new AtomicInteger();
        private final AtomicInteger commits = new AtomicInteger();

        StatementCounter(DataSource target) {
            this.target = target;
        }

        void reset() {
            executions.set(0);
            commits.set(0);
        }

        int executions() {
            return executions.get();
        }

        int commits() {
            return commits.get();
        }

        DataSource dataSource() {
            return proxy(DataSource.class, target, (method, result) -> method.equals("getConnection")
                    ? proxy(Connection.class, result, this::connection) : result);
        }

        private Object connection(String method, Object result) {
            if (method.equals("commit")) {
                commits.incrementAndGet();
            }
            return method.equals("prepareStatement") ? proxy(PreparedStatement.class, result, this::statement) : result;
        }

        private Object statement(String method, Object result) {
            if (method.startsWith("execute")) {
                executions.incrementAndGet();
            }
            return result;
        }

        private interface After {
            Object apply(String method, Object result);
        }

        private static <T> T proxy(Class<T> type, Object target, After after) {
            InvocationHandler handler = (p, method, args) -> {
                try {
                    return after.apply(method.getName(), method.invoke(target, args));
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            };
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
        }
    }
}
