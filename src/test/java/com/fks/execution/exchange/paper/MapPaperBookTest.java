package com.fks.execution.exchange.paper;

import com.fks.execution.config.Settings;
import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.Database;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.fks.execution.testsupport.Tmpfs;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The embedded paper book on maps: what a kill -9 leaves (its file as last committed, and its log) is every order
 * and balance; a damaged log stops it, a torn one is cut; a full disk loses nothing; its log stays bounded; and
 * the H2 book of the previous version is taken over once.
 */
final class MapPaperBookTest {
    /** No commit in the test's time: only the log holds the orders placed after the book opened. */
    private static final Duration NEVER = Duration.ofHours(1);
    private static final Map<String, BigDecimal> ACCOUNT = Map.of("USDT", new BigDecimal("1000"));

    @TempDir
    Path tmp;
    private int ids;

    @Test
    void shouldKeepEveryOrderThroughAKillBeforeAnyCommit() throws Exception {
        // given a book that filled, rested and cancelled orders, and the files as a kill -9 leaves them then
        Path dataDir = tmp.resolve("data");
        List<PaperBook.Fill> filled;
        try (MapPaperBook book = MapPaperBook.in(dataDir, ACCOUNT, null, NEVER)) {
            filled = trade(book);
            copyAsKilled(dataDir, tmp.resolve("killed"), true);
            copyAsKilled(dataDir, tmp.resolve("without-log"), false);
        }

        // then the file alone has none of them (it was never committed after they came), with its log every one
        try (MapPaperBook fileAlone = MapPaperBook.in(tmp.resolve("without-log"), ACCOUNT, null, NEVER)) {
            assertThat(fileAlone.fills()).isEmpty();
        }
        try (MapPaperBook book = MapPaperBook.in(tmp.resolve("killed"), ACCOUNT, null, NEVER)) {
            book.open();
            thenEveryTradeIsThere(book, filled);
        }
    }

    @Test
    void shouldKeepEveryOrderThroughAKillAfterCommitsAndDeleteWhatTheFileHolds() throws Exception {
        // given a book committed every 20 ms while 12,000 orders (about 3 MB of log) are filled
        Path dataDir = tmp.resolve("data");
        try (MapPaperBook book = MapPaperBook.in(dataDir, Map.of("USDT", new BigDecimal("100000000")), null,
                Duration.ofMillis(20))) {
            PaperExchange paper = new PaperExchange(book, Duration.ZERO, 0, Clock.systemUTC());
            paper.observePrice("BTCUSDT", new BigDecimal("100"));
            for (int i = 0; i < 12_000; i++) {
                paper.place(order(Side.BUY, OrderType.MARKET, "1", null));
            }

            // then the log's segments that the file holds are deleted: one or two left, not three or more
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(segments(dataDir)).hasSizeLessThanOrEqualTo(2));
            copyAsKilled(dataDir, tmp.resolve("killed"), true);
        }

        // and a kill leaves every order and the balance they moved
        try (MapPaperBook book = MapPaperBook.in(tmp.resolve("killed"), Map.of("USDT", new BigDecimal("100000000")),
                null, NEVER)) {
            assertThat(book.fills()).hasSize(12_000);
            assertThat(book.freeBalance("USDT")).isEqualByComparingTo("98800000");
            assertThat(book.freeBalance("BTC")).isEqualByComparingTo("12000");
        }
    }

    @Test
    void shouldCutAChangeTornAtTheEndOfTheLogAndKeepTheOnesBeforeIt() throws Exception {
        // given a killed book whose log ends in a record cut short (a crash in the middle of writing it)
        Path dataDir = tmp.resolve("data");
        List<PaperBook.Fill> filled;
        try (MapPaperBook book = MapPaperBook.in(dataDir, ACCOUNT, null, NEVER)) {
            filled = trade(book);
            copyAsKilled(dataDir, tmp.resolve("killed"), true);
        }
        Path segment = onlySegment(tmp.resolve("killed"));
        PaperBookCrashes.tearTail(segment);

        // when it opens again, then the torn record is gone and every order before it is there
        try (MapPaperBook book = MapPaperBook.in(tmp.resolve("killed"), ACCOUNT, null, NEVER)) {
            thenEveryTradeIsThere(book, filled);
        }
    }

    @Test
    void shouldRefuseToOpenABookWhoseLogIsDamagedBeforeItsEnd() throws Exception {
        // given a killed book whose log has a byte changed inside its first record, with records after it
        Path dataDir = tmp.resolve("data");
        try (MapPaperBook book = MapPaperBook.in(dataDir, ACCOUNT, null, NEVER)) {
            trade(book);
            copyAsKilled(dataDir, tmp.resolve("killed"), true);
        }
        Path segment = onlySegment(tmp.resolve("killed"));
        PaperBookCrashes.damageFirstRecord(segment);

        // when it opens again, then it refuses, naming the file and the offset, rather than lose what follows
        try (MapPaperBook book = MapPaperBook.in(tmp.resolve("killed"), ACCOUNT, null, NEVER)) {
            PaperBookCrashes.assertRefusesToOpen(book::open, segment);
        }
    }

    @Test
    void shouldFailAnOrderWhoseChangeTheFullDiskRefusedAndKeepNothingOfIt() throws Exception {
        try (Tmpfs tmpfs = Tmpfs.mount(tmp, "256k", "MapPaperBookTest")) {
            Path dataDir = tmpfs.root().resolve("data");
            OrderRequest refused = order(Side.BUY, OrderType.MARKET, "1", null);
            try (MapPaperBook book = MapPaperBook.in(dataDir, ACCOUNT, null, NEVER)) {
                // given a book on a disk that is full
                book.open();
                PaperExchange paper = new PaperExchange(book, Duration.ZERO, 0, Clock.systemUTC());
                paper.observePrice("BTCUSDT", new BigDecimal("100"));
                Path filler = tmpfs.root().resolve("filler");
                Tmpfs.fill(filler);

                // when an order comes, then it fails with its outcome unknown, and neither the book nor the
                // balances keep it
                assertThatThrownBy(() -> paper.place(refused)).isInstanceOf(ExchangeException.class)
                        .hasMessageContaining("its book's log could not be written")
                        .satisfies(e -> assertThat(((ExchangeException) e).kind())
                                .isEqualTo(ExchangeException.Kind.UNKNOWN_OUTCOME));
                assertThat(book.find(refused.clientOrderId())).isEmpty();
                assertThat(book.freeBalance("USDT")).isEqualByComparingTo("1000");

                // and once there is room again, the same order (as the engine sends it again) fills once
                Files.delete(filler);
                paper.place(refused);
                assertThat(paper.place(refused).status()).isEqualTo(ExchangeOrderStatus.FILLED);
                assertThat(book.fills()).extracting(PaperBook.Fill::clientOrderId)
                        .containsExactly(refused.clientOrderId());
                copyAsKilled(dataDir, tmp.resolve("killed"), true);
            }

            // and after a kill the book has it once, with the balance it moved
            try (MapPaperBook book = MapPaperBook.in(tmp.resolve("killed"), ACCOUNT, null, NEVER)) {
                assertThat(book.fills()).extracting(PaperBook.Fill::clientOrderId)
                        .containsExactly(refused.clientOrderId());
                assertThat(book.freeBalance("USDT")).isEqualByComparingTo("900");
            }
        }
    }

    @Test
    void shouldLoseNothingWhenItsFileCannotBeCommittedAndCarryOnOnceItCan() throws Exception {
        try (Tmpfs tmpfs = Tmpfs.mount(tmp, "512k", "MapPaperBookTest")) {
            // given a book whose file is on a disk that fills up, while its log is on another that does not
            Path dataDir = tmpfs.root().resolve("data");
            Files.createDirectories(dataDir);
            Path logElsewhere = Files.createDirectories(tmp.resolve("log"));
            Files.createSymbolicLink(dataDir.resolve(MapPaperBook.LOG_FOLDER), logElsewhere);
            try (MapPaperBook book = MapPaperBook.in(dataDir, Map.of("USDT", new BigDecimal("1000000")), null,
                    Duration.ofMillis(20))) {
                PaperExchange paper = new PaperExchange(book, Duration.ZERO, 0, Clock.systemUTC());
                paper.observePrice("BTCUSDT", new BigDecimal("100"));
                paper.place(order(Side.BUY, OrderType.MARKET, "1", null));
                Path filler = tmpfs.root().resolve("filler");
                Tmpfs.fill(filler);

                // when orders keep coming while its commits fail: each answered, or failed (its outcome unknown when
                // a failed commit had just closed the file under it, or the book unavailable while it cannot open)
                int placed = 1;
                List<String> failed = new java.util.ArrayList<>();
                long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (System.nanoTime() < until) {
                    OrderRequest next = order(Side.BUY, OrderType.MARKET, "1", null);
                    try {
                        paper.place(next);
                        placed++;
                    } catch (ExchangeException e) {
                        failed.add(next.clientOrderId());
                    }
                    Thread.sleep(5);
                }

                // then once there is room, every order it took is there, once, with the balance they moved; a
                // failed one is there only if the engine's lookup would find it
                Files.delete(filler);
                int found = 0;
                for (String clientOrderId : failed) {
                    if (book.find(clientOrderId).isPresent()) {
                        found++;
                    }
                }
                System.out.printf("orders while the book's file could not be committed: %d placed, %d failed "
                        + "(%d of them found after)%n", placed, failed.size(), found);
                int took = placed + found;
                assertThat(book.fills()).hasSize(took);
                assertThat(book.freeBalance("USDT")).isEqualByComparingTo(new BigDecimal(1_000_000 - 100 * took));
                assertThat(failed).as("orders failed while the disk was full").isNotEmpty();
                assertThat(placed).isGreaterThan(1);
            }
        }
    }

    @Test
    void shouldTakeOverTheH2BookOfThePreviousVersionOnce() throws Exception {
        // given a DATA_DIR with the previous version's book (H2, with its log not yet in its file) and its store
        Path dataDir = tmp.resolve("data");
        List<PaperBook.Fill> filled;
        List<PaperBook.Resting> resting;
        try (HikariDataSource store = Database.open(new Settings.Database(null, null, null), dataDir)) {
            try (HikariDataSource file = JdbcPaperBookDatabase.open(dataDir);
                 JdbcPaperBook earlier = JdbcPaperBook.embedded(file, ACCOUNT, JdbcPaperBookDatabase.logFolder(dataDir),
                         NEVER)) {
                filled = trade(earlier);
                resting = earlier.resting("BTCUSDT");
                try (Connection c = file.getConnection(); Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN IMMEDIATELY");
                } catch (SQLException expected) {
                    // the database closes under the statement
                }
            }

            // when this version's book opens there
            MapPaperBook.Earlier earlier = JdbcPaperBookDatabase.earlier(dataDir, () -> store, ACCOUNT);
            try (MapPaperBook book = MapPaperBook.in(dataDir, ACCOUNT, earlier)) {
                // then it has the earlier book's orders and balances, and trades on from them
                thenEveryTradeIsThere(book, filled);
                assertThat(book.resting("BTCUSDT")).isEqualTo(resting);
                PaperExchange paper = new PaperExchange(book, Duration.ZERO, 0, Clock.systemUTC());
                paper.observePrice("BTCUSDT", new BigDecimal("100"));
                paper.place(order(Side.SELL, OrderType.MARKET, "1", null));
            }

            // and the next time it opens, it takes nothing over again
            try (MapPaperBook book = MapPaperBook.in(dataDir, ACCOUNT, earlier)) {
                assertThat(book.fills()).hasSize(filled.size() + 1);
                assertThat(book.freeBalance("BTC")).isEqualByComparingTo("0.5");
                assertThat(book.freeBalance("USDT")).isEqualByComparingTo("900");
            }
        }
    }

    @Test
    void shouldTakeOverAnEarlierBookOfManyOrdersInSeveralCommits() throws Exception {
        // given the previous version's book with 25,000 fills (more than one commit of the take-over holds)
        Path dataDir = tmp.resolve("data");
        Map<String, BigDecimal> account = Map.of("USDT", new BigDecimal("10000"));
        try (HikariDataSource store = Database.open(new Settings.Database(null, null, null), dataDir)) {
            try (HikariDataSource file = JdbcPaperBookDatabase.open(dataDir);
                 Connection c = file.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO paper_orders (client_order_id, exchange_order_id, symbol, side, "
                        + "order_type, quantity, price, filled_at, status, base_asset, quote_asset, placed_at) "
                        + "SELECT 'fkx' || X, 'paper-' || X, 'BTCUSDT', 'BUY', 'MARKET', 0.001, 100, "
                        + "1700000000000 + X, 'FILLED', 'BTC', 'USDT', 1700000000000 + X FROM SYSTEM_RANGE(1, 25000)");
            }

            // when this version's book opens there
            try (MapPaperBook book = MapPaperBook.in(dataDir, account,
                    JdbcPaperBookDatabase.earlier(dataDir, () -> store, account))) {
                // then every fill is there, with the balances they moved (25,000 x 0.001 BTC at 100 USDT)
                assertThat(book.fills()).hasSize(25_000).first().satisfies(f ->
                        assertThat(f.clientOrderId()).isEqualTo("fkx1"));
                assertThat(book.find("fkx25000")).get().satisfies(o ->
                        assertThat(o.status()).isEqualTo(ExchangeOrderStatus.FILLED));
                assertThat(book.freeBalance("BTC")).isEqualByComparingTo("25");
                assertThat(book.freeBalance("USDT")).isEqualByComparingTo("7500");
            }
        }
    }

    @Test
    void shouldTakeNothingOverWhereThereIsNoEarlierBook() throws Exception {
        Path dataDir = tmp.resolve("data");
        try (HikariDataSource store = Database.open(new Settings.Database(null, null, null), dataDir);
             MapPaperBook book = MapPaperBook.in(dataDir, ACCOUNT,
                     JdbcPaperBookDatabase.earlier(dataDir, () -> store, ACCOUNT))) {
            book.open();
            assertThat(book.fills()).isEmpty();
            assertThat(dataDir.resolve(JdbcPaperBookDatabase.FILE)).doesNotExist();
        }
    }

    private static void thenEveryTradeIsThere(PaperBook book, List<PaperBook.Fill> filled) throws ExchangeException {
        assertThat(filled).hasSize(3);
        assertThat(book.fills()).isEqualTo(filled);
        assertThat(book.resting("BTCUSDT")).extracting(PaperBook.Resting::type).containsExactly(OrderType.LIMIT);
        // 1000 - 2 x 100 bought + 50 sold - 50 locked by the resting limit (the cancelled one released its lock)
        assertThat(book.freeBalance("USDT")).isEqualByComparingTo("800");
        assertThat(book.freeBalance("BTC")).isEqualByComparingTo("1.5");
    }

    private List<PaperBook.Fill> trade(PaperBook book) throws Exception {
        return PaperBookCrashes.trade(book, this::order);
    }

    /**
     * The book's files as a kill -9 leaves them at this instant: what the process wrote is in the page cache and
     * survives it; the maps' changes since the last commit were only in its heap.
     */
    private static void copyAsKilled(Path dataDir, Path to, boolean withLog) throws IOException {
        Files.createDirectories(to);
        Files.copy(dataDir.resolve(MapPaperBook.FILE), to.resolve(MapPaperBook.FILE));
        if (withLog) {
            Path log = Files.createDirectories(to.resolve(MapPaperBook.LOG_FOLDER));
            for (Path segment : segments(dataDir)) {
                Files.copy(segment, log.resolve(segment.getFileName()));
            }
        }
    }

    private static List<Path> segments(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve(MapPaperBook.LOG_FOLDER))) {
            return files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    private static Path onlySegment(Path dataDir) throws IOException {
        List<Path> segments = segments(dataDir);
        assertThat(segments).hasSize(1);
        return segments.get(0);
    }

    private OrderRequest order(Side side, OrderType type, String quantity, String limitPrice) {
        return new OrderRequest("fkm" + String.format("%032x", ++ids), "BTCUSDT", side, type,
                new BigDecimal(quantity), limitPrice == null ? null : new BigDecimal(limitPrice), null);
    }
}
