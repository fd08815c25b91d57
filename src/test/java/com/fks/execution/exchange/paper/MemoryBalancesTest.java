package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The embedded paper book's balances, kept in memory: no balance row per fill, the same balances after a kill and
 * a restart, the rows of an earlier version taken over as they were, and neither two places spending one balance
 * nor a rolled-back write moving it.
 */
final class MemoryBalancesTest {
    private static final List<String> ASSETS = List.of("USDT", "BTC", "ETH");

    @TempDir
    Path dataDir;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private int ids;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private HikariDataSource openFile() {
        HikariDataSource dataSource = JdbcPaperBookDatabase.open(dataDir);
        opened.add(dataSource);
        return dataSource;
    }

    /** The embedded book on the file, with its log beside it, and this much USDT. */
    private JdbcPaperBook embedded(HikariDataSource file, String usdt) {
        return JdbcPaperBook.embedded(file, Map.of("USDT", new BigDecimal(usdt)),
                JdbcPaperBookDatabase.logFolder(dataDir));
    }

    private PaperExchange paper(PaperBook book) {
        opened.add(book);
        return new PaperExchange(book, Duration.ZERO, 0, Clock.systemUTC());
    }

    private String id() {
        return "fkm" + String.format("%032x", ++ids);
    }

    private OrderRequest market(String symbol, Side side, String quantity) {
        return new OrderRequest(id(), symbol, side, OrderType.MARKET, new BigDecimal(quantity), null, null);
    }

    private OrderRequest limit(String symbol, Side side, String quantity, String limitPrice) {
        return new OrderRequest(id(), symbol, side, OrderType.LIMIT, new BigDecimal(quantity),
                new BigDecimal(limitPrice), null);
    }

    private static Map<String, BigDecimal> freeBalances(PaperExchange paper) throws ExchangeException {
        Map<String, BigDecimal> free = new LinkedHashMap<>();
        for (String asset : ASSETS) {
            free.put(asset, paper.freeBalance(asset));
        }
        return free;
    }

    private static long count(HikariDataSource dataSource, String query) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Fills both ways on two symbols, a limit buy and a take-profit resting, one limit filled, one cancelled. */
    private void trade(PaperExchange paper) throws ExchangeException {
        paper.observePrice("BTCUSDT", new BigDecimal("60000"));
        paper.observePrice("ETHBTC", new BigDecimal("0.05"));
        for (int i = 0; i < 10; i++) {
            paper.place(market("BTCUSDT", Side.BUY, "0.01"));
        }
        paper.place(market("BTCUSDT", Side.SELL, "0.03"));
        paper.place(market("ETHBTC", Side.BUY, "0.4"));
        paper.place(limit("BTCUSDT", Side.BUY, "0.02", "59000"));
        OrderRequest cancelled = limit("BTCUSDT", Side.BUY, "0.01", "58000");
        paper.place(cancelled);
        paper.cancel("BTCUSDT", cancelled.clientOrderId());
        paper.place(new OrderRequest(id(), "BTCUSDT", Side.SELL, OrderType.TAKE_PROFIT, new BigDecimal("0.02"),
                new BigDecimal("70000"), null, null, null));
        paper.observePrice("BTCUSDT", new BigDecimal("59000"));
    }

    /** What {@link #trade} leaves of 100000 USDT. */
    private static void thenTheBalancesAreWhatTheOrdersSay(Map<String, BigDecimal> free) {
        // 0.1 BTC bought at 60000, 0.03 sold at 60000, 0.02 bought at 59000 (limit, filled), 0.02 locked by the
        // take-profit, 0.4 ETH bought for 0.02 BTC
        assertThat(free.get("USDT")).isEqualByComparingTo("94620");
        assertThat(free.get("BTC")).isEqualByComparingTo("0.05");
        assertThat(free.get("ETH")).isEqualByComparingTo("0.4");
    }

    @Test
    void shouldWriteNoBalanceRowForTheFillsOfTheEmbeddedBook() throws Exception {
        // given
        HikariDataSource file = openFile();
        PaperExchange paper = paper(embedded(file, "100000"));

        // when
        trade(paper);

        // then the orders are written, the balances are right, and no balance row was
        assertThat(count(file, "SELECT COUNT(*) FROM paper_orders")).isEqualTo(15);
        thenTheBalancesAreWhatTheOrdersSay(freeBalances(paper));
        assertThat(count(file, "SELECT COUNT(*) FROM paper_balances")).isZero();
    }

    @Test
    void shouldOpenAfterAKillWithTheBalancesAndRestingOrdersItHad() throws Exception {
        // given an embedded book that traded, then died without closing (H2 shut down as a kill -9 leaves it)
        HikariDataSource file = openFile();
        PaperBook first = embedded(file, "100000");
        PaperExchange before = paper(first);
        trade(before);
        Map<String, BigDecimal> had = freeBalances(before);
        try (Connection c = file.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN IMMEDIATELY");
        } catch (SQLException expected) {
            // the database closes under the statement
        }
        first.close(); // its log's lock goes with the process

        // when the book opens again, worked out from its orders alone
        PaperBook second = embedded(openFile(), "100000");
        PaperExchange after = paper(second);

        // then it has what it had, and its resting take-profit still locks its BTC until it fills
        assertThat(freeBalances(after)).isEqualTo(had);
        thenTheBalancesAreWhatTheOrdersSay(freeBalances(after));
        assertThat(second.resting("BTCUSDT")).extracting(PaperBook.Resting::type).containsExactly(OrderType.TAKE_PROFIT);
        after.observePrice("BTCUSDT", new BigDecimal("70000"));
        assertThat(after.freeBalance("USDT")).isEqualByComparingTo(had.get("USDT").add(new BigDecimal("1400")));
        assertThat(after.freeBalance("BTC")).isEqualByComparingTo("0.05");
    }

    @Test
    void shouldTakeOverTheBalanceRowsAnEarlierVersionKeptAsTheyWere() throws Exception {
        // given a book whose balances were rows (as every book was before), with a buy of more than 18 decimals
        // whose cost the rows counted from the unrounded quantity
        HikariDataSource file = openFile();
        PaperBook rows = JdbcPaperBook.shared(file, Map.of("USDT", new BigDecimal("100000")));
        PaperExchange earlier = paper(rows);
        trade(earlier);
        earlier.place(market("BTCUSDT", Side.BUY, "0.1234567890123456789"));
        Map<String, BigDecimal> had = freeBalances(earlier);
        rows.close();
        assertThat(count(file, "SELECT COUNT(*) FROM paper_balances")).isEqualTo(3);

        // when the embedded book opens it, twice
        JdbcPaperBook taking = embedded(file, "100000");
        taking.open();
        long rowsAfterOpening = count(file, "SELECT COUNT(*) FROM paper_balances");
        PaperExchange taken = paper(taking);
        Map<String, BigDecimal> takenOver = freeBalances(taken);
        taking.close(); // one book at a time owns its log
        PaperExchange reopened = paper(embedded(file, "100000"));

        // then the rows are taken over as it opens, and the balances are the ones they said, to the last decimal
        assertThat(rowsAfterOpening).isZero();
        assertThat(takenOver).isEqualTo(had);
        assertThat(freeBalances(reopened)).isEqualTo(had);
        assertThat(count(file, "SELECT COUNT(*) FROM paper_balances")).isZero();
        reopened.observePrice("BTCUSDT", new BigDecimal("59000"));
        reopened.place(market("BTCUSDT", Side.SELL, "0.05"));
        assertThat(reopened.freeBalance("BTC")).isEqualByComparingTo(had.get("BTC").subtract(new BigDecimal("0.05")));
    }

    @Test
    void shouldFillExactlyOneOfConcurrentBuysTheAccountCanPayForOnce() throws Exception {
        // given 100 USDT and a price of 100
        PaperExchange paper = paper(embedded(openFile(), "100"));
        paper.observePrice("BTCUSDT", new BigDecimal("100"));

        // when 16 buys of 1 BTC come at once
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Boolean>> filled = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                OrderRequest buy = market("BTCUSDT", Side.BUY, "1");
                filled.add(pool.submit(() -> {
                    try {
                        return paper.place(buy).status() == ExchangeOrderStatus.FILLED;
                    } catch (ExchangeException e) {
                        assertThat(e.exchangeCode()).isEqualTo("insufficient_balance");
                        return false;
                    }
                }));
            }
            int fills = 0;
            for (Future<Boolean> f : filled) {
                fills += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }

            // then one fills and the rest are refused
            assertThat(fills).isEqualTo(1);
            assertThat(paper.freeBalance("USDT")).isZero();
            assertThat(paper.freeBalance("BTC")).isEqualByComparingTo("1");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldPlaceAClientOrderIdSentManyTimesAtOnceOnce() throws Exception {
        // given
        HikariDataSource file = openFile();
        PaperExchange paper = paper(embedded(file, "1000"));
        paper.observePrice("BTCUSDT", new BigDecimal("100"));
        OrderRequest buy = market("BTCUSDT", Side.BUY, "1");

        // when the same order is sent 12 times at once (and then 12 more), as retries after lost answers would
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<String>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 24; i++) {
                answers.add(pool.submit(() -> paper.place(buy).exchangeOrderId()));
            }
            List<String> exchangeOrderIds = new ArrayList<>();
            for (Future<String> answer : answers) {
                exchangeOrderIds.add(answer.get(30, TimeUnit.SECONDS));
            }

            // then every answer is the one order, filled once
            assertThat(exchangeOrderIds).containsOnly(exchangeOrderIds.get(0));
        } finally {
            pool.shutdownNow();
        }
        assertThat(count(file, "SELECT COUNT(*) FROM paper_orders")).isEqualTo(1);
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("900");
        assertThat(paper.freeBalance("BTC")).isEqualByComparingTo("1");
    }

    @Test
    void shouldCountOnlyTheWritesThatCommitWhenAGroupRollsBack() throws Exception {
        // given a resting order whose row a test connection holds, so that cancelling it holds the writer
        HikariDataSource file = openFile();
        PaperBook book = embedded(file, "1000");
        PaperExchange paper = paper(book);
        paper.observePrice("BTCUSDT", new BigDecimal("100"));
        OrderRequest resting = limit("BTCUSDT", Side.BUY, "1", "50");
        paper.place(resting);
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("950");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Thread> callers = Collections.synchronizedList(new ArrayList<>());
        try (Connection holder = file.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement ps = holder.prepareStatement(
                    "SELECT status FROM paper_orders WHERE client_order_id = ? FOR UPDATE")) {
                ps.setString(1, resting.clientOrderId());
                ps.executeQuery().close();
            }
            Future<?> cancel = pool.submit(() -> {
                callers.add(Thread.currentThread());
                return paper.cancel("BTCUSDT", resting.clientOrderId());
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> waiting(callers) == 1);

            // when a group builds behind it, in this order: a buy, one whose row cannot be written (an id too
            // long), another buy
            Instant now = Instant.now();
            List<Future<?>> group = new ArrayList<>();
            for (String clientOrderId : List.of(id(), "x".repeat(41), id())) {
                OrderRequest buy = new OrderRequest(clientOrderId, "BTCUSDT", Side.BUY, OrderType.MARKET,
                        BigDecimal.ONE, null, null);
                group.add(pool.submit(() -> {
                    callers.add(Thread.currentThread());
                    return book.place(new PaperBook.NewOrder(buy, "paper-" + clientOrderId,
                            new PaperSymbols.Assets("BTC", "USDT"), BigDecimal.ONE, new BigDecimal("100"), now));
                }));
                int queued = group.size() + 1;
                await().atMost(Duration.ofSeconds(5)).until(() -> waiting(callers) == queued);
            }
            holder.rollback();

            // then the group fails, runs again write by write, and only the two buys and the cancel count (a
            // caller the machine kept past the writer's wait is told the outcome is unknown: it commits anyway)
            assertThat(catchFailure(group.get(1))).isNotNull();
            catchFailure(cancel);
            catchFailure(group.get(0));
            catchFailure(group.get(2));
        } finally {
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(book.find(resting.clientOrderId())).get().extracting(o -> o.status())
                    .isEqualTo(ExchangeOrderStatus.CANCELED);
            assertThat(book.fills()).hasSize(2);
        });
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("800");
        assertThat(paper.freeBalance("BTC")).isEqualByComparingTo("2");
    }

    private static long waiting(List<Thread> callers) {
        synchronized (callers) { // the lock of a synchronized list
            return callers.stream().filter(t -> t.getState() == Thread.State.TIMED_WAITING).count();
        }
    }

    private static Throwable catchFailure(Future<?> future) throws InterruptedException {
        try {
            future.get(10, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return e;
        }
    }
}
