package com.fks.execution.replicas;

import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pod killed outright (SIGKILL: no drain, no hand-back) while its orders are in flight: the other
 * replicas take them over once the lease runs out, reconcile each by its client order id, and every
 * accepted alert ends as exactly one fill at the exchange.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
final class HandOverAfterKillTest {
    private static final int ALERTS = 30;
    private static final int LEASE_SECONDS = 3;
    private static final String OPEN = "('ACCEPTED','SUBMITTING','SUBMITTED')";
    private SharedStores stores;
    private List<ServiceProcess> replicas = List.of();

    @BeforeEach
    void start() throws Exception {
        stores = SharedStores.start();
        // 300 ms per paper call and four workers: about a dozen orders a second per replica, so most of what
        // the first replica accepts is still queued or being sent when it dies.
        replicas = stores.startReplicas(3, Map.of("RATE_LIMIT_REQUESTS", "100000",
                "ORDER_LEASE_SECONDS", Integer.toString(LEASE_SECONDS), "PAPER_LATENCY_MS", "300"));
    }

    @AfterEach
    void stop() {
        SharedStores.killAndReport(replicas);
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void shouldFinishEveryOrderOfAKilledReplicaThroughTheOthersWithOneFillEach() throws Exception {
        ServiceProcess doomed = replicas.get(0);
        // given one replica that has accepted a burst of alerts
        List<String> accepted = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(6);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < ALERTS; i++) {
                String body = Alerts.alert("handover-" + i);
                answers.add(senders.submit(() -> doomed.postWebhook(body)));
            }
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> response = f.get(15, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                accepted.add(Alerts.orderId(response));
            }
        } finally {
            senders.shutdownNow();
        }

        // when it is killed while still holding most of them
        doomed.kill();
        long killedAt = System.nanoTime();
        long heldAtKill = stores.count("SELECT count(*) FROM orders WHERE status IN " + OPEN);
        assertThat(heldAtKill).as("orders still open when the replica died").isGreaterThan(0);

        // then every accepted order reaches FILLED through the survivors
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(stores.count("SELECT count(*) FROM orders WHERE status = 'FILLED'")).isEqualTo(ALERTS));
        long handOverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        System.out.printf("hand-over: %d of %d orders open at the kill, all filled %d ms after it%n", heldAtKill,
                ALERTS, handOverMillis);
        assertThat(stores.count("SELECT count(*) FROM orders")).isEqualTo(ALERTS);
        assertThat(stores.count("SELECT count(*) FROM orders WHERE lease_owner IS NOT NULL")).isZero();

        // and the exchange holds exactly one fill per accepted alert, the one the service recorded
        assertThat(stores.count("SELECT count(*) FROM paper_orders")).isEqualTo(ALERTS);
        for (String orderId : accepted) {
            assertThat(stores.count("SELECT count(*) FROM paper_orders p JOIN orders o "
                    + "ON o.client_order_id = p.client_order_id AND o.exchange_order_id = p.exchange_order_id "
                    + "WHERE o.order_id = ?", orderId)).as(orderId).isEqualTo(1);
        }
        // no replica ever sent an order the exchange already had (the paper book refuses a second insert
        // of a client order id; PostgreSQL would have logged it)
        assertThat(stores.postgresLog()).contains("ready to accept connections").doesNotContain("paper_orders_pkey");
        // and the work was taken over through expired leases, by the survivors only
        String survivors = replicas.get(1).output() + replicas.get(2).output();
        assertThat(survivors).contains("took over");
    }
}
