package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the embedded book writes to its file: at light load every place is a commit of its own, and the book's
 * file is on the disk the journal forces. With H2's default 16 KiB pages each lone place wrote about 15 KB.
 */
final class PaperBookFileTest {
    private static final int PLACES = 400;

    @TempDir
    Path dataDir;

    @Test
    void shouldWriteAFewKilobytesForAPlaceCommittedAlone() throws Exception {
        try (HikariDataSource file = JdbcPaperBookDatabase.open(dataDir);
             JdbcPaperBook book = JdbcPaperBook.embedded(file, Map.of("USDT", new BigDecimal("100000000")))) {
            PaperExchange paper = new PaperExchange(book, Duration.ZERO, 0, Clock.systemUTC());
            paper.observePrice("BTCUSDT", new BigDecimal("60000"));
            paper.place(buy(0)); // the tables' first pages
            long before = Files.size(dataDir.resolve("paper-exchange.mv.db"));

            for (int i = 1; i <= PLACES; i++) {
                paper.place(buy(i));
            }

            long perPlace = (Files.size(dataDir.resolve("paper-exchange.mv.db")) - before) / PLACES;
            assertThat(perPlace).as("bytes written to the book's file per lone place").isLessThan(8 * 1024);
        }
    }

    private static OrderRequest buy(int n) {
        // Time first, like the service's client order ids: each insert lands in the last leaf of the index.
        return new OrderRequest(String.format("fks%012x%020d", 1_796_000_000_000L, n), "BTCUSDT", Side.BUY,
                OrderType.MARKET, new BigDecimal("0.001"), null, null);
    }
}
