package com.fks.execution.replicas;

import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis down under three replicas, RATE_LIMIT_REPLICAS left at its default of 2: each replica allows the limit
 * divided by the replicas the shared store sees alive (three), so together they allow the limit, not 1.5 times
 * it; after one drains, the two left divide by two.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
final class FallbackFollowsReplicaCountTest {
    private static final int LIMIT = 30;
    /** TradingView's addresses, as the ingress would forward them: one rate-limit bucket each. */
    private static final String FIRST_CLIENT = "52.89.214.238";
    private static final String SECOND_CLIENT = "34.212.75.30";
    private SharedStores stores;
    private List<ServiceProcess> replicas = List.of();

    @BeforeEach
    void start() throws Exception {
        stores = SharedStores.start();
        // ORDER_LEASE_SECONDS 6: a heartbeat every 2 s, so the replicas see each other within seconds
        replicas = stores.startReplicas(3, Map.of("RATE_LIMIT_REQUESTS", Integer.toString(LIMIT),
                "RATE_LIMIT_WINDOW", "300", "ORDER_LEASE_SECONDS", "6",
                "TRUSTED_PROXIES", "127.0.0.1/32",
                "IP_WHITELIST", "127.0.0.1,::1," + FIRST_CLIENT + "," + SECOND_CLIENT));
    }

    @AfterEach
    void stop() {
        SharedStores.killAndReport(replicas);
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void shouldHoldTheLimitAcrossAllReplicasWhileRedisIsDown() throws Exception {
        // given three replicas on Redis that each see three alive
        for (ServiceProcess replica : replicas) {
            Alerts.awaitBackend(replica, "redis");
            Alerts.awaitLiveReplicas(replica, 3);
        }

        // when Redis stops and one client sends three times the limit, spread over the three replicas
        stores.stopRedis();
        int accepted = accepted(replicas, FIRST_CLIENT, 3 * LIMIT, "outage");

        // then the three together accepted the limit (30 / 3 each), where RATE_LIMIT_REPLICAS=2 gave 45
        assertThat(accepted).isEqualTo(LIMIT);
        for (ServiceProcess replica : replicas) {
            assertThat(Alerts.backendGauge(replica, "local")).isEqualTo(1.0);
            // (the JSON log writes the "/" between them as "\/")
            assertThat(replica.output()).contains("in-process limit of 10 per window (RATE_LIMIT_REQUESTS 30 ",
                    " 3 live replicas)");
        }

        // when one replica drains (scale-down), still without Redis
        assertThat(replicas.get(2).stop()).isZero();
        List<ServiceProcess> left = replicas.subList(0, 2);
        for (ServiceProcess replica : left) {
            Alerts.awaitLiveReplicas(replica, 2);
        }

        // then the two left share the limit between them: a new client gets 30 in all (15 each)
        assertThat(accepted(left, SECOND_CLIENT, 3 * LIMIT, "after-scale-down")).isEqualTo(LIMIT);
    }

    private static int accepted(List<ServiceProcess> targets, String client, int count, String idPrefix)
            throws IOException {
        int accepted = 0;
        for (int i = 0; i < count; i++) {
            HttpResponse<String> response = targets.get(i % targets.size())
                    .postWebhook(Alerts.alert(idPrefix + "-" + i), "X-Forwarded-For", client);
            assertThat(response.statusCode()).as(response.body()).isIn(202, 429);
            if (response.statusCode() == 202) {
                accepted++;
            }
        }
        return accepted;
    }
}
