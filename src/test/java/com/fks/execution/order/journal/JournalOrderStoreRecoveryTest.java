package com.fks.execution.order.journal;

import com.fks.execution.config.Settings;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.fks.execution.order.Database;
import com.fks.execution.order.JdbcOrderStore;
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
        HikariDataSource old = h2AtSchemaVersion3();
        JdbcOrderStore h2 = new JdbcOrderStore(old, old);
        h2.record(order("open", "alert-open"), "old-process", T0.plus(LEASE), DAY);
        h2.record(order("done", "alert-done"), "old-process", T0.plus(LEASE), DAY);
        h2.transition("done", "old-process", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), T0);
        h2.transition("done", "old-process", new OrderUpdate(OrderStatus.SUBMITTING, OrderStatus.FILLED, null, null,
                "x1", BigDecimal.ONE, BigDecimal.TEN), T0);
        h2.setState("trading_halted", "true", T0);
        h2.close();

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
