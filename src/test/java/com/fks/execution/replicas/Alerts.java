package com.fks.execution.replicas;

import com.fks.execution.testsupport.ServiceProcess;

import org.awaitility.Awaitility;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Valid alerts and small readers of the service's answers, for the replica tests. */
final class Alerts {
    private static final Pattern ORDER_ID = Pattern.compile("\"order_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([^\"]+)\"");

    private Alerts() {
    }

    /** A valid market buy with the given id (small enough for every risk limit). */
    static String alert(String id) {
        return "{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\"" + id
                + "\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":0.001,\"price\":65000}";
    }

    static String orderId(HttpResponse<String> response) {
        Matcher m = ORDER_ID.matcher(response.body());
        if (!m.find()) {
            throw new AssertionError("no order_id in " + response.statusCode() + " " + response.body());
        }
        return m.group(1);
    }

    static String status(HttpResponse<String> response) {
        Matcher m = STATUS.matcher(response.body());
        return m.find() ? m.group(1) : "";
    }

    /**
     * Waits (a few rate-limit health checks at most) until the replica's backend metric shows this backend
     * in use and the other not.
     */
    static void awaitBackend(ServiceProcess replica, String backend) {
        String other = backend.equals("redis") ? "local" : "redis";
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(backendGauge(replica, backend)).as("execution_rate_limit_backend{backend=%s}", backend)
                    .isEqualTo(1.0);
            assertThat(backendGauge(replica, other)).as("execution_rate_limit_backend{backend=%s}", other)
                    .isEqualTo(0.0);
        });
    }

    /** The value of execution_rate_limit_backend{backend=...} on this replica, or -1 when absent. */
    static double backendGauge(ServiceProcess replica, String backend) throws IOException {
        Pattern line = Pattern.compile("^execution_rate_limit_backend\\{backend=\"" + backend + "\",?\\}\\s+(\\S+)$",
                Pattern.MULTILINE);
        Matcher m = line.matcher(replica.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** Waits until the replica counts {@code expected} live replicas (its heartbeat count refreshes every few s). */
    static void awaitLiveReplicas(ServiceProcess replica, int expected) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(liveReplicas(replica)).as("execution_replicas_live")
                        .isEqualTo(expected));
    }

    static double liveReplicas(ServiceProcess replica) throws IOException {
        Matcher m = Pattern.compile("(?m)^execution_replicas_live(?:\\{\\})?\\s+(\\S+)$")
                .matcher(replica.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
