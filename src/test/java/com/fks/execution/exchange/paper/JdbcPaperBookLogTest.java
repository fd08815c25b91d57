package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.OrderRequest;
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

/**
 * The embedded paper book's log of changes: H2 keeps the book's commits in memory until a checkpoint, so what a
 * crash must not take is in the log. Each test crashes the book before any checkpoint (H2's SHUTDOWN IMMEDIATELY
 * drops what it had not written, as a kill -9 does) and opens it again.
 */
final class JdbcPaperBookLogTest {
    /** No checkpoint in the test's time: only the log holds the orders placed after the book opened. */
    private static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path dataDir;
    private int ids;

    @Test
    void shouldKeepEveryOrderTheFileHadNotCaughtUpWithThroughACrash() throws Exception {
        // given a book that filled, rested and cancelled orders, then crashed before writing them to its file
        List<PaperBook.Fill> filled = tradeAndCrash();

        // when the file is opened without its log, and then with it
        Path withoutLog = Files.createDirectory(dataDir.resolve("copy"));
        Files.copy(dataDir.resolve("paper-exchange.mv.db"), withoutLog.resolve("paper-exchange.mv.db"));

        // then without the log the orders are gone (the file alone would have lost them), with it every one is back
        try (HikariDataSource file = JdbcPaperBookDatabase.open(withoutLog)) {
            assertThat(new JdbcPaperBook(file).fills()).isEmpty();
        }
        try (HikariDataSource file = JdbcPaperBookDatabase.open(dataDir);
             JdbcPaperBook book = book(file, "1000")) {
            book.open();
            assertThat(filled).hasSize(3);
            assertThat(book.fills()).isEqualTo(filled);
            assertThat(book.resting("BTCUSDT")).extracting(PaperBook.Resting::type)
                    .containsExactly(OrderType.LIMIT);
            // 1000 - 2 x 100 bought + 50 sold - 50 locked by the resting limit (the cancelled one released its lock)
            assertThat(book.freeBalance("USDT")).isEqualByComparingTo("800");
            assertThat(book.freeBalance("BTC")).isEqualByComparingTo("1.5");
        }
    }

    @Test
    void shouldCutAChangeTornAtTheEndOfTheLogAndKeepTheOnesBeforeIt() throws Exception {
        // given a crashed book whose log ends in a record cut short (a crash in the middle of writing it)
        List<PaperBook.Fill> filled = tradeAndCrash();
        Path segment = onlySegment();
        PaperBookCrashes.tearTail(segment);

        // when it opens again
        try (HikariDataSource file = JdbcPaperBookDatabase.open(dataDir);
             JdbcPaperBook book = book(file, "1000")) {
            book.open();

            // then the torn record is gone and every order before it is there
            assertThat(book.fills()).isEqualTo(filled);
            assertThat(book.freeBalance("USDT")).isEqualByComparingTo("800");
        }
    }

    @Test
    void shouldRefuseToOpenABookWhoseLogIsDamagedBeforeItsEnd() throws Exception {
        // given a crashed book whose log has a byte changed inside its first record, with records after it
        tradeAndCrash();
        Path segment = onlySegment();
        PaperBookCrashes.damageFirstRecord(segment);

        // when it opens again, then it refuses, naming the file and the offset, rather than lose what follows
        try (HikariDataSource file = JdbcPaperBookDatabase.open(dataDir);
             JdbcPaperBook book = book(file, "1000")) {
            PaperBookCrashes.assertRefusesToOpen(book::open, segment);
        }
    }

    @Test
    void shouldFailAnOrderWhoseChangeTheFullDiskRefusedAndKeepNothingOfIt() throws Exception {
        // given a book whose log is on a disk that is full
        try (Tmpfs tmpfs = Tmpfs.mount(dataDir, "256k", "JdbcPaperBookLogTest")) {
            Path disk = tmpfs.root();
            Path logFolder = disk.resolve("paper-exchange-log");
            OrderRequest refused = order(Side.BUY, OrderType.MARKET, "1", null);
            try (HikariDataSource file = JdbcPaperBookDatabase.open(dataDir);
                 JdbcPaperBook book = JdbcPaperBook.embedded(file, Map.of("USDT", new BigDecimal("1000")), logFolder,
                         NEVER)) {
                book.open();
                PaperExchange paper = new PaperExchange(book, Duration.ZERO, 0, Clock.systemUTC());
                paper.observePrice("BTCUSDT", new BigDecimal("100"));
                Path filler = disk.resolve("filler");
                Tmpfs.fill(filler);

                // when an order comes
                // then it fails with its outcome unknown, and neither the book nor the balances keep it
                assertThatThrownBy(() -> paper.place(refused)).isInstanceOf(ExchangeException.class)
                        .hasStackTraceContaining("the paper book's log could not be written");
                assertThat(book.find(refused.clientOrderId())).isEmpty();
                assertThat(book.freeBalance("USDT")).isEqualByComparingTo("1000");

                // and once there is room again, the same order (as the engine sends it again) fills once
                Files.delete(filler);
                paper.place(refused);
                assertThat(book.fills()).extracting(PaperBook.Fill::clientOrderId)
                        .containsExactly(refused.clientOrderId());
                crash(file);
            }

            // and after a crash the book has it once, with the balance it moved
            try (HikariDataSource file = JdbcPaperBookDatabase.open(dataDir);
                 JdbcPaperBook book = JdbcPaperBook.embedded(file, Map.of("USDT", new BigDecimal("1000")), logFolder,
                         NEVER)) {
                book.open();
                assertThat(book.fills()).extracting(PaperBook.Fill::clientOrderId)
                        .containsExactly(refused.clientOrderId());
                assertThat(book.freeBalance("USDT")).isEqualByComparingTo("900");
            }
        }
    }

    private static void crash(HikariDataSource file) {
        try (Connection c = file.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN IMMEDIATELY");
        } catch (SQLException expected) {
            // the database closes under the statement
        }
    }

    /**
     * Buys 1 BTC at 100 twice, sells 0.5 at 100, rests a limit buy and a second one that it cancels; then crashes
     * (no checkpoint since the book opened). Returns the fills as the book saw them before the crash.
     */
    private List<PaperBook.Fill> tradeAndCrash() throws Exception {
        HikariDataSource file = JdbcPaperBookDatabase.open(dataDir);
        JdbcPaperBook book = book(file, "1000");
        List<PaperBook.Fill> fills = PaperBookCrashes.trade(book, this::order);
        crash(file);
        book.close(); // the log's lock goes with the process
        file.close();
        return fills;
    }

    private JdbcPaperBook book(HikariDataSource file, String usdt) {
        return JdbcPaperBook.embedded(file, Map.of("USDT", new BigDecimal(usdt)),
                JdbcPaperBookDatabase.logFolder(dataDir), NEVER);
    }

    private OrderRequest order(Side side, OrderType type, String quantity, String limitPrice) {
        return new OrderRequest("fkl" + String.format("%032x", ++ids), "BTCUSDT", side, type,
                new BigDecimal(quantity), limitPrice == null ? null : new BigDecimal(limitPrice), null);
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> files = Files.list(JdbcPaperBookDatabase.logFolder(dataDir))) {
            List<Path> segments = files.filter(p -> p.toString().endsWith(".log")).toList();
            assertThat(segments).hasSize(1);
            return segments.get(0);
        }
    }
}
