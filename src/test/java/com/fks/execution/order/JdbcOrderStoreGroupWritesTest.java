package com.fks.execution.order;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.sql.Connection;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's writes as the writer groups them (a few multi-row statements for a whole group), on H2 and on
 * PostgreSQL: each test makes one group of its choosing and checks every caller got what it would have got
 * alone, one write after the other.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class JdbcOrderStoreGroupWritesTest {
    private static final Duration DAY = Duration.ofHours(24);
    private static final Duration LEASE = Duration.ofSeconds(15);

    @TempDir
    Path tempDir;

    /** Ids unique to the test, since the PostgreSQL database is shared by the run. */
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private JdbcOrderStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void shouldMakeOneOrderWhenTheSameAlertIdComesTwiceInOneGroup(String database) throws Exception {
        // given an alert id recorded earlier, and one first seen more than a day ago
        open(database);
        store.record(order("earlier", "alert-earlier", t0), "replica-a", t0.plus(LEASE), DAY);
        store.record(order("stale", "alert-stale", t0.minus(DAY).minusSeconds(60)), "replica-a", t0.plus(LEASE), DAY);

        // when one group holds the same new alert id three times, the earlier id, and the stale id twice
        List<OneGroup.Outcome> outcomes = OneGroup.run(store.writer(), List.of(
                record(order("first", "alert-new", t0)),
                record(order("second", "alert-new", t0.plusMillis(1))),
                record(order("other", "alert-other", t0)),
                record(order("again", "alert-earlier", t0)),
                record(order("third", "alert-new", t0.plusMillis(2))),
                record(order("renewed", "alert-stale", t0)),
                record(order("renewed-twice", "alert-stale", t0.plusMillis(1)))));

        // then each id made one order, and every other caller was pointed at it
        assertThat(outcomes).extracting(OneGroup.Outcome::value).containsExactly(
                new RecordResult.Recorded(id("first")),
                new RecordResult.Duplicate(id("first")),
                new RecordResult.Recorded(id("other")),
                new RecordResult.Duplicate(id("earlier")),
                new RecordResult.Duplicate(id("first")),
                new RecordResult.Recorded(id("renewed")),
                new RecordResult.Duplicate(id("renewed")));
        for (String absent : List.of("second", "third", "again", "renewed-twice")) {
            assertThat(store.find(id(absent))).isEmpty();
        }
        Order first = store.find(id("first")).orElseThrow();
        assertThat(first.status()).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(first.alertJson()).isEqualTo("{\"id\":\"" + run + "-alert-new\"}");
        assertThat(first.events()).extracting(OrderEvent::status).containsExactly("RECEIVED", "ACCEPTED");
        assertThat(store.openOrders("replica-a", OrderStatus.ACCEPTED, 100))
                .contains(id("first"), id("other"), id("renewed"));
        // and the stale id now de-duplicates against its new order
        assertThat(store.record(order("later", "alert-stale", t0.plusSeconds(1)), "replica-a", t0.plus(LEASE), DAY))
                .isEqualTo(new RecordResult.Duplicate(id("renewed")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void shouldApplyOnlyTheTransitionsWhoseOrderIsInTheStatusAndLeaseTheyExpect(String database) throws Exception {
        // given five orders of replica-a, one of them already SUBMITTING
        open(database);
        for (String o : List.of("o1", "o2", "o3", "o4", "o5")) {
            store.record(order(o, "alert-" + o, t0), "replica-a", t0.plus(LEASE), DAY);
        }
        assertThat(store.transition(id("o2"), "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING),
                t0.plusSeconds(1))).isTrue();
        Instant at = t0.plusSeconds(2);

        // when one group holds transitions that apply and others that must not
        List<OneGroup.Outcome> outcomes = OneGroup.run(store.writer(), List.of(
                transition("o1", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), at),
                transition("o2", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), at),
                transition("o3", "replica-b", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), at),
                transition("o4", "replica-a", OrderUpdate.failed(OrderStatus.ACCEPTED, OrderStatus.FAILED,
                        "circuit_open", "breaker open"), at),
                transition("o1", "replica-a", new OrderUpdate(OrderStatus.SUBMITTING, OrderStatus.FILLED, null, null,
                        "X-1", new BigDecimal("0.015"), new BigDecimal("64000.5")), at.plusMillis(1)),
                transition("o5", "replica-a", OrderUpdate.of(OrderStatus.SUBMITTING, OrderStatus.SUBMITTED), at),
                transition("missing", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), at)));

        // then exactly those whose order was in the expected status under the caller's lease applied
        assertThat(outcomes).extracting(OneGroup.Outcome::value)
                .containsExactly(true, false, false, true, true, false, false);
        Order o1 = store.find(id("o1")).orElseThrow();
        assertThat(o1.status()).isEqualTo(OrderStatus.FILLED);
        assertThat(o1.attempts()).isEqualTo(1);
        assertThat(o1.exchangeOrderId()).isEqualTo("X-1");
        assertThat(o1.executedQuantity()).isEqualByComparingTo("0.015");
        assertThat(o1.averagePrice()).isEqualByComparingTo("64000.5");
        assertThat(o1.updatedAt()).isEqualTo(at.plusMillis(1));
        assertThat(o1.events()).extracting(OrderEvent::status)
                .containsExactly("RECEIVED", "ACCEPTED", "SUBMITTING", "SUBMITTED", "FILLED");
        assertThat(o1.events().get(4).detail()).isEqualTo("executed 0.015 @ 64000.5");

        Order o2 = store.find(id("o2")).orElseThrow();
        assertThat(o2.status()).isEqualTo(OrderStatus.SUBMITTING);
        assertThat(o2.attempts()).isEqualTo(1);
        assertThat(o2.events()).extracting(OrderEvent::status).containsExactly("RECEIVED", "ACCEPTED", "SUBMITTING");

        Order o3 = store.find(id("o3")).orElseThrow();
        assertThat(o3.status()).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(o3.events()).extracting(OrderEvent::status).containsExactly("RECEIVED", "ACCEPTED");

        Order o4 = store.find(id("o4")).orElseThrow();
        assertThat(o4.status()).isEqualTo(OrderStatus.FAILED);
        assertThat(o4.reason()).isEqualTo("circuit_open");
        assertThat(o4.events()).extracting(OrderEvent::status).containsExactly("RECEIVED", "ACCEPTED", "FAILED");
        assertThat(o4.events().get(2).detail()).isEqualTo("circuit_open: breaker open");

        Order o5 = store.find(id("o5")).orElseThrow();
        assertThat(o5.status()).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(o5.events()).hasSize(2);

        // and the final ones gave their lease back, the others kept it
        assertThat(store.openOrders("replica-a", OrderStatus.ACCEPTED, 100)).contains(id("o3"), id("o5"))
                .doesNotContain(id("o4"));
        assertThat(store.openOrders("replica-a", OrderStatus.SUBMITTING, 100)).contains(id("o2"));
        assertThat(store.renewLeases("replica-a", t0.plus(LEASE).plusSeconds(1))).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void shouldFailOnlyTheWriteThatFailsAndCommitTheRestOfItsGroup(String database) throws Exception {
        // given an order, and a group whose third record the database refuses (an alert id longer than its column)
        open(database);
        store.record(order("existing", "alert-existing", t0), "replica-a", t0.plus(LEASE), DAY);
        NewOrder refused = order("refused", "x".repeat(300), t0);

        // when
        List<OneGroup.Outcome> outcomes = OneGroup.run(store.writer(), List.of(
                record(order("before", "alert-before", t0)),
                transition("existing", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), t0),
                record(refused),
                record(order("after", "alert-after", t0))));

        // then its caller alone is told the store failed; every other write is committed and answered
        assertThat(outcomes.get(0).value()).isEqualTo(new RecordResult.Recorded(id("before")));
        assertThat(outcomes.get(1).value()).isEqualTo(true);
        assertThat(outcomes.get(2).failure()).isInstanceOf(StoreUnavailableException.class);
        assertThat(outcomes.get(3).value()).isEqualTo(new RecordResult.Recorded(id("after")));
        assertThat(store.find(id("before"))).isPresent();
        assertThat(store.find(id("after"))).isPresent();
        assertThat(store.find(id("refused"))).isEmpty();
        assertThat(store.find(id("existing")).orElseThrow().status()).isEqualTo(OrderStatus.SUBMITTING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void shouldCountEachFillOfAGroupOnceInItsPosition(String database) throws Exception {
        // given two buys and a sell of one symbol, sent; a third buy sent by replica-b
        open(database);
        String symbol = "P" + run.toUpperCase();
        for (String o : List.of("b1", "b2", "s1", "other")) {
            store.record(fill(o, symbol, o.startsWith("s") ? Side.SELL : Side.BUY), o.equals("other") ? "replica-b"
                    : "replica-a", t0.plus(LEASE), DAY);
            assertThat(store.transition(id(o), o.equals("other") ? "replica-b" : "replica-a",
                    OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), t0)).isTrue();
        }
        Instant at = t0.plusSeconds(1);

        // when one group holds a partial fill and the full fill of b1, a fill of b2 at two prices, a sell, and a
        // fill that must not apply (replica-a does not hold "other")
        List<OneGroup.Outcome> outcomes = OneGroup.run(store.writer(), List.of(
                transition("b1", "replica-a", filled(OrderStatus.SUBMITTING, OrderStatus.SUBMITTED, "0.4", "100"), at),
                transition("other", "replica-a", filled(OrderStatus.SUBMITTING, OrderStatus.FILLED, "5", "90"), at),
                transition("b2", "replica-a", filled(OrderStatus.SUBMITTING, OrderStatus.FILLED, "1", "130"), at),
                transition("b1", "replica-a", filled(OrderStatus.SUBMITTED, OrderStatus.FILLED, "1", "110"), at),
                transition("s1", "replica-a", filled(OrderStatus.SUBMITTING, OrderStatus.FILLED, "0.5", "200"), at)));

        // then, in the order the updates came: b1 0.4 @ 100, b2 1 @ 130, b1's other 0.6 for 70 (1 @ 110 in all):
        // 2 held for 240, 0.5 sold: 1.5 held at 120; "other" not counted
        assertThat(outcomes).extracting(OneGroup.Outcome::value).containsExactly(true, false, true, true, true);
        Position held = store.position("paper", symbol, "trend");
        assertThat(held.quantity()).isEqualByComparingTo("1.5");
        assertThat(held.averageEntryPrice()).isEqualByComparingTo("120");
        assertThat(store.positions("paper", symbol)).hasSize(1);

        // and it is what the ledger of every fill gives, read again and again
        try (HikariDataSource again = TestDatabases.open(database, tempDir)) {
            List<Position> everyFill = new OrderReads(again).positions("paper", symbol);
            assertThat(store.positions("paper", symbol)).isEqualTo(everyFill);
            assertThat(store.positions("paper", symbol)).isEqualTo(everyFill);
        }
    }

    @Test
    void shouldRunTheBatchesThatHoldSharedRowsAfterTheGroupsOtherWrites() throws Exception {
        // given a batch that locks what every replica wants (as the transitions lock a position) and one that does not
        open("h2");
        List<String> ran = new CopyOnWriteArrayList<>();
        GroupCommitWriter.Batch<String, String> holdsSharedRows = new GroupCommitWriter.Batch<>() {
            @Override
            public List<String> run(Connection c, List<String> requests) {
                ran.addAll(requests);
                return requests;
            }

            @Override
            public boolean last() {
                return true;
            }
        };

        // when the group holds it first, then a plain write
        OneGroup.run(store.writer(), List.of(
                () -> store.writer().write("shared", holdsSharedRows, "shared"),
                () -> store.writer().write("plain", c -> ran.add("plain"))));

        // then the plain write ran first
        assertThat(ran).containsExactly("plain", "shared");
    }

    private NewOrder fill(String name, String symbol, Side side) {
        return new NewOrder(id(name), id("alert-" + name), "fks" + id(name), "paper", symbol, side, OrderType.MARKET,
                BigDecimal.ONE, null, null, "trend", "{}", t0);
    }

    private static OrderUpdate filled(OrderStatus from, OrderStatus to, String executed, String averagePrice) {
        return new OrderUpdate(from, to, null, null, "X", new BigDecimal(executed), new BigDecimal(averagePrice));
    }

    private void open(String database) {
        HikariDataSource dataSource = TestDatabases.open(database, tempDir);
        store = new JdbcOrderStore(dataSource, dataSource, Duration.ofSeconds(60));
    }

    private Callable<Object> record(NewOrder order) {
        return () -> store.record(order, "replica-a", t0.plus(LEASE), DAY);
    }

    private Callable<Object> transition(String order, String owner, OrderUpdate update, Instant at) {
        return () -> store.transition(id(order), owner, update, at);
    }

    private String id(String name) {
        return run + "-" + name;
    }

    private NewOrder order(String name, String alertId, Instant receivedAt) {
        String alert = alertId.length() > 200 ? alertId : id(alertId);
        return new NewOrder(id(name), alert, "fks" + id(name), "paper", "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.015"), new BigDecimal("64000"), new BigDecimal("0.8"), "ema-cross",
                "{\"id\":\"" + alert + "\"}", receivedAt);
    }
}
