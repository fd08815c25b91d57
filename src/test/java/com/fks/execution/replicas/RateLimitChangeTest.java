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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator changes RATE_LIMIT_REQUESTS / RATE_LIMIT_WINDOW and restarts the replicas (a ConfigMap change and
 * a rollout) while Redis still holds the buckets of the old setting, renewed by the traffic it refuses: the
 * new setting holds from the first request after the restart, raised or lowered.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
final class RateLimitChangeTest {
    private static final int REPLICAS = 2;
    private SharedStores stores;
    private final List<ServiceProcess> running = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        stores = SharedStores.start();
    }

    @AfterEach
    void stop() {
        SharedStores.killAndReport(running);
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void shouldApplyARaisedLimitAtOnceAfterARestart() throws Exception {
        // given two replicas at 20 per 300 s, one client past its limit (the refusals keep its bucket alive)
        startReplicas(20, 300);
        assertThat(accepted(30, "first")).isEqualTo(20);

        // when both are restarted with 100000 per second
        restartReplicas(100_000, 1);

        // then the same client's next alerts are all accepted, not refused by the old bucket
        assertThat(accepted(30, "raised")).isEqualTo(30);
    }

    @Test
    void shouldApplyALoweredLimitAtOnceAfterARestart() throws Exception {
        // given two replicas at 100000 per 300 s, with a client that has used some of it (its bucket lives
        // until it would be full again: up to a window)
        startReplicas(100_000, 300);
        assertThat(accepted(10, "first")).isEqualTo(10);

        // when both are restarted with 5 per 300 s
        restartReplicas(5, 300);

        // then the same client gets 5 in all, not the rest of the old bucket
        assertThat(accepted(20, "lowered")).isEqualTo(5);
    }

    private void startReplicas(int requests, int windowSeconds) throws Exception {
        running.addAll(stores.startReplicas(REPLICAS, Map.of("RATE_LIMIT_REQUESTS", Integer.toString(requests),
                "RATE_LIMIT_WINDOW", Integer.toString(windowSeconds))));
        for (ServiceProcess replica : running) {
            Alerts.awaitBackend(replica, "redis");
        }
    }

    private void restartReplicas(int requests, int windowSeconds) throws Exception {
        for (ServiceProcess replica : running) {
            assertThat(replica.stop()).as(replica.output()).isZero();
        }
        SharedStores.killAndReport(running);
        running.clear();
        startReplicas(requests, windowSeconds);
    }

    /** Sends {@code count} different alerts from this one client, alternating replicas; returns how many got 202. */
    private int accepted(int count, String idPrefix) throws Exception {
        int accepted = 0;
        for (int i = 0; i < count; i++) {
            HttpResponse<String> response = running.get(i % running.size()).postWebhook(Alerts.alert(idPrefix + "-" + i));
            assertThat(response.statusCode()).as(response.body()).isIn(202, 429);
            if (response.statusCode() == 202) {
                accepted++;
            }
        }
        return accepted;
    }
}
