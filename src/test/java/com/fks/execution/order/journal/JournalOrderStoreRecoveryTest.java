package com.fks.execution.order.journal;

import com.fks.execution.config.Settings;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.fks.execution.order.Database;
import com.fks.execution.order.NewOrder;
import com.fks.execution.order.Order;
import com.fks.execution.order.OrderEvent;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderUpdate;
import com.fks.execution.order.RecordResult;
import com.fks.execution.order.StoreUnavailableException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The embedded store across restarts: segments deleted, damage found, an older H2 store taken over. */
final class JournalOrderStoreRecoveryTest {
    private static final Duration DAY = Duration.ofHours(24);
    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final Instant T0 = Instant.now().minusSeconds(60);

    @TempDir
    Path dataDir;

    private JournalOrderStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void shouldDeleteSegmentsTheViewHasTakenAndKeepEveryOrderReadableAcrossARestart() throws IOException {
        // given small segments: one order left open at the start, 60 filled after it
        store = open(2048);
        store.record(order("open", "alert-open"), "a", T0.plus(LEASE), DAY);
        for (int i = 0; i < 60; i++) {
            fill("o" + i);
        }

        // when the view has taken them
        fill("o-last");
        await().atMost(Duration.ofSeconds(10)).until(() -> store.find("o-last").isPresent());

        // then the journal holds no more than the last few segments (it would hold about 20)
        await().atMost(Duration.ofSeconds(10)).until(() -> segments().size() <= 3);

        // and after a restart every order is there: the open one (from the view) to execute, the filled ones
        // with their history, their alert ids still de-duplicating
        store.close();
        store = open(2048);
        assertThat(store.claimExpired("b", Instant.now(), Instant.now().plus(LEASE), 10)).containsExactly("open");
        for (String id : List.of("o0", "o30", "o-last")) {
            Order order = store.find(id).orElseThrow();
            assertThat(order.status()).as(id).isEqualTo(OrderStatus.FILLED);
            assertThat(order.events()).extracting(OrderEvent::status).as(id)
                    .containsExactly("RECEIVED", "ACCEPTED", "SUBMITTING", "SUBMITTED", "FILLED");
        }
        assertThat(store.record(order("dup", "alert-o5"), "b", T0.plus(LEASE), DAY))
                .isEqualTo(new RecordResult.Duplicate("o5"));
    }

    @Test
    void shouldStopStartUpOnDamageInTheMiddleOfTheJournalNamingTheFileAndOffset() throws IOException {
        // given three orders recorded, one byte in the middle of the journal changed
        store = open(JournalOrderStore.SEGMENT_BYTES);
        store.record(order("o1", "alert-1"), "a", T0.plus(LEASE), DAY);
        store.record(order("o2", "alert-2"), "a", T0.plus(LEASE), DAY);
        store.record(order("o3", "alert-3"), "a", T0.plus(LEASE), DAY);
        store.close();
        store = null;
        Path segment = segments().get(0);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0x5a);
        }

        // when / then
        assertThatThrownBy(() -> open(JournalOrderStore.SEGMENT_BYTES))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining(segment.toString()).hasMessageContaining("at offset");
    }

    @Test
    void shouldKeepEveryAcceptedOrderBeforeATornTailAndAcceptNewOnes() throws IOException {
        // given
        store = open(JournalOrderStore.SEGMENT_BYTES);
        store.record(order("o1", "alert-1"), "a", T0.plus(LEASE), DAY);
        store.record(order("o2", "alert-2"), "a", T0.plus(LEASE), DAY);
        store.close();
        store = null;
        Path segment = segments().get(0);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(file.length());
            file.write(new byte[]{0, 0, 1, 0, 1, 2, 3}); // a record's header and a little of it, no more
        }

        // when
        store = open(JournalOrderStore.SEGMENT_BYTES);

        // then
        assertThat(store.find("o1")).isPresent();
        assertThat(store.find("o2")).isPresent();
        assertThat(store.claimExpired("b", Instant.now(), Instant.now().plus(LEASE), 10))
                .containsExactlyInAnyOrder("o1", "o2");
        assertThat(store.record(order("o3", "alert-3"), "b", T0.plus(LEASE), DAY))
                .isEqualTo(new RecordResult.Recorded("o3"));
    }

    @Test
    void shouldTakeOverAStoreWrittenByTheH2StoreOfEarlierVersions() {
        // given a DATA_DIR as the H2 store wrote it (schema version 3): an open order, a filled one with its
        // history, alert ids, the kill switch
        // (rows as that store's SQL wrote them: today's code writes columns that schema lacks)
        try (HikariDataSource old = h2AtSchemaVersion3(); Connection c = old.getConnection();
             Statement sql = c.createStatement()) {
            long t0 = T0.toEpochMilli();
            sql.executeUpdate("INSERT INTO orders (order_id, alert_id, client_order_id, exchange, symbol, side, "
                    + "order_type, quantity, price, confidence, strategy, status, attempts, received_at, updated_at, "
                    + "lease_owner, lease_until) VALUES "
                    + "('open', 'alert-open', 'fksopen', 'paper', 'BTCUSDT', 'BUY', 'MARKET', 0.01, 64000, NULL, NULL, "
                    + "'ACCEPTED', 0, " + t0 + ", " + t0 + ", 'old-process', " + (t0 + LEASE.toMillis()) + "), "
                    + "('done', 'alert-done', 'fksdone', 'paper', 'BTCUSDT', 'BUY', 'MARKET', 0.01, 64000, NULL, NULL, "
                    + "'FILLED', 1, " + t0 + ", " + t0 + ", NULL, NULL)");
            sql.executeUpdate("UPDATE orders SET exchange_order_id = 'x1', executed_quantity = 1, average_price = 10 "
                    + "WHERE order_id = 'done'");
            sql.executeUpdate("INSERT INTO order_alerts (order_id, alert_json) VALUES ('open', '{}'), ('done', '{}')");
            sql.executeUpdate("INSERT INTO order_events (order_id, status, at_millis, detail) VALUES "
                    + "('open', 'RECEIVED', " + t0 + ", NULL), ('open', 'ACCEPTED', " + t0 + ", NULL), "
                    + "('done', 'RECEIVED', " + t0 + ", NULL), ('done', 'ACCEPTED', " + t0 + ", NULL), "
                    + "('done', 'SUBMITTING', " + t0 + ", NULL), ('done', 'SUBMITTED', " + t0 + ", NULL), "
                    + "('done', 'FILLED', " + t0 + ", 'executed 1 @ 10')");
            sql.executeUpdate("INSERT INTO alert_ids (alert_id, order_id, received_at) VALUES "
                    + "('alert-open', 'open', " + t0 + "), ('alert-done', 'done', " + t0 + ")");
            sql.executeUpdate("INSERT INTO service_state (state_name, state_value, updated_at) VALUES "
                    + "('trading_halted', 'true', " + t0 + ")");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }

        // when the journal store opens it
        store = open(JournalOrderStore.SEGMENT_BYTES);

        // then open orders are there to execute, history is kept, de-duplication and the kill switch carry over
        assertThat(store.claimExpired("new", Instant.now(), Instant.now().plus(LEASE), 10)).containsExactly("open");
        assertThat(store.find("done").orElseThrow().events()).extracting(OrderEvent::status)
                .containsExactly("RECEIVED", "ACCEPTED", "SUBMITTING", "SUBMITTED", "FILLED");
        assertThat(store.record(order("again", "alert-done"), "new", T0.plus(LEASE), DAY))
                .isEqualTo(new RecordResult.Duplicate("done"));
        assertThat(store.state("trading_halted")).contains("true");
        assertThat(store.transition("open", "new", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING),
                Instant.now())).isTrue();
    }

    @Test
    void shouldTakeOverTheSqlViewTheJournalKeptBeforeItsViewWasAFileOfMaps() {
        // given a DATA_DIR as the journal store of the previous version left it: its view in H2 tables (history
        // as one column, as its projector wrote it), two buys filled, one order open, an alert id, the kill switch,
        // and the position its view had reached, with no journal after it
        long t0 = T0.toEpochMilli();
        try (HikariDataSource old = Database.open(new Settings.Database(null, null, null), dataDir);
             Connection c = old.getConnection(); Statement sql = c.createStatement()) {
            String columns = "order_id, alert_id, client_order_id, exchange, symbol, side, order_type, quantity, price, "
                    + "confidence, strategy, status, reason, detail, exchange_order_id, executed_quantity, average_price, "
                    + "attempts, received_at, updated_at, terms, history";
            String filled = "'RECEIVED\t" + t0 + "\t\u0000\nACCEPTED\t" + t0 + "\t\u0000\nSUBMITTING\t" + t0
                    + "\t\u0000\nSUBMITTED\t" + t0 + "\t\u0000\nFILLED\t" + t0 + "\tfilled\n'";
            sql.executeUpdate("INSERT INTO orders (" + columns + ") VALUES "
                    + "('b1', 'alert-b1', 'fksb1', 'paper', 'BTCUSDT', 'BUY', 'MARKET', 1, 10, NULL, 'trend', 'FILLED', "
                    + "NULL, NULL, 'x1', 1, 10, 1, " + t0 + ", " + t0 + ", NULL, STRINGDECODE(" + filled + ")), "
                    + "('b2', 'alert-b2', 'fksb2', 'paper', 'BTCUSDT', 'BUY', 'MARKET', 3, 20, NULL, 'trend', 'FILLED', "
                    + "NULL, NULL, 'x2', 3, 20, 1, " + (t0 + 1) + ", " + (t0 + 1) + ", NULL, STRINGDECODE(" + filled
                    + ")), ('open', 'alert-open', 'fksopen', 'paper', 'BTCUSDT', 'BUY', 'MARKET', 1, 10, NULL, NULL, "
                    + "'ACCEPTED', NULL, NULL, NULL, NULL, NULL, 0, " + (t0 + 2) + ", " + (t0 + 2) + ", NULL, "
                    + "STRINGDECODE('RECEIVED\t" + t0 + "\t\u0000\nACCEPTED\t" + t0 + "\t\u0000\n'))");
            sql.executeUpdate("INSERT INTO order_alerts (order_id, alert_json) VALUES ('b1', '{\"symbol\":\"BTCUSDT\"}')");
            sql.executeUpdate("INSERT INTO alert_ids (alert_id, order_id, received_at) VALUES "
                    + "('alert-b1', 'b1', " + t0 + "), ('alert-b2', 'b2', " + (t0 + 1) + "), ('alert-open', 'open', "
                    + (t0 + 2) + ")");
            sql.executeUpdate("INSERT INTO service_state (state_name, state_value, updated_at) VALUES "
                    + "('trading_halted', 'true', " + t0 + ")");
            sql.executeUpdate("INSERT INTO journal_checkpoint (checkpoint_id, journal_position) VALUES (1, 0)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }

        // when this version opens it
        store = open(JournalOrderStore.SEGMENT_BYTES);

        // then every order, its history and alert, the position, de-duplication and the kill switch carry over
        Order b1 = store.find("b1").orElseThrow();
        assertThat(b1.events()).extracting(OrderEvent::status)
                .containsExactly("RECEIVED", "ACCEPTED", "SUBMITTING", "SUBMITTED", "FILLED");
        assertThat(b1.alertJson()).isEqualTo("{\"symbol\":\"BTCUSDT\"}");
        assertThat(store.recent(10)).extracting(Order::orderId).containsExactly("open", "b2", "b1");
        assertThat(store.position("paper", "BTCUSDT", "trend").quantity()).isEqualByComparingTo("4");
        assertThat(store.position("paper", "BTCUSDT", "trend").averageEntryPrice()).isEqualByComparingTo("17.5");
        assertThat(store.record(order("again", "alert-b2"), "new", T0.plus(LEASE), DAY))
                .isEqualTo(new RecordResult.Duplicate("b2"));
        assertThat(store.state("trading_halted")).contains("true");
        assertThat(store.claimExpired("new", Instant.now(), Instant.now().plus(LEASE), 10)).containsExactly("open");

        // and once taken over, a restart reads the new file, not the tables again
        store.close();
        store = open(JournalOrderStore.SEGMENT_BYTES);
        assertThat(store.find("b2").orElseThrow().status()).isEqualTo(OrderStatus.FILLED);
        assertThat(store.position("paper", "BTCUSDT", "trend").quantity()).isEqualByComparingTo("4");
    }

    private HikariDataSource h2AtSchemaVersion3() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("fks-execution") + ";WRITE_DELAY=0");
        config.setUsername("sa");
        config.setPassword("");
        HikariDataSource dataSource = new HikariDataSource(config);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").target("3").load().migrate();
        return dataSource;
    }

    private void fill(String id) {
        store.record(order(id, "alert-" + id), "a", T0.plus(LEASE), DAY);
        Instant at = Instant.now();
        assertThat(store.transition(id, "a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), at)).isTrue();
        assertThat(store.transition(id, "a", new OrderUpdate(OrderStatus.SUBMITTING, OrderStatus.FILLED, null, null,
                "x-" + id, new BigDecimal("0.015"), new BigDecimal("64000")), at)).isTrue();
    }

    private JournalOrderStore open(long segmentBytes) {
        HikariDataSource view = Database.open(new Settings.Database(null, null, null), dataDir);
        JournalOrderStore opened = JournalOrderStore.open(dataDir.resolve("journal"), segmentBytes, () -> view, view,
                Clock.systemUTC());
        try {
            opened.awaitOpen();
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        return opened;
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("journal"))) {
            return files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    private static NewOrder order(String orderId, String alertId) {
        return new NewOrder(orderId, alertId, "fks" + orderId, "paper", "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.015"), new BigDecimal("64000.12345678"), new BigDecimal("0.8"), "ema-cross",
                "{\"symbol\":\"BTCUSDT\",\"rsi\":null,\"note\":\"" + "x".repeat(200) + "\"}", T0);
    }
}
