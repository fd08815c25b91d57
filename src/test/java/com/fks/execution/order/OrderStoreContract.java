package com.fks.execution.order;

import com.fks.execution.config.SettingsLoader;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every order store promises (the {@link OrderStore} contract), run against each store by its test:
 * de-duplication, the transition table, leases and their hand-over, history, state, reopening.
 */
abstract class OrderStoreContract {
    protected static final Duration DAY = Duration.ofHours(24);
    protected static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    protected static final Duration LEASE = Duration.ofSeconds(15);

    @TempDir
    protected Path tempDir;

    protected OrderStore store;

    @BeforeEach
    void openStore() {
        store = open();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void shouldReportEachDurableWriteToItsObserverBeforeItsCallerReturns() {
        // given an observer of the store's durable writes
        store.awaitOpen();
        List<long[]> groups = Collections.synchronizedList(new ArrayList<>());
        store.observeCommits((changes, nanos) -> groups.add(new long[] {changes, nanos}));

        // when an order is recorded, then moved on twice, one call after the other
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);
        int afterRecord = groups.size();
        store.transition("o1", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), T0);
        store.transition("o1", "replica-a", OrderUpdate.of(OrderStatus.SUBMITTING, OrderStatus.FILLED), T0);

        // then each call's write was reported by the time it returned, with the time it took
        assertThat(afterRecord).as("the record's write").isGreaterThanOrEqualTo(1);
        assertThat(groups.size()).isGreaterThanOrEqualTo(3);
        assertThat(groups.stream().mapToLong(g -> g[0]).sum()).as("changes in all").isGreaterThanOrEqualTo(3);
        assertThat(groups).allSatisfy(g -> {
            assertThat(g[0]).as("changes").isPositive();
            assertThat(g[1]).as("nanoseconds").isPositive();
        });
    }

    @Test
    void shouldRecordAnOrderWithItsFieldsAndFirstEvents() {
        // given
        NewOrder order = order("o1", "alert-1", T0);

        // when
        RecordResult result = store.record(order, "replica-a", T0.plus(LEASE), DAY);

        // then
        assertThat(result).isEqualTo(new RecordResult.Recorded("o1"));
        Order stored = store.find("o1").orElseThrow();
        assertThat(stored.alertId()).isEqualTo("alert-1");
        assertThat(stored.clientOrderId()).isEqualTo("fkso1");
        assertThat(stored.exchange()).isEqualTo("paper");
        assertThat(stored.symbol()).isEqualTo("BTCUSDT");
        assertThat(stored.side()).isEqualTo(Side.BUY);
        assertThat(stored.type()).isEqualTo(OrderType.MARKET);
        assertThat(stored.quantity()).isEqualByComparingTo("0.015");
        assertThat(stored.price()).isEqualByComparingTo("64000.12345678");
        assertThat(stored.confidence()).isEqualByComparingTo("0.8");
        assertThat(stored.strategy()).isEqualTo("ema-cross");
        assertThat(stored.alertJson()).isEqualTo("{\"symbol\":\"BTCUSDT\",\"rsi\":null}");
        assertThat(stored.status()).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(stored.attempts()).isZero();
        assertThat(stored.receivedAt()).isEqualTo(T0);
        assertThat(stored.events()).extracting(OrderEvent::status).containsExactly("RECEIVED", "ACCEPTED");
        assertThat(stored.events().get(0).at()).isEqualTo(T0);
    }

    @Test
    void shouldHandOverANewOrderOnceBeforeAnsweringAndNeverADuplicate() {
        // given
        List<RecordResult.Recorded> handedOver = new ArrayList<>();

        // when the same alert is recorded twice, the first time as an order to send as it is
        RecordResult first = store.recordAndHandOver(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY,
                true, handedOver::add);
        List<RecordResult.Recorded> afterFirst = List.copyOf(handedOver);
        RecordResult again = store.recordAndHandOver(order("o2", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY,
                true, handedOver::add);

        // then the new order was handed over before the call returned, the duplicate never
        assertThat(afterFirst).containsExactly((RecordResult.Recorded) first);
        assertThat(again).isEqualTo(new RecordResult.Duplicate("o1"));
        assertThat(handedOver).hasSize(1);
        // and it is either recorded with its step to SUBMITTING, as the result says, or left for the engine
        Order stored = store.find("o1").orElseThrow();
        if (((RecordResult.Recorded) first).submitting()) {
            assertThat(stored.status()).isEqualTo(OrderStatus.SUBMITTING);
            assertThat(stored.attempts()).isEqualTo(1);
            assertThat(stored.events()).extracting(OrderEvent::status)
                    .containsExactly("RECEIVED", "ACCEPTED", "SUBMITTING");
        } else {
            assertThat(stored.status()).isEqualTo(OrderStatus.ACCEPTED);
        }
    }

    @Test
    void shouldRecordAnOrderNotSentAsItIsWithoutItsStepToSubmitting() {
        // when
        RecordResult result = store.recordAndHandOver(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY,
                false, recorded -> { });

        // then
        assertThat(result).isEqualTo(new RecordResult.Recorded("o1", false));
        assertThat(store.find("o1").orElseThrow().status()).isEqualTo(OrderStatus.ACCEPTED);
    }

    @Test
    void shouldKeepTextExactlyAsGivenWhateverItsCharacters() {
        // given text with what a literal, an array or a CSV would have to escape, and characters beyond ASCII
        String awkward = "NULL, {\"q\": \"a\\\"b\"} (x) 'y' \\n é 日本 😀";
        NewOrder o = new NewOrder("o1", "alert " + awkward, "fkso1", "paper", "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.015"), null, null, awkward, "{\"note\":\"" + awkward.replace("\\", "\\\\")
                .replace("\"", "\\\"") + "\"}", T0);
        store.record(o, "replica-a", T0.plus(LEASE), DAY);

        // when it fails with a detail made of the same text
        store.transition("o1", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), T0);
        store.transition("o1", "replica-a", new OrderUpdate(OrderStatus.SUBMITTING, OrderStatus.REJECTED, "venue",
                awkward, null, null, null), T0.plusSeconds(1));

        // then every text reads back as it was given
        Order stored = store.find("o1").orElseThrow();
        assertThat(stored.alertId()).isEqualTo("alert " + awkward);
        assertThat(stored.strategy()).isEqualTo(awkward);
        assertThat(stored.alertJson()).isEqualTo(o.alertJson());
        assertThat(stored.detail()).isEqualTo(awkward);
        assertThat(store.record(o, "replica-a", T0.plus(LEASE), DAY)).isEqualTo(new RecordResult.Duplicate("o1"));
    }

    @Test
    void shouldAnswerEmptyForAnUnknownOrder() {
        // when / then
        assertThat(store.find("nope")).isEmpty();
    }

    @Test
    void shouldAnswerTheFirstOrderForTheSameAlertIdWithin24Hours() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);

        // when
        RecordResult soon = store.record(order("o2", "alert-1", T0.plusSeconds(5)), "replica-b", T0.plus(LEASE), DAY);
        RecordResult atTheEdge = store.record(order("o3", "alert-1", T0.plus(DAY)), "replica-b", T0.plus(LEASE), DAY);

        // then
        assertThat(soon).isEqualTo(new RecordResult.Duplicate("o1"));
        assertThat(atTheEdge).isEqualTo(new RecordResult.Duplicate("o1"));
        assertThat(store.find("o2")).isEmpty();
        assertThat(store.find("o3")).isEmpty();
        assertThat(store.recent(10)).extracting(Order::orderId).containsExactly("o1");
    }

    @Test
    void shouldMakeANewOrderForTheSameAlertIdAfter24Hours() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);
        Instant nextDay = T0.plus(DAY).plusMillis(1);

        // when
        RecordResult later = store.record(order("o2", "alert-1", nextDay), "replica-a", nextDay.plus(LEASE), DAY);
        RecordResult resent = store.record(order("o3", "alert-1", nextDay.plusSeconds(1)), "replica-a", nextDay.plus(LEASE), DAY);

        // then: a new order, and the window now runs from the new one
        assertThat(later).isEqualTo(new RecordResult.Recorded("o2"));
        assertThat(resent).isEqualTo(new RecordResult.Duplicate("o2"));
        assertThat(store.recent(10)).extracting(Order::orderId).containsExactly("o2", "o1");
    }

    @Test
    void shouldMakeExactlyOneOrderWhenReplicasRecordTheSameAlertAtOnce() throws Exception {
        // given
        int replicas = 6;
        List<Callable<RecordResult>> calls = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int i = 0; i < replicas; i++) {
            String orderId = "race" + i;
            calls.add(() -> {
                start.await();
                return store.record(order(orderId, "alert-race", T0), "replica-" + orderId, T0.plus(LEASE), DAY);
            });
        }

        // when
        List<RecordResult> results = runTogether(calls, start);

        // then
        List<RecordResult> recorded = results.stream().filter(r -> r instanceof RecordResult.Recorded).toList();
        assertThat(recorded).hasSize(1);
        String winner = recorded.get(0).orderId();
        assertThat(results).allSatisfy(r -> assertThat(r.orderId()).isEqualTo(winner));
        assertThat(store.recent(10)).extracting(Order::orderId).containsExactly(winner);
    }

    @Test
    void shouldApplyAnAllowedTransitionByTheLeaseOwner() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);
        Instant at = T0.plusSeconds(1);

        // when
        boolean applied = store.transition("o1", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), at);

        // then
        assertThat(applied).isTrue();
        Order order = store.find("o1").orElseThrow();
        assertThat(order.status()).isEqualTo(OrderStatus.SUBMITTING);
        assertThat(order.attempts()).isEqualTo(1);
        assertThat(order.updatedAt()).isEqualTo(at);
        assertThat(order.events()).extracting(OrderEvent::status).containsExactly("RECEIVED", "ACCEPTED", "SUBMITTING");
    }

    @Test
    void shouldRecordAFillWithItsDetailsAndTheImpliedAcknowledgement() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);
        store.transition("o1", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), T0.plusSeconds(1));

        // when
        boolean applied = store.transition("o1", "replica-a", new OrderUpdate(OrderStatus.SUBMITTING, OrderStatus.FILLED,
                null, null, "X-1", new BigDecimal("0.015"), new BigDecimal("64000.5")), T0.plusSeconds(2));

        // then
        assertThat(applied).isTrue();
        Order order = store.find("o1").orElseThrow();
        assertThat(order.status()).isEqualTo(OrderStatus.FILLED);
        assertThat(order.exchangeOrderId()).isEqualTo("X-1");
        assertThat(order.executedQuantity()).isEqualByComparingTo("0.015");
        assertThat(order.averagePrice()).isEqualByComparingTo("64000.5");
        assertThat(order.events()).extracting(OrderEvent::status)
                .containsExactly("RECEIVED", "ACCEPTED", "SUBMITTING", "SUBMITTED", "FILLED");
        assertThat(order.events().get(4).detail()).isEqualTo("executed 0.015 @ 64000.5");
    }

    @Test
    void shouldRefuseATransitionByAnotherOwner() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);

        // when
        boolean applied = store.transition("o1", "replica-b", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING),
                T0.plusSeconds(1));

        // then
        assertThat(applied).isFalse();
        assertThat(store.find("o1").orElseThrow().status()).isEqualTo(OrderStatus.ACCEPTED);
        assertThat(store.find("o1").orElseThrow().events()).hasSize(2);
    }

    @Test
    void shouldRefuseATransitionFromAStatusTheOrderIsNoLongerIn() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);
        store.transition("o1", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), T0.plusSeconds(1));

        // when: a second worker still believes the order is ACCEPTED
        boolean applied = store.transition("o1", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING),
                T0.plusSeconds(2));

        // then
        assertThat(applied).isFalse();
        assertThat(store.find("o1").orElseThrow().attempts()).isEqualTo(1);
    }

    @Test
    void shouldThrowForATransitionOutsideTheTableAndChangeNothing() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);

        // when / then
        assertThatThrownBy(() -> store.transition("o1", "replica-a",
                OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.FILLED), T0.plusSeconds(1)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(store.find("o1").orElseThrow().status()).isEqualTo(OrderStatus.ACCEPTED);
    }

    @Test
    void shouldReleaseTheLeaseWhenTheOrderReachesAFinalStatus() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);

        // when
        store.transition("o1", "replica-a", OrderUpdate.failed(OrderStatus.ACCEPTED, OrderStatus.FAILED, "circuit_open",
                "binance breaker open for 120 s"), T0.plusSeconds(1));

        // then: nobody can claim or renew it, it is no longer open
        Order order = store.find("o1").orElseThrow();
        assertThat(order.status()).isEqualTo(OrderStatus.FAILED);
        assertThat(order.reason()).isEqualTo("circuit_open");
        assertThat(order.detail()).isEqualTo("binance breaker open for 120 s");
        assertThat(store.renewLeases("replica-a", T0.plusSeconds(60))).isZero();
        assertThat(store.claimExpired("replica-b", T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(2)), 10)).isEmpty();
        assertThat(store.openOrders("replica-a", OrderStatus.ACCEPTED, 10)).isEmpty();
    }

    @Test
    void shouldNotLetAnotherOwnerClaimALeaseBeforeItExpires() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);

        // when
        List<String> early = store.claimExpired("replica-b", T0.plus(LEASE).minusMillis(1), T0.plusSeconds(60), 10);
        List<String> atExpiry = store.claimExpired("replica-b", T0.plus(LEASE), T0.plusSeconds(60), 10);

        // then
        assertThat(early).isEmpty();
        assertThat(atExpiry).isEmpty();
        assertThat(store.openOrders("replica-a", OrderStatus.ACCEPTED, 10)).containsExactly("o1");
    }

    @Test
    void shouldLetExactlyOneOfTwoOwnersClaimAnExpiredLease() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);
        Instant later = T0.plus(LEASE).plusSeconds(1);

        // when
        List<String> b = store.claimExpired("replica-b", later, later.plus(LEASE), 10);
        List<String> c = store.claimExpired("replica-c", later, later.plus(LEASE), 10);

        // then
        assertThat(b).containsExactly("o1");
        assertThat(c).isEmpty();
        assertThat(store.openOrders("replica-b", OrderStatus.ACCEPTED, 10)).containsExactly("o1");
        assertThat(store.openOrders("replica-a", OrderStatus.ACCEPTED, 10)).isEmpty();
        assertThat(store.transition("o1", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING),
                later)).isFalse();
        assertThat(store.transition("o1", "replica-b", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING),
                later)).isTrue();
    }

    @Test
    void shouldLetExactlyOneOwnerWinEachExpiredOrderWhenClaimingConcurrently() throws Exception {
        // given
        int orders = 20;
        for (int i = 0; i < orders; i++) {
            store.record(order("o" + i, "alert-" + i, T0), "dead-replica", T0.plus(LEASE), DAY);
        }
        Instant later = T0.plus(LEASE).plusSeconds(1);
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<List<String>>> claimers = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            String owner = "replica-" + r;
            claimers.add(() -> {
                start.await();
                return store.claimExpired(owner, later, later.plus(LEASE), 100);
            });
        }

        // when
        List<List<String>> claims = runTogether(claimers, start);

        // then: every order claimed, none twice
        List<String> all = claims.stream().flatMap(List::stream).toList();
        assertThat(all).hasSize(orders).doesNotHaveDuplicates();
        for (int r = 0; r < 4; r++) {
            assertThat(store.openOrders("replica-" + r, OrderStatus.ACCEPTED, 100))
                    .containsExactlyInAnyOrderElementsOf(claims.get(r));
        }
    }

    @Test
    void shouldRenewOnlyTheOwnersOpenLeases() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);
        store.record(order("o2", "alert-2", T0), "replica-b", T0.plus(LEASE), DAY);

        // when
        int renewed = store.renewLeases("replica-a", T0.plusSeconds(100));

        // then
        assertThat(renewed).isEqualTo(1);
        Instant later = T0.plusSeconds(50);
        assertThat(store.claimExpired("replica-c", later, later.plus(LEASE), 10)).containsExactly("o2");
    }

    @Test
    void shouldRenewLeasesWhileOrdersChangeWithoutFailingEither() throws Exception {
        // given 300 open orders of one replica
        int orders = 300;
        int movers = 16;
        for (int i = 0; i < orders; i++) {
            store.record(order("o" + i, "alert-" + i, T0), "replica-a", T0.plus(LEASE), DAY);
        }

        // when 16 threads move them on (their writes share group transactions) while the leases are renewed
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch moved = new CountDownLatch(movers);
        List<Callable<List<String>>> calls = new ArrayList<>();
        for (int t = 0; t < movers; t++) {
            int first = t;
            calls.add(() -> {
                start.await();
                List<String> failures = new ArrayList<>();
                try {
                    for (int i = first; i < orders; i += movers) {
                        for (OrderUpdate step : List.of(OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING),
                                OrderUpdate.of(OrderStatus.SUBMITTING, OrderStatus.SUBMITTED))) {
                            try {
                                store.transition("o" + i, "replica-a", step, T0.plusSeconds(1));
                            } catch (StoreUnavailableException e) {
                                failures.add("o" + i + ": " + e.getMessage());
                            }
                        }
                    }
                } finally {
                    moved.countDown();
                }
                return failures;
            });
        }
        calls.add(() -> {
            start.await();
            List<String> failures = new ArrayList<>();
            for (long renewal = 1; moved.getCount() > 0; renewal++) {
                try {
                    store.renewLeases("replica-a", T0.plus(LEASE).plusMillis(renewal));
                } catch (StoreUnavailableException e) {
                    failures.add("renewal: " + e.getMessage());
                }
            }
            return failures;
        });
        List<String> failures = runTogether(calls, start).stream().flatMap(List::stream).toList();

        // then no write failed (no deadlock between a renewal and a group), and every order moved on
        assertThat(failures).isEmpty();
        for (int i = 0; i < orders; i++) {
            assertThat(store.find("o" + i).orElseThrow().status()).isEqualTo(OrderStatus.SUBMITTED);
        }
    }

    @Test
    void shouldReleaseLeasesSoAnotherReplicaCanTakeTheOrdersAtOnce() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);
        store.record(order("o2", "alert-2", T0), "replica-a", T0.plus(LEASE), DAY);
        store.record(order("o3", "alert-3", T0), "replica-b", T0.plus(LEASE), DAY);

        // when
        int released = store.releaseLeases("replica-a", Set.of());

        // then: claimable before the lease would have run out
        assertThat(released).isEqualTo(2);
        assertThat(store.claimExpired("replica-c", T0.plusSeconds(1), T0.plus(LEASE), 10))
                .containsExactlyInAnyOrder("o1", "o2");
        assertThat(store.openOrders("replica-b", OrderStatus.ACCEPTED, 10)).containsExactly("o3");
    }

    @Test
    void shouldKeepTheLeaseOfAnOrderThatMayBeOnItsWayButGiveBackOneNeverSent() {
        // given two orders in SUBMITTING: one a worker may be sending, one recorded so and never sent
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);
        store.transition("o1", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), T0);
        store.recordAndHandOver(order("o2", "alert-2", T0), "replica-a", T0.plus(LEASE), DAY, true, r -> { });
        store.transition("o2", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), T0);
        assertThat(store.findForExecution("o2").orElseThrow().status()).isEqualTo(OrderStatus.SUBMITTING);

        // when the draining replica names the second as never sent
        store.releaseLeases("replica-a", Set.of("o2"));

        // then only that one is claimable before its lease runs out
        assertThat(store.claimExpired("replica-b", T0.plusSeconds(1), T0.plus(LEASE), 10)).containsExactly("o2");
    }

    @Test
    void shouldGiveBackMoreNeverSentOrdersThanOneStatementNames() {
        // given more orders recorded in SUBMITTING and never sent than a statement takes ids (1,000)
        Set<String> neverSent = new java.util.HashSet<>();
        for (int i = 0; i < 2_001; i++) {
            RecordResult r = store.recordAndHandOver(order("o" + i, "alert-" + i, T0), "replica-a", T0.plus(LEASE),
                    DAY, true, x -> { });
            if (r instanceof RecordResult.Recorded recorded && recorded.submitting()) {
                neverSent.add(recorded.orderId());
            }
        }

        // when
        store.releaseLeases("replica-a", neverSent);

        // then every one of them is claimable at once
        assertThat(store.claimExpired("replica-b", T0.plusSeconds(1), T0.plus(LEASE), 5_000)).hasSize(2_001);
    }

    @Test
    void shouldCountAnAttemptWithoutChangingTheStatus() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);
        store.transition("o1", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), T0.plusSeconds(1));

        // when
        store.recordAttempt("o1", "replica-a", "timeout after 5 s", T0.plusSeconds(7));
        store.recordAttempt("o1", "replica-b", "not the owner", T0.plusSeconds(8));

        // then
        Order order = store.find("o1").orElseThrow();
        assertThat(order.status()).isEqualTo(OrderStatus.SUBMITTING);
        assertThat(order.attempts()).isEqualTo(2);
        assertThat(order.events()).extracting(OrderEvent::status).containsExactly("RECEIVED", "ACCEPTED", "SUBMITTING", "RETRY");
        assertThat(order.events().get(3).detail()).isEqualTo("timeout after 5 s");
    }

    @Test
    void shouldKeepOrdersDeduplicationAndStateAcrossAReopen() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);
        store.transition("o1", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), T0.plusSeconds(1));
        store.setState("trading_halted", "true", T0);
        store.close();

        // when
        store = open();

        // then
        Order order = store.find("o1").orElseThrow();
        assertThat(order.status()).isEqualTo(OrderStatus.SUBMITTING);
        assertThat(order.events()).hasSize(3);
        assertThat(store.state("trading_halted")).contains("true");
        assertThat(store.record(order("o2", "alert-1", T0.plusSeconds(60)), "replica-a", T0.plus(LEASE), DAY))
                .isEqualTo(new RecordResult.Duplicate("o1"));
    }

    @Test
    void shouldKeepAnOrdersTermsAndTheSizeResolvedForSendingAcrossAReopen() {
        // given an exit sized as 50 % of the position, and an entry with its protection
        OrderTerms exitTerms = OrderTerms.of(OrderKind.EXIT, QuantityType.PERCENT_OF_POSITION);
        store.record(withTerms(order("exit", "alert-exit", T0), new BigDecimal("50"), exitTerms), "replica-a",
                T0.plus(LEASE), DAY);
        OrderTerms protectedEntry = new OrderTerms(OrderKind.ENTRY, QuantityType.QUOTE,
                PriceLevel.atPercent(new BigDecimal("2.5")), PriceLevel.atPrice(new BigDecimal("70000")), null, null);
        store.record(withTerms(order("entry", "alert-entry", T0), new BigDecimal("500"), protectedEntry),
                "replica-a", T0.plus(LEASE), DAY);

        // when the exit is sent with the size it resolved to
        assertThat(store.transition("exit", "replica-a", OrderUpdate.resolvedForSending(new BigDecimal("0.0075"),
                exitTerms.withQuantityType(QuantityType.BASE), "50 % of position 0.015"), T0.plusSeconds(1))).isTrue();
        store.close();
        store = open();

        // then
        Order exit = store.find("exit").orElseThrow();
        assertThat(exit.kind()).isEqualTo(OrderKind.EXIT);
        assertThat(exit.terms().quantityType()).isEqualTo(QuantityType.BASE);
        assertThat(exit.quantity()).isEqualByComparingTo("0.0075");
        assertThat(exit.events()).extracting(OrderEvent::detail).contains("50 % of position 0.015");
        assertThat(store.findForExecution("exit").orElseThrow().quantity()).isEqualByComparingTo("0.0075");
        assertThat(store.find("entry").orElseThrow().terms()).isEqualTo(protectedEntry);
    }

    @Test
    void shouldTellWhetherProtectionIsOpenForAStrategyAcrossAReopen() {
        NewOrder oco = new NewOrder("p1", "protection:e1", "fkpe1", "paper", "BTCUSDT", Side.SELL, OrderType.OCO,
                new BigDecimal("0.01"), new BigDecimal("66000"), null, "trend", "{}", T0,
                new OrderTerms(OrderKind.PROTECTION, QuantityType.BASE, null, null, "e1", new BigDecimal("58000")));
        store.record(oco, "replica-a", T0.plus(LEASE), DAY);

        assertThat(store.hasOpenProtection("paper", "BTCUSDT", "trend")).isTrue();
        assertThat(store.hasOpenProtection("paper", "BTCUSDT", "other")).isFalse();
        assertThat(store.hasOpenProtection("paper", "BTCUSDT", null)).isFalse();
        assertThat(store.hasOpenProtection("paper", "ETHUSDT", "trend")).isFalse();
        store.close();
        store = open();
        assertThat(store.hasOpenProtection("paper", "BTCUSDT", "trend")).isTrue();

        store.claimExpired("replica-a", T0.plus(DAY), T0.plus(DAY).plus(LEASE), 10);
        assertThat(store.transition("p1", "replica-a", new OrderUpdate(OrderStatus.ACCEPTED, OrderStatus.CANCELED,
                "canceled_by_exit", null, null, null, null), T0)).isTrue();
        assertThat(store.hasOpenProtection("paper", "BTCUSDT", "trend")).isFalse();
    }

    @Test
    void shouldTellTheOrderOfAnAlertIdWithinTheWindowAcrossAReopen() {
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);

        assertThat(store.orderOfAlert("alert-1", T0.minusSeconds(1))).contains("o1");
        assertThat(store.orderOfAlert("alert-1", T0.plusSeconds(1))).isEmpty();
        assertThat(store.orderOfAlert("alert-2", T0.minusSeconds(1))).isEmpty();
        store.close();
        store = open();
        assertThat(store.orderOfAlert("alert-1", T0.minusSeconds(1))).contains("o1");
    }

    @Test
    void shouldKeepPositionsFromTheServicesOwnFills() {
        // given two buys and a sell of one strategy filled, a buy of another, and an open sell
        fillAt("b1", Side.BUY, "0.02", "60000", "trend");
        fillAt("b2", Side.BUY, "0.02", "62000", "trend");
        fillAt("s1", Side.SELL, "0.01", "65000", "trend");
        fillAt("b3", Side.BUY, "1", "100", "other");
        NewOrder openSell = new NewOrder("s2", "alert-s2", "fkss2", "paper", "BTCUSDT", Side.SELL, OrderType.LIMIT,
                new BigDecimal("0.005"), new BigDecimal("70000"), null, "trend", "{}", T0);
        store.record(openSell, "replica-a", T0.plus(LEASE), DAY);
        store.transition("s2", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), T0);

        // when
        Position trend = store.position("paper", "BTCUSDT", "trend");

        // then 0.04 bought at 61000 on average, 0.01 sold: 0.03 held at the same average; 0.005 in an open sell
        assertThat(trend.quantity()).isEqualByComparingTo("0.03");
        assertThat(trend.averageEntryPrice()).isEqualByComparingTo("61000");
        assertThat(trend.openSellQuantity()).isEqualByComparingTo("0.005");
        assertThat(store.position("paper", "BTCUSDT", "other").quantity()).isEqualByComparingTo("1");
        assertThat(store.position("paper", "BTCUSDT", "none").isFlat()).isTrue();
        assertThat(store.positions(null, null)).hasSize(2);
        assertThat(store.openOrdersFor("paper", "BTCUSDT")).extracting(Order::orderId).containsExactly("s2");
        assertThat(store.openOrdersFor("paper", "ETHUSDT")).isEmpty();

        // and the same after a reopen, with a fill of the open sell while it was closed counted once
        store.close();
        store = open();
        assertThat(store.claimExpired("replica-a", T0.plus(DAY), T0.plus(DAY).plus(LEASE), 10)).containsExactly("s2");
        assertThat(store.transition("s2", "replica-a", new OrderUpdate(OrderStatus.SUBMITTING, OrderStatus.SUBMITTED,
                null, null, "xs2", new BigDecimal("0.002"), new BigDecimal("70000")), T0)).isTrue();
        Position after = store.position("paper", "BTCUSDT", "trend");
        assertThat(after.quantity()).isEqualByComparingTo("0.028");
        assertThat(after.averageEntryPrice()).isEqualByComparingTo("61000");
        assertThat(after.openSellQuantity()).isEqualByComparingTo("0.003");
    }

    private void fillAt(String id, Side side, String quantity, String price, String strategy) {
        NewOrder o = new NewOrder(id, "alert-" + id, "fks" + id, "paper", "BTCUSDT", side, OrderType.MARKET,
                new BigDecimal(quantity), new BigDecimal(price), null, strategy, "{}", T0);
        store.record(o, "replica-a", T0.plus(LEASE), DAY);
        store.transition(id, "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), T0);
        assertThat(store.transition(id, "replica-a", new OrderUpdate(OrderStatus.SUBMITTING, OrderStatus.FILLED, null,
                null, "x" + id, new BigDecimal(quantity), new BigDecimal(price)), T0)).isTrue();
    }

    private static NewOrder withTerms(NewOrder o, BigDecimal quantity, OrderTerms terms) {
        return new NewOrder(o.orderId(), o.alertId(), o.clientOrderId(), o.exchange(), o.symbol(), o.side(), o.type(),
                quantity, o.price(), o.confidence(), o.strategy(), o.alertJson(), o.receivedAt(), terms);
    }

    @Test
    void shouldPurgeOnlyAlertIdsOlderThanTheCutoff() {
        // given
        store.record(order("o1", "alert-old", T0), "replica-a", T0.plus(LEASE), DAY);
        store.record(order("o2", "alert-new", T0.plusSeconds(10)), "replica-a", T0.plus(LEASE), DAY);

        // when
        int purged = store.purgeAlertIdsBefore(T0.plusSeconds(5));

        // then: the old id is forgotten (a new order), the new one still de-duplicates; orders stay
        assertThat(purged).isEqualTo(1);
        assertThat(store.record(order("o3", "alert-old", T0.plusSeconds(20)), "replica-a", T0.plus(LEASE), DAY))
                .isEqualTo(new RecordResult.Recorded("o3"));
        assertThat(store.record(order("o4", "alert-new", T0.plusSeconds(20)), "replica-a", T0.plus(LEASE), DAY))
                .isEqualTo(new RecordResult.Duplicate("o2"));
        assertThat(store.find("o1")).isPresent();
    }

    @Test
    void shouldListTheNewestOrdersFirstUpToTheLimit() {
        // given
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);
        store.record(order("o2", "alert-2", T0.plusSeconds(2)), "replica-a", T0.plus(LEASE), DAY);
        store.record(order("o3", "alert-3", T0.plusSeconds(1)), "replica-a", T0.plus(LEASE), DAY);

        // when
        List<Order> recent = store.recent(2);

        // then
        assertThat(recent).extracting(Order::orderId).containsExactly("o2", "o3");
        assertThat(recent.get(0).events()).isEmpty();
    }

    @Test
    void shouldOverwriteAServiceState() {
        // when
        store.setState("trading_halted", "true", T0);
        store.setState("trading_halted", "false", T0.plusSeconds(1));

        // then
        assertThat(store.state("trading_halted")).contains("false");
        assertThat(store.state("unknown")).isEmpty();
    }

    @Test
    void shouldRecordTheAlertJsonOfTheLargestBodyTheSettingsAllow() {
        // given: the largest body the settings allow, every value a NaN that grows to null when stored (4/3)
        int storedLength = SettingsLoader.MAX_BODY_LIMIT * 4 / 3 + 100;
        String indicators = "x".repeat(storedLength - 20);
        NewOrder big = new NewOrder("o1", "alert-1", "fkso1", "paper", "BTCUSDT", Side.BUY, OrderType.MARKET,
                BigDecimal.ONE, BigDecimal.TEN, BigDecimal.ONE, null, "{\"note\":\"" + indicators + "\"}", T0);

        // when
        RecordResult result = store.record(big, "replica-a", T0.plus(LEASE), DAY);

        // then: a client's body the service accepted must not end in a store error (a 503 TradingView resends)
        assertThat(result).isEqualTo(new RecordResult.Recorded("o1"));
    }

    @Test
    void shouldAnswerAPing() {
        // when / then
        store.ping();
    }

    @Test
    void shouldReportAClosedStoreAsUnavailable() {
        // given
        store.close();

        // when / then
        assertThatThrownBy(() -> store.find("o1")).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> store.ping()).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY))
                .isInstanceOf(StoreUnavailableException.class);
    }

    /** A new store on {@link #tempDir}, or the same one again after {@code close()}. */
    protected abstract OrderStore open();

    protected static NewOrder order(String orderId, String alertId, Instant receivedAt) {
        return new NewOrder(orderId, alertId, "fks" + orderId, "paper", "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.015"), new BigDecimal("64000.12345678"), new BigDecimal("0.8"), "ema-cross",
                "{\"symbol\":\"BTCUSDT\",\"rsi\":null}", receivedAt);
    }

    private static <T> List<T> runTogether(List<Callable<T>> calls, CountDownLatch start) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> call : calls) {
                futures.add(pool.submit(call));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
