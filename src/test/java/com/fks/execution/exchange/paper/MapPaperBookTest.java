package com.fks.execution.exchange.paper;

import com.fks.execution.config.Settings;
import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.Database;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.fks.execution.testsupport.ExternalCommand;
import com.zaxxer.hikari.HikariDataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The embedded paper book in MVStore maps: exactly what it answered after a kill -9 at any point, an earlier
 * version's SQL book (or the store's fills) taken over on the first open, its file bounded over a long run, and a
 * full disk answered as unavailable and recovered from without a restart. (Every test of PaperExchangeTest runs on it
 * too, in MapPaperExchangeTest.)
 */
final class MapPaperBookTest {
    private static final Map<String, BigDecimal> ACCOUNT = Map.of("USDT", new BigDecimal("100000"));
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

    private MapPaperBook book(Map<String, BigDecimal> account) {
        MapPaperBook book = MapPaperBook.in(dataDir, account);
        opened.add(book);
        return book;
    }

    private static PaperExchange paper(PaperBook book) {
        return new PaperExchange(book, Duration.ZERO, 0, Clock.systemUTC());
    }

    private String id() {
        return "fkb" + String.format("%032x", ++ids);
    }

    private OrderRequest market(String symbol, Side side, String quantity) {
        return new OrderRequest(id(), symbol, side, OrderType.MARKET, new BigDecimal(quantity), null, null);
    }

    private OrderRequest limit(String symbol, Side side, String quantity, String limitPrice) {
        return new OrderRequest(id(), symbol, side, OrderType.LIMIT, new BigDecimal(quantity),
                new BigDecimal(limitPrice), null);
    }

    private static Map<String, BigDecimal> freeBalances(PaperBook book) throws ExchangeException {
        Map<String, BigDecimal> free = new LinkedHashMap<>();
        for (String asset : ASSETS) {
            free.put(asset, book.freeBalance(asset));
        }
        return free;
    }

    /** Everything a caller can ask the book, for comparing a book before and after. */
    private record Seen(Map<String, BigDecimal> free, List<PaperBook.Fill> fills, List<PaperBook.Resting> resting,
                        Map<String, ExchangeOrder> orders) {
    }

    private static Seen seen(PaperBook book, List<String> clientOrderIds) throws ExchangeException {
        Map<String, ExchangeOrder> orders = new LinkedHashMap<>();
        for (String id : clientOrderIds) {
            orders.put(id, book.find(id).orElse(null));
        }
        return new Seen(freeBalances(book), book.fills(), book.resting("BTCUSDT"), orders);
    }

    /**
     * Fills both ways on two symbols, a limit buy and a take-profit resting, one limit filled, one cancelled (as
     * MemoryBalancesTest trades the SQL book); returns the client order ids.
     */
    private List<String> trade(PaperExchange paper) throws ExchangeException {
        List<OrderRequest> sent = new ArrayList<>();
        paper.observePrice("BTCUSDT", new BigDecimal("60000"));
        paper.observePrice("ETHBTC", new BigDecimal("0.05"));
        for (int i = 0; i < 10; i++) {
            sent.add(market("BTCUSDT", Side.BUY, "0.01"));
        }
        sent.add(market("BTCUSDT", Side.SELL, "0.03"));
        sent.add(market("ETHBTC", Side.BUY, "0.4"));
        sent.add(limit("BTCUSDT", Side.BUY, "0.02", "59000"));
        for (OrderRequest order : sent) {
            paper.place(order);
        }
        OrderRequest cancelled = limit("BTCUSDT", Side.BUY, "0.01", "58000");
        paper.place(cancelled);
        paper.cancel("BTCUSDT", cancelled.clientOrderId());
        OrderRequest takeProfit = new OrderRequest(id(), "BTCUSDT", Side.SELL, OrderType.TAKE_PROFIT,
                new BigDecimal("0.02"), new BigDecimal("70000"), null, null, null);
        paper.place(takeProfit);
        paper.observePrice("BTCUSDT", new BigDecimal("59000"));
        sent.add(cancelled);
        sent.add(takeProfit);
        return sent.stream().map(OrderRequest::clientOrderId).toList();
    }

    /** What {@link #trade} leaves of 100000 USDT (as MemoryBalancesTest works it out). */
    private static void thenTheBalancesAreWhatTheOrdersSay(Map<String, BigDecimal> free) {
        assertThat(free.get("USDT")).isEqualByComparingTo("94620");
        assertThat(free.get("BTC")).isEqualByComparingTo("0.05");
        assertThat(free.get("ETH")).isEqualByComparingTo("0.4");
    }

    @Test
    void shouldOpenAfterAKillWithoutACloseExactlyAsItAnswered() throws Exception {
        // given a book that traded, then died without closing (no last write, as a kill -9 leaves the file)
        MapPaperBook first = book(ACCOUNT);
        List<String> clientOrderIds = trade(paper(first));
        Seen before = seen(first, clientOrderIds);
        first.crash();

        // when it opens again
        MapPaperBook second = book(ACCOUNT);
        Seen after = seen(second, clientOrderIds);

        // then it answers what it answered, and its resting take-profit still locks its BTC until it fills
        assertThat(after).isEqualTo(before);
        thenTheBalancesAreWhatTheOrdersSay(after.free());
        assertThat(after.fills()).hasSize(13);
        assertThat(after.resting()).extracting(PaperBook.Resting::type).containsExactly(OrderType.TAKE_PROFIT);
        PaperExchange reopened = paper(second);
        reopened.observePrice("BTCUSDT", new BigDecimal("70000"));
        assertThat(reopened.freeBalance("USDT")).isEqualByComparingTo("96020");
        assertThat(reopened.freeBalance("BTC")).isEqualByComparingTo("0.05");

        // and a second crash right after that fill keeps it too
        second.crash();
        MapPaperBook third = book(ACCOUNT);
        assertThat(third.freeBalance("USDT")).isEqualByComparingTo("96020");
        assertThat(third.resting("BTCUSDT")).isEmpty();
        assertThat(third.fills()).hasSize(14);
    }

    @Test
    void shouldKeepEveryOrderItAnsweredAndTheBalancesTheyMovedAfterAKill9() throws Exception {
        // given a JVM placing orders from 8 threads (fills, resting orders, cancels), printing each answer, its book's
        // file rewritten every few hundred commits
        Process target = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), KillTarget.class.getName(),
                dataDir.toString()).redirectErrorStream(false).start();
        Map<String, String> answered = new HashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(),
                StandardCharsets.UTF_8))) {
            // when it is killed (SIGKILL) in the middle of its writes
            String line;
            while (answered.size() < 6000 && (line = out.readLine()) != null) {
                if (!line.startsWith("fkk")) {
                    continue; // its log
                }
                String[] f = line.split(" ");
                answered.put(f[0], f[1]);
            }
            target.destroyForcibly();
            assertThat(target.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(answered).as("answers before the kill").hasSizeGreaterThanOrEqualTo(6000);

        // then the book opens with every order as it was last answered (or later: answers in flight were lost)
        MapPaperBook book = book(KillTarget.ACCOUNT);
        for (Map.Entry<String, String> a : answered.entrySet()) {
            ExchangeOrder order = book.find(a.getKey()).orElse(null);
            assertThat(order).as(a.getKey()).isNotNull();
            if (!a.getValue().equals("OPEN")) {
                assertThat(order.status().name()).as(a.getKey()).isEqualTo(a.getValue());
            }
        }
        // and its balances are exactly what its orders moved, no more, no less
        thenTheBalancesAreWhatItsOrdersSay(book, KillTarget.ACCOUNT.get("USDT"));
    }

    /** Free USDT and BTC as the fills and the resting buys of BTCUSDT say, from a starting USDT alone. */
    private static void thenTheBalancesAreWhatItsOrdersSay(PaperBook book, BigDecimal startingUsdt)
            throws ExchangeException {
        BigDecimal usdt = startingUsdt;
        BigDecimal btc = BigDecimal.ZERO;
        for (PaperBook.Fill fill : book.fills()) {
            BigDecimal quantity = fill.quantity();
            if (fill.side().equals("BUY")) {
                usdt = usdt.subtract(JdbcPaperBook.cost(quantity, fill.price()));
                btc = btc.add(quantity);
            } else {
                usdt = usdt.add(JdbcPaperBook.proceeds(quantity, fill.price()));
                btc = btc.subtract(quantity);
            }
        }
        for (PaperBook.Resting resting : book.resting("BTCUSDT")) {
            assertThat(resting.side()).isEqualTo(Side.BUY);
            usdt = usdt.subtract(JdbcPaperBook.cost(resting.quantity(), resting.limitPrice()));
        }
        assertThat(book.freeBalance("USDT")).isEqualByComparingTo(usdt.max(BigDecimal.ZERO));
        assertThat(book.freeBalance("BTC")).isEqualByComparingTo(btc.max(BigDecimal.ZERO));
    }

    /** Places from 8 threads until killed: market buys, limit buys that rest, cancels of some; prints each answer. */
    static final class KillTarget {
        static final Map<String, BigDecimal> ACCOUNT = Map.of("USDT", new BigDecimal("1000000000"));

        public static void main(String[] args) throws Exception {
            // rewritten past 1 MB: the kill may come in the middle of a rewrite too
            MapPaperBook book = MapPaperBook.rewrittenPast(Path.of(args[0]), ACCOUNT, 1L << 20);
            AtomicInteger next = new AtomicInteger();
            PaperSymbols.Assets assets = new PaperSymbols.Assets("BTC", "USDT");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            for (int t = 0; t < 8; t++) {
                pool.submit(() -> {
                    while (true) {
                        int i = next.incrementAndGet();
                        String id = "fkk" + String.format("%032x", i);
                        boolean rests = i % 3 == 0;
                        OrderRequest request = rests
                                ? new OrderRequest(id, "BTCUSDT", Side.BUY, OrderType.LIMIT, new BigDecimal("0.001"),
                                new BigDecimal("29000.5"), null)
                                : new OrderRequest(id, "BTCUSDT", Side.BUY, OrderType.MARKET, new BigDecimal("0.001"),
                                null, new BigDecimal("30000.25"));
                        ExchangeOrder placed = book.place(new PaperBook.NewOrder(request, "paper-" + i, assets,
                                new BigDecimal("0.001"), rests ? null : new BigDecimal("30000.25"), Instant.now()));
                        answer(placed);
                        if (rests && i % 2 == 0) {
                            answer(book.cancel(id, Instant.now()).orElseThrow());
                        } else if (rests && i % 5 == 0) {
                            answer(book.fillResting(id, new BigDecimal("29000.5"), Instant.now()).orElseThrow());
                        }
                    }
                });
            }
            pool.awaitTermination(1, TimeUnit.HOURS);
        }

        private static synchronized void answer(ExchangeOrder order) {
            System.out.println(order.clientOrderId() + " " + order.status());
            System.out.flush();
        }
    }

    @Test
    void shouldTakeOverTheSqlBookOfAnEarlierVersionOnItsFirstOpen() throws Exception {
        // given a DATA_DIR whose paper book the current SQL code kept: fills, resting orders, a cancel
        List<String> clientOrderIds;
        Seen before;
        try (HikariDataSource file = JdbcPaperBookDatabase.open(dataDir);
             JdbcPaperBook sql = JdbcPaperBook.embedded(file, ACCOUNT)) {
            clientOrderIds = trade(paper(sql));
            before = seen(sql, clientOrderIds);
        }
        long earlierSize = Files.size(dataDir.resolve(PaperBookImport.EARLIER_FILE));

        // when the MVStore book opens in it for the first time, and again
        MapPaperBook book = MapPaperBook.in(dataDir, ACCOUNT, PaperBookImport.in(dataDir, this::store));
        opened.add(book);
        Seen taken = seen(book, clientOrderIds);
        book.close();
        MapPaperBook again = MapPaperBook.in(dataDir, ACCOUNT, () -> {
            throw new AssertionError("an earlier book is taken over once");
        });
        opened.add(again);

        // then it answers as the SQL book did: balances, fills, resting orders, each order by client order id
        assertThat(taken).isEqualTo(before);
        thenTheBalancesAreWhatTheOrdersSay(taken.free());
        assertThat(seen(again, clientOrderIds)).isEqualTo(before);
        assertThat(Files.size(dataDir.resolve(PaperBookImport.EARLIER_FILE))).as("left as it was").isEqualTo(earlierSize);

        // and trading goes on from there: the resting take-profit fills, a sent-again order is not placed twice
        PaperExchange paper = paper(again);
        paper.observePrice("BTCUSDT", new BigDecimal("70000"));
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("96020");
        ExchangeOrder first = again.find(clientOrderIds.get(0)).orElseThrow();
        assertThat(paper.place(new OrderRequest(clientOrderIds.get(0), "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.01"), null, null))).isEqualTo(first);
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("96020");
    }

    @Test
    void shouldTakeOverTheBalanceRowsOfAnEarlierBookToTheLastDecimal() throws Exception {
        // given a book whose balances were rows, with a buy of more than 18 decimals whose cost the rows counted
        // from the unrounded quantity (MemoryBalancesTest takes the same book over into memory)
        Map<String, BigDecimal> had;
        try (HikariDataSource file = JdbcPaperBookDatabase.open(dataDir);
             JdbcPaperBook rows = JdbcPaperBook.shared(file, ACCOUNT)) {
            PaperExchange earlier = paper(rows);
            trade(earlier);
            earlier.place(market("BTCUSDT", Side.BUY, "0.1234567890123456789"));
            had = freeBalances(rows);
        }

        // when the MVStore book takes it over
        MapPaperBook book = MapPaperBook.in(dataDir, ACCOUNT, PaperBookImport.in(dataDir, this::store));
        opened.add(book);

        // then the balances are the ones the rows said
        assertThat(freeBalances(book)).isEqualTo(had);
    }

    @Test
    void shouldTakeOverAPaperBookFileOfTheFirstVersion() throws Exception {
        // given a DATA_DIR/paper-exchange file written by the first version: one fill, no balances
        JdbcDataSource file = new JdbcDataSource();
        file.setURL("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("paper-exchange"));
        file.setUser("sa");
        try (Connection c = file.getConnection(); Statement s = c.createStatement()) {
            s.execute(JdbcPaperBookDatabaseTest.FIRST_VERSION);
        }
        JdbcPaperBookDatabaseTest.earlierFill(file, "fks-old", "p-old", "64000");

        // when / then the MVStore book finds the old fill, which moves no balance, and trades on
        JdbcPaperBookDatabaseTest.thenTheBookIsUpToDate(MapPaperBook.in(dataDir, Map.of("USDT", new BigDecimal("1000")),
                PaperBookImport.in(dataDir, this::store)));
    }

    @Test
    void shouldTakeOverTheFillsTheStoresDatabaseKeptWhenThereIsNoSqlBook() throws Exception {
        // given fills an even earlier version kept in the store's own database, and no paper-exchange file
        HikariDataSource store = store();
        JdbcPaperBookDatabaseTest.earlierFill(store, "fks1", "p1", "64000");
        JdbcPaperBookDatabaseTest.earlierFill(store, "fks2", "p2", "64001");

        // when the book opens
        MapPaperBook book = MapPaperBook.in(dataDir, ACCOUNT, PaperBookImport.in(dataDir, () -> store));
        opened.add(book);

        // then they are found, and moved no balance
        assertThat(book.fills()).extracting(PaperBook.Fill::clientOrderId).containsExactly("fks1", "fks2");
        assertThat(book.find("fks2")).get().satisfies(o -> {
            assertThat(o.exchangeOrderId()).isEqualTo("p2");
            assertThat(o.averagePrice()).isEqualByComparingTo("64001");
        });
        assertThat(book.freeBalance("USDT")).isEqualByComparingTo("100000");
        assertThat(Files.exists(dataDir.resolve(PaperBookImport.EARLIER_FILE))).isFalse();
    }

    private HikariDataSource store() {
        HikariDataSource store = Database.open(new Settings.Database(null, null, null), dataDir);
        opened.add(store);
        return store;
    }

    @Test
    void shouldPlaceAClientOrderIdSentManyTimesAtOnceOnce() throws Exception {
        // given
        MapPaperBook book = book(Map.of("USDT", new BigDecimal("1000")));
        PaperExchange paper = paper(book);
        paper.observePrice("BTCUSDT", new BigDecimal("100"));
        OrderRequest buy = market("BTCUSDT", Side.BUY, "1");

        // when the same order is sent 24 times from 12 threads, as retries after lost answers would
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
        assertThat(book.fills()).hasSize(1);
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("900");
        assertThat(paper.freeBalance("BTC")).isEqualByComparingTo("1");
    }

    @Test
    void shouldKeepItsFileBoundedOverManyPlaces() throws Exception {
        // given a book rewritten past 8 MB (128 MB in service), so that a test sees several rewrites
        MapPaperBook book = MapPaperBook.rewrittenPast(dataDir, Map.of("USDT", new BigDecimal("1000000000")),
                8L << 20);
        opened.add(book);
        PaperSymbols.Assets assets = new PaperSymbols.Assets("BTC", "USDT");

        // when 100,000 market orders fill one at a time (one commit each), sizes taken along the way
        List<Long> sizes = new ArrayList<>();
        for (int i = 1; i <= 100_000; i++) {
            String id = "fks" + String.format("%013x%019x", 1796085812527L + i / 5, i * 7919L);
            book.place(new PaperBook.NewOrder(new OrderRequest(id, "BTCUSDT", Side.BUY, OrderType.MARKET,
                    new BigDecimal("0.001"), null, null), "paper-" + i, assets, new BigDecimal("0.001"),
                    new BigDecimal("30000.5"), Instant.now()));
            if (i % 25_000 == 0) {
                sizes.add(book.fileSize());
            }
        }

        // then the file holds what its orders need, not a chunk per commit (~12 KB each, 1.2 GB in all): it is
        // rewritten with the live data once it is 8 MB and 4 times what the last rewrite left
        System.out.printf("paper book file after 25k, 50k, 75k, 100k places: %s bytes%n", sizes);
        assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThan(64L << 20));
        assertThat(book.fills()).hasSize(100_000);
        book.close();
        MapPaperBook reopened = MapPaperBook.in(dataDir, Map.of("USDT", new BigDecimal("1000000000")));
        opened.add(reopened);
        assertThat(reopened.fills()).hasSize(100_000);
        assertThat(reopened.freeBalance("BTC")).isEqualByComparingTo("100");
    }

    @Test
    void shouldAnswerUnavailableOnAFullDiskAndServeAgainOnceThereIsRoom() throws Exception {
        // given a book on a small file system of its own, with an order placed
        Path disk = mountTmpfs("8m");
        try {
            Path data = Files.createDirectories(disk.resolve("data"));
            MapPaperBook book = MapPaperBook.in(data, Map.of("USDT", new BigDecimal("1000000")));
            opened.add(book);
            PaperExchange paper = paper(book);
            paper.observePrice("BTCUSDT", new BigDecimal("100"));
            OrderRequest before = market("BTCUSDT", Side.BUY, "1");
            paper.place(before);

            // when the disk fills up
            Path filler = disk.resolve("filler");
            fill(filler);
            List<ExchangeException.Kind> failures = new ArrayList<>();
            List<String> placedDuring = new ArrayList<>();
            // (the file only grows, but a commit that fits in the last page the file system gave it is written)
            for (int i = 0; i < 1_000 && failures.isEmpty(); i++) {
                OrderRequest during = market("BTCUSDT", Side.BUY, "1");
                try {
                    paper.place(during);
                    placedDuring.add(during.clientOrderId());
                } catch (ExchangeException e) {
                    failures.add(e.kind());
                }
            }

            // then the book answers that it cannot (not a runtime error), and its ping fails meanwhile
            assertThat(failures).as("answers on the full disk").isNotEmpty()
                    .allSatisfy(k -> assertThat(k).isIn(ExchangeException.Kind.UNAVAILABLE,
                            ExchangeException.Kind.UNKNOWN_OUTCOME));
            ExchangeException ping = catchThrowableOfType(ExchangeException.class, book::ping);
            assertThat(ping).as("ping on the full disk").isNotNull();
            assertThat(ping.kind()).isEqualTo(ExchangeException.Kind.UNAVAILABLE);

            // when the disk has room again
            Files.delete(filler);

            // then the book serves again without a restart, with what it had, and balances its orders explain
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .untilAsserted(book::ping);
            assertThat(book.find(before.clientOrderId())).get().extracting(ExchangeOrder::status)
                    .isEqualTo(ExchangeOrderStatus.FILLED);
            for (String id : placedDuring) {
                assertThat(book.find(id)).as(id).isPresent();
            }
            OrderRequest after = market("BTCUSDT", Side.BUY, "1");
            assertThat(paper.place(after).status()).isEqualTo(ExchangeOrderStatus.FILLED);
            thenTheBalancesAreWhatItsOrdersSay(book, new BigDecimal("1000000"));
            book.close();
            MapPaperBook reopened = MapPaperBook.in(data, Map.of("USDT", new BigDecimal("1000000")));
            opened.add(reopened);
            assertThat(reopened.find(after.clientOrderId())).isPresent();
            thenTheBalancesAreWhatItsOrdersSay(reopened, new BigDecimal("1000000"));
        } finally {
            closeAll();
            opened.clear();
            ExternalCommand.run(dataDir, Duration.ofSeconds(10), "umount", "-l", disk.toString());
        }
    }

    /** A tmpfs of the test's own (root, as in CI and the other full-disk tests). */
    private Path mountTmpfs(String size) throws IOException {
        if (!"0".equals(ExternalCommand.run(dataDir, Duration.ofSeconds(5), "id", "-u").output().trim())) {
            fail("MapPaperBookTest mounts a tmpfs for its full disk and must run as root (CI does)");
        }
        Path disk = Files.createDirectories(dataDir.resolve("disk"));
        ExternalCommand.run(dataDir, Duration.ofSeconds(10), "mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs",
                disk.toString()).assertSuccess("mount a tmpfs");
        return disk;
    }

    private static void fill(Path filler) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                out.write(new byte[512]);
                out.flush();
            }
        } catch (IOException e) {
            // full to the last block
        }
    }
}
