package com.fks.execution.exchange.paper;

import com.fks.execution.config.Settings;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.Database;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The paper exchange's book in a file of its own, taking over the fills an earlier version kept. */
final class JdbcPaperBookDatabaseTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldTakeOverTheFillsOfTheStoresDatabaseOnceAndFindThemByClientOrderId() throws Exception {
        // given fills kept, as earlier versions did, in the store's own database
        try (HikariDataSource store = Database.open(new Settings.Database(null, null, null), dataDir);
             HikariDataSource book = JdbcPaperBookDatabase.open(dataDir)) {
            try (PaperBook earlier = new JdbcPaperBook(store)) {
                earlier.fill(request("fks1"), "p1", new BigDecimal("64000"), Instant.now());
                earlier.fill(request("fks2"), "p2", new BigDecimal("64001"), Instant.now());
            }

            // when the book of its own opens beside it
            int imported = JdbcPaperBookDatabase.importFrom(store, book);
            int again = JdbcPaperBookDatabase.importFrom(store, book);

            // then the fills are there, once, and a lookup after the upgrade finds them instead of filling again
            assertThat(imported).isEqualTo(2);
            assertThat(again).isZero();
            try (PaperBook paper = new JdbcPaperBook(book)) {
                assertThat(paper.fills()).extracting(PaperBook.Fill::clientOrderId).containsExactlyInAnyOrder("fks1", "fks2");
                assertThat(paper.find("fks2")).get().satisfies(o -> assertThat(o.exchangeOrderId()).isEqualTo("p2"));
            }
        }
    }

    private static OrderRequest request(String clientOrderId) {
        return new OrderRequest(clientOrderId, "BTCUSDT", Side.BUY, OrderType.MARKET, new BigDecimal("0.01"), null,
                new BigDecimal("64000"));
    }
}
