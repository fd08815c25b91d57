package com.fks.execution.replicas;

import com.fks.execution.execution.ExecutionEngine;

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
 * A rollout's SIGTERM on a replica that holds more work than it can finish in its drain time: it stops
 * taking alerts, works until the drain time is up, gives back what it has not started, exits 0, and the
 * other replica finishes those orders, each placed once.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
final class DrainHandBackTest {
    /**
     * Three rounds of the engine's workers at 6 s each outlast its 15 s drain, so the third round is still
     * unstarted when the drain time is up and must be handed back.
     */
    private static final int ALERTS = ExecutionEngine.WORKERS * 3;
    private SharedStores stores;
    private List<ServiceProcess> replicas = List.of();

    @BeforeEach
    void start() throws Exception {
        stores = SharedStores.start();
        // 2 s per paper call and four workers: two orders a second, so 40 outlast the 15 s engine drain.
        replicas = stores.startReplicas(2, Map.of("RATE_LIMIT_REQUESTS", "100000",
                "ORDER_LEASE_SECONDS", "6", "PAPER_LATENCY_MS", "6000"));
    }

    @AfterEach
    void stop() {
        SharedStores.killAndReport(replicas);
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void shouldHandBackUnfinishedOrdersOnSigtermAndExitCleanly() throws Exception {
        ServiceProcess draining = replicas.get(0);
        ServiceProcess survivor = replicas.get(1);
        // given one replica holding a backlog
        ExecutorService senders = Executors.newFixedThreadPool(6);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < ALERTS; i++) {
                String body = Alerts.alert("drain-" + i);
                answers.add(senders.submit(() -> draining.postWebhook(body)));
            }
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> response = f.get(15, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            }
        } finally {
            senders.shutdownNow();
        }

        // when it gets SIGTERM, it exits 0 within Kubernetes' grace period, having given orders back
        long stopping = System.nanoTime();
        assertThat(draining.stop(Duration.ofSeconds(45))).isZero();
        System.out.printf("drained and exited in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping));
        assertThat(draining.output()).contains("draining").contains("gave back");

        // then the other replica finishes every order, and each is placed exactly once
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(stores.count("SELECT count(*) FROM orders WHERE status = 'FILLED'")).isEqualTo(ALERTS));
        assertThat(stores.count("SELECT count(*) FROM paper_orders")).isEqualTo(ALERTS);
        assertThat(stores.postgresLog()).contains("ready to accept connections").doesNotContain("paper_orders_pkey");
        assertThat(survivor.output()).contains("took over");
    }
}
