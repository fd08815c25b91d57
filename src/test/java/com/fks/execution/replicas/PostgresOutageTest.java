package com.fks.execution.replicas;

import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL is the one thing the replicas cannot work without: while it is down they say so on /ready
 * and refuse alerts with a 503 (nothing recorded, so TradingView resends), and they recover on their own.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class PostgresOutageTest {
    private SharedStores stores;
    private List<ServiceProcess> replicas = List.of();

    @BeforeEach
    void start() throws Exception {
        stores = SharedStores.start();
        replicas = stores.startReplicas(2, Map.of("RATE_LIMIT_REQUESTS", "100000"));
    }

    @AfterEach
    void stop() {
        SharedStores.killAndReport(replicas);
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void shouldRefuseAlertsAndReportNotReadyWhilePostgresIsDownAndRecoverWhenItReturns() throws Exception {
        // given two ready replicas that have accepted an alert each
        for (int i = 0; i < replicas.size(); i++) {
            assertThat(replicas.get(i).postWebhook(Alerts.alert("before-" + i)).statusCode()).isEqualTo(202);
        }

        // when PostgreSQL stops
        stores.stopPostgres();

        // then /ready turns 503 on both, and each alert is refused with 503 store_unavailable
        for (ServiceProcess replica : replicas) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(replica.get("/ready").statusCode()).isEqualTo(503));
            assertThat(replica.get("/ready").body()).contains("store_unavailable");
            assertThat(replica.get("/health").statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < replicas.size(); i++) {
            long sent = System.nanoTime();
            HttpResponse<String> refused = replicas.get(i).postWebhook(Alerts.alert("during-" + i));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            System.out.printf("refused during the outage in %d ms%n", tookMillis);
            // TradingView gives up on a webhook after about 3 s; the 503 must come before that
            assertThat(tookMillis).isLessThan(3000);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.body()).contains("store_unavailable");
        }

        // when PostgreSQL is back (same data)
        stores.startPostgres();

        // then both turn ready again without a restart
        for (ServiceProcess replica : replicas) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(replica.get("/ready").statusCode()).isEqualTo(200));
        }
        // and the refused alerts were not recorded: their resends are accepted as new, not duplicates
        for (int i = 0; i < replicas.size(); i++) {
            HttpResponse<String> resent = replicas.get(i).postWebhook(Alerts.alert("during-" + i));
            assertThat(resent.statusCode()).as(resent.body()).isEqualTo(202);
        }
        assertThat(stores.count("SELECT count(*) FROM orders")).isEqualTo(4);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(stores.count("SELECT count(*) FROM orders WHERE status = 'FILLED'")).isEqualTo(4));
        assertThat(stores.count("SELECT count(*) FROM paper_orders")).isEqualTo(4);
    }
}
