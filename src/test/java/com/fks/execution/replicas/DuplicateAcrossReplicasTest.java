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
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TradingView's resend (or two load-balancer paths) can deliver one alert to two replicas at the same
 * moment: the database's key on the alert id makes that one order, and the other replica answers duplicate.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class DuplicateAcrossReplicasTest {
    private static final int ALERTS = 25;
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
    void shouldMakeOneOrderAndOneDuplicateWhenTwoReplicasGetTheSameAlertAtOnce() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < ALERTS; i++) {
                // given one alert
                String body = Alerts.alert("twice-" + i);
                CyclicBarrier together = new CyclicBarrier(2);

                // when it reaches both replicas at the same moment
                Future<HttpResponse<String>> first = senders.submit(() -> {
                    together.await();
                    return replicas.get(0).postWebhook(body);
                });
                Future<HttpResponse<String>> second = senders.submit(() -> {
                    together.await();
                    return replicas.get(1).postWebhook(body);
                });
                HttpResponse<String> a = first.get(15, TimeUnit.SECONDS);
                HttpResponse<String> b = second.get(15, TimeUnit.SECONDS);

                // then one replica accepts it and the other answers duplicate with the same order id
                assertThat(List.of(a.statusCode(), b.statusCode())).as(a.body() + " / " + b.body())
                        .containsExactlyInAnyOrder(202, 200);
                assertThat(List.of(Alerts.status(a), Alerts.status(b))).containsExactlyInAnyOrder("accepted", "duplicate");
                assertThat(Alerts.orderId(a)).isEqualTo(Alerts.orderId(b));
            }
        } finally {
            senders.shutdownNow();
        }

        // and the database holds one order per alert, each placed once at the exchange
        assertThat(stores.count("SELECT count(*) FROM orders")).isEqualTo(ALERTS);
        assertThat(stores.count("SELECT count(DISTINCT alert_id) FROM orders")).isEqualTo(ALERTS);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(stores.count("SELECT count(*) FROM orders WHERE status = 'FILLED'")).isEqualTo(ALERTS));
        assertThat(stores.count("SELECT count(*) FROM paper_orders p JOIN orders o "
                + "ON o.client_order_id = p.client_order_id")).isEqualTo(ALERTS);
        assertThat(stores.count("SELECT count(*) FROM paper_orders")).isEqualTo(ALERTS);
    }
}
