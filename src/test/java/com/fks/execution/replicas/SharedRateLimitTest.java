package com.fks.execution.replicas;

import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Three replicas behind one Redis enforce one RATE_LIMIT_REQUESTS per window together, not one each. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class SharedRateLimitTest {
    private static final int LIMIT = 12;
    private SharedStores stores;
    private List<ServiceProcess> replicas = List.of();

    @BeforeEach
    void start() throws Exception {
        stores = SharedStores.start();
        replicas = stores.startReplicas(3, Map.of("RATE_LIMIT_REQUESTS", Integer.toString(LIMIT),
                "RATE_LIMIT_WINDOW", "300", "RATE_LIMIT_REPLICAS", "3"));
    }

    @AfterEach
    void stop() {
        SharedStores.killAndReport(replicas);
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void shouldAcceptTheLimitOnceAcrossAllReplicasWhenTheyShareRedis() throws Exception {
        // given three replicas, each using Redis for its limit
        for (ServiceProcess replica : replicas) {
            Alerts.awaitBackend(replica, "redis");
        }

        // when 36 different alerts from one client arrive at once, spread over the three replicas
        int sent = 3 * LIMIT;
        ExecutorService clients = Executors.newFixedThreadPool(12);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < sent; i++) {
                ServiceProcess replica = replicas.get(i % replicas.size());
                String body = Alerts.alert("limit-" + i);
                answers.add(clients.submit(() -> {
                    go.await();
                    return replica.postWebhook(body);
                }));
            }
            go.countDown();
            int accepted = 0;
            int limited = 0;
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> response = f.get(30, TimeUnit.SECONDS);
                if (response.statusCode() == 202) {
                    accepted++;
                } else {
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
                    assertThat(response.headers().firstValue("Retry-After")).isPresent();
                    limited++;
                }
            }

            // then exactly the limit is accepted in all, not the limit on each replica
            assertThat(accepted).isEqualTo(LIMIT);
            assertThat(limited).isEqualTo(sent - LIMIT);
        } finally {
            clients.shutdownNow();
        }
        assertThat(stores.count("SELECT count(*) FROM orders")).isEqualTo(LIMIT);
    }
}
