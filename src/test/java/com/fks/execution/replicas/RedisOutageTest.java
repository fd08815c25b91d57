package com.fks.execution.replicas;

import com.fks.execution.testsupport.ServiceProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
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

/**
 * Redis stops mid-traffic and comes back: the replicas keep answering with their own share of the limit
 * (RATE_LIMIT_REQUESTS / RATE_LIMIT_REPLICAS), stay ready, say so once in the log and in the backend metric,
 * and go back to the shared limit when Redis answers again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class RedisOutageTest {
    private static final int LIMIT = 20;
    private static final int REPLICAS = 2;
    private static final String FELL_BACK = "falling back to the in-process limit";
    private static final String CAME_BACK = "answers again";
    private SharedStores stores;
    private List<ServiceProcess> replicas = List.of();

    @BeforeEach
    void start() throws Exception {
        stores = SharedStores.start();
        replicas = stores.startReplicas(REPLICAS, Map.of("RATE_LIMIT_REQUESTS", Integer.toString(LIMIT),
                "RATE_LIMIT_WINDOW", "300", "RATE_LIMIT_REPLICAS", Integer.toString(REPLICAS)));
    }

    @AfterEach
    void stop() {
        SharedStores.killAndReport(replicas);
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void shouldKeepServingOnTheLocalShareWhileRedisIsDownAndReturnToRedis() throws Exception {
        ServiceProcess a = replicas.get(0);
        ServiceProcess b = replicas.get(1);
        // given both replicas on Redis, having accepted a few alerts through it
        for (ServiceProcess replica : replicas) {
            Alerts.awaitBackend(replica, "redis");
            // each has counted the other's heartbeat, so its share while Redis is down is the limit halved
            Alerts.awaitLiveReplicas(replica, REPLICAS);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(replicas.get(i % 2).postWebhook(Alerts.alert("before-" + i)).statusCode()).isEqualTo(202);
        }

        // when Redis stops
        stores.stopRedis();

        // then the next alerts are still answered: A accepts its local share (20 / 2) and then limits
        int acceptedDuringOutage = 0;
        for (int i = 0; i < LIMIT; i++) {
            HttpResponse<String> response = a.postWebhook(Alerts.alert("outage-a-" + i));
            assertThat(response.statusCode()).as(response.body()).isIn(202, 429);
            if (response.statusCode() == 202) {
                acceptedDuringOutage++;
            }
        }
        assertThat(acceptedDuringOutage).isEqualTo(LIMIT / REPLICAS);
        assertThat(Alerts.backendGauge(a, "local")).isEqualTo(1.0);
        assertThat(Alerts.backendGauge(a, "redis")).isEqualTo(0.0);
        // B notices by its own health check even without traffic, and both stay ready
        Alerts.awaitBackend(b, "local");
        for (ServiceProcess replica : replicas) {
            assertThat(replica.get("/ready").statusCode()).isEqualTo(200);
        }
        assertThat(b.postWebhook(Alerts.alert("outage-b-0")).statusCode()).isEqualTo(202);

        // when Redis is back
        stores.startRedis();

        // then both go back to it within a few seconds, and A's next alert is counted in Redis again
        for (ServiceProcess replica : replicas) {
            Alerts.awaitBackend(replica, "redis");
            // each has counted the other's heartbeat, so its share while Redis is down is the limit halved
            Alerts.awaitLiveReplicas(replica, REPLICAS);
        }
        assertThat(a.postWebhook(Alerts.alert("after-0")).statusCode()).isEqualTo(202);
        assertThat(rateLimitKeysInRedis()).isGreaterThanOrEqualTo(1);

        // and each switch was logged once per replica, in each direction
        for (ServiceProcess replica : replicas) {
            assertThat(occurrences(replica.output(), FELL_BACK)).as(replica.output()).isEqualTo(1);
            assertThat(occurrences(replica.output(), CAME_BACK)).as(replica.output()).isEqualTo(1);
        }
    }

    private long rateLimitKeysInRedis() {
        RedisClient client = RedisClient.create(stores.redisUrl());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().keys("fks-execution:rate-limit:*").size();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            count++;
        }
        return count;
    }
}
