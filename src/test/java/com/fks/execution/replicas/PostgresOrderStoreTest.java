package com.fks.execution.replicas;

import com.fks.execution.config.Settings;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.fks.execution.execution.ExecutionEngine;
import com.fks.execution.intake.OrderIds;
import com.fks.execution.order.Database;
import com.fks.execution.order.JdbcOrderStore;
import com.fks.execution.order.NewOrder;
import com.fks.execution.order.Order;
import com.fks.execution.order.OrderTerms;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderUpdate;
import com.fks.execution.order.RecordResult;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order store on a real PostgreSQL, as the replicas use it: the same migrations as H2, and the races
 * that only show when two processes share one database. Two stores on two pools stand for two replicas.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
final class PostgresOrderStoreTest {
    private static final Duration LEASE = Duration.ofSeconds(15);
    private static SharedStores stores;
    private static HikariDataSource poolA;
    private static HikariDataSource poolB;
    private static JdbcOrderStore replicaA;
    private static JdbcOrderStore replicaB;

    @BeforeAll
    static void startPostgres() throws Exception {
        stores = SharedStores.start();
        Settings.Database settings = new Settings.Database(stores.jdbcUrl(), "postgres", null);
        poolA = Database.open(settings, Path.of("unused"));
        poolB = Database.open(settings, Path.of("unused"));
        replicaA = new JdbcOrderStore(poolA, poolA);
        replicaB = new JdbcOrderStore(poolB, poolB);
    }

    @AfterAll
    static void stop() {
        if (replicaA != null) {
            replicaA.close();
            replicaB.close();
        }
        if (stores != null) {
            stores.close();
        }
    }

    private static NewOrder newOrder(String alertId, Instant receivedAt) {
        String orderId = OrderIds.newOrderId();
        return new NewOrder(orderId, alertId, OrderIds.clientOrderId(orderId), "paper", "BTCUSDT", Side.BUY,
                OrderType.MARKET, new BigDecimal("0.001"), new BigDecimal("65000"), BigDecimal.ONE, null,
                "{\"id\":\"" + alertId + "\"}", receivedAt);
    }

    @Test
    void shouldRecordExactlyOneOrderWhenTwoReplicasRecordTheSameAlertAtOnce() throws Exception {
        // given two replicas and 40 alerts, each arriving at both at the same instant
        int alerts = 40;
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < alerts; i++) {
                String alertId = "race-" + i;
                CyclicBarrier together = new CyclicBarrier(2);
                Future<RecordResult> a = threads.submit(() -> {
                    together.await();
                    return replicaA.record(newOrder(alertId, Instant.now()), "owner-a",
                            Instant.now().plus(LEASE), ExecutionEngine.DEDUP_WINDOW);
                });
                Future<RecordResult> b = threads.submit(() -> {
                    together.await();
                    return replicaB.record(newOrder(alertId, Instant.now()), "owner-b",
                            Instant.now().plus(LEASE), ExecutionEngine.DEDUP_WINDOW);
                });

                // then exactly one is recorded, and the other points at the winner's order
                List<RecordResult> results = List.of(a.get(10, TimeUnit.SECONDS), b.get(10, TimeUnit.SECONDS));
                assertThat(results).filteredOn(r -> r instanceof RecordResult.Recorded).hasSize(1);
                assertThat(results).filteredOn(r -> r instanceof RecordResult.Duplicate).hasSize(1);
                assertThat(results.get(0).orderId()).isEqualTo(results.get(1).orderId());
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(stores.count("SELECT count(*) FROM orders WHERE alert_id LIKE 'race-%'")).isEqualTo(alerts);
    }

    @Test
    void shouldTreatAnAlertIdSeenMoreThanADayAgoAsNewOnPostgres() {
        // given an alert id first seen 25 hours ago
        Instant longAgo = Instant.now().minus(Duration.ofHours(25));
        RecordResult first = replicaA.record(newOrder("stale-1", longAgo), "owner-a", Instant.now().plus(LEASE),
                ExecutionEngine.DEDUP_WINDOW);

        // when it arrives again now, then it makes a new order; a third time, it is a duplicate of the second
        RecordResult again = replicaB.record(newOrder("stale-1", Instant.now()), "owner-b", Instant.now().plus(LEASE),
                ExecutionEngine.DEDUP_WINDOW);
        RecordResult third = replicaA.record(newOrder("stale-1", Instant.now()), "owner-a", Instant.now().plus(LEASE),
                ExecutionEngine.DEDUP_WINDOW);
        assertThat(first).isInstanceOf(RecordResult.Recorded.class);
        assertThat(again).isInstanceOf(RecordResult.Recorded.class);
        assertThat(third).isEqualTo(new RecordResult.Duplicate(again.orderId()));
    }

    @Test
    void shouldRunThePostgresOnlyMigrationsThatDropTheEventsForeignKey() throws Exception {
        // given the stores opened above (Database.open migrates), then the events table has no foreign key:
        // the writer only inserts events of rows its statement just wrote (db/postgresql/V8)
        assertThat(stores.count("SELECT count(*) FROM pg_constraint WHERE conrelid = 'order_events'::regclass "
                + "AND contype = 'f'")).isZero();
        assertThat(stores.count("SELECT count(*) FROM flyway_schema_history WHERE version = '8' AND success"))
                .isEqualTo(1);
    }

    @Test
    void shouldGiveTheEngineTheOrderItJustRecordedAsTheDatabaseHoldsIt() {
        // given an order recorded by replica A, its numbers with trailing zeros, a stop-loss in its terms
        String orderId = OrderIds.newOrderId();
        Instant receivedAt = Instant.now();
        NewOrder order = new NewOrder(orderId, "fresh-1", OrderIds.clientOrderId(orderId), "paper", "ETHUSDT",
                Side.SELL, OrderType.LIMIT, new BigDecimal("0.150"), new BigDecimal("3100.50"),
                new BigDecimal("0.850"), "trend", "{\"id\":\"fresh-1\"}", receivedAt,
                OrderTerms.decode("sl=%2.5"));
        assertThat(replicaA.record(order, "owner-a", receivedAt.plus(LEASE), ExecutionEngine.DEDUP_WINDOW))
                .isEqualTo(new RecordResult.Recorded(orderId));

        // when A's engine reads it (from what A recorded) and B reads it (from the database)
        Order fromRecord = replicaA.findForExecution(orderId).orElseThrow();
        Order fromDatabase = replicaB.findForExecution(orderId).orElseThrow();

        // then both are the same order, but for the time of the record's commit
        assertThat(fromRecord).usingRecursiveComparison().ignoringFields("updatedAt").isEqualTo(fromDatabase);
        assertThat(fromRecord.status()).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(fromRecord.terms().stopLoss()).isNotNull();

        // and A's next read is the database's: after a transition it shows the new status, not the record
        assertThat(replicaA.transition(orderId, "owner-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING),
                Instant.now())).isTrue();
        assertThat(replicaA.findForExecution(orderId).orElseThrow().status()).isEqualTo(OrderStatus.SUBMITTING);
    }

    @Test
    void shouldGiveEachExpiredOrderToExactlyOneReplicaWhenBothClaimAtOnce() throws Exception {
        // given 60 open orders whose owner stopped renewing (lease already expired)
        Instant past = Instant.now().minusSeconds(60);
        Set<String> orphans = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            RecordResult r = replicaA.record(newOrder("orphan-" + i, Instant.now()), "dead-owner", past,
                    ExecutionEngine.DEDUP_WINDOW);
            orphans.add(r.orderId());
        }

        // when two replicas claim expired orders at the same moment
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        List<String> claimedByA;
        List<String> claimedByB;
        try {
            Future<List<String>> a = threads.submit(() -> {
                together.await();
                return replicaA.claimExpired("owner-a", Instant.now(), Instant.now().plus(LEASE), 500);
            });
            Future<List<String>> b = threads.submit(() -> {
                together.await();
                return replicaB.claimExpired("owner-b", Instant.now(), Instant.now().plus(LEASE), 500);
            });
            claimedByA = a.get(20, TimeUnit.SECONDS);
            claimedByB = b.get(20, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        // then every orphan has exactly one new owner, and the store agrees with what each was told
        List<String> all = new ArrayList<>(claimedByA);
        all.addAll(claimedByB);
        assertThat(all).doesNotHaveDuplicates();
        assertThat(all).containsAll(orphans);
        for (String id : claimedByA) {
            assertThat(stores.strings("SELECT lease_owner FROM orders WHERE order_id = ?", id)).containsExactly("owner-a");
        }
        for (String id : claimedByB) {
            assertThat(stores.strings("SELECT lease_owner FROM orders WHERE order_id = ?", id)).containsExactly("owner-b");
        }
        // and the old owner can no longer move them
        String one = orphans.iterator().next();
        assertThat(replicaA.transition(one, "dead-owner", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING),
                Instant.now())).isFalse();
    }
}
