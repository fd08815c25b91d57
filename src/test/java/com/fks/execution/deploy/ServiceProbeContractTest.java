package com.fks.execution.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probes, scrape target and ingress path of the manifests exist on the running service: the
 * real service is started with the production overlay's ConfigMap settings (ports replaced by free
 * ones; PostgreSQL and Redis replaced by the embedded defaults, since none run here; their
 * behaviour is the replica tests' subject) and asked what Kubernetes, Prometheus and the ingress
 * will ask.
 */
final class ServiceProbeContractTest {

    /** Settings that point at things that do not exist in a test: the service's embedded defaults replace them. */
    private static final Set<String> NOT_HERE = Set.of("HTTP_PORT", "METRICS_PORT", "DATA_DIR", "DATABASE_URL", "DATABASE_USER", "REDIS_URL");

    private static Manifests production;
    private static ServiceProcess service;

    @BeforeAll
    static void start() throws Exception {
        production = Manifests.of("k8s/overlays/production");
        Map<String, String> env = new HashMap<>();
        ExecutionDeploymentContractTest.environment(production).forEach((name, value) -> {
            if (value.isTextual() && !NOT_HERE.contains(name)) {
                env.put(name, value.asText());
            }
        });
        // Requests come from loopback here, not from TradingView through the ingress.
        env.put("IP_WHITELIST", "127.0.0.1,::1");
        env.put("ADMIN_TOKEN", "test-admin-token-0123456789");
        service = ServiceProcess.start(env);
    }

    @AfterAll
    static void stop() {
        if (service != null && service.isAlive()) {
            service.stop();
        }
    }

    private static String probePath(String probe) {
        return ExecutionDeploymentContractTest.container(production).path(probe).at("/httpGet/path").asText();
    }

    @Test
    void shouldAnswerTheLivenessStartupAndReadinessProbesOnTheHttpPort() throws Exception {
        for (String probe : new String[] {"livenessProbe", "startupProbe", "readinessProbe"}) {
            HttpResponse<String> response = service.get(probePath(probe));
            assertThat(response.statusCode()).as("%s %s on the HTTP port", probe, probePath(probe)).isEqualTo(200);
        }
    }

    @Test
    void shouldServeMetricsOnThePortTheScrapeAnnotationsName() throws Exception {
        JsonNode annotations = ExecutionDeploymentContractTest.deployment(production).at("/spec/template/metadata/annotations");
        String path = annotations.path("prometheus.io/path").asText();
        HttpResponse<String> response = service.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.metricsPort() + path)).GET());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("# TYPE").contains("execution_");
    }

    @Test
    void shouldServeTheWebhookPathTheIngressExposesOnlyForPost() throws Exception {
        String path = production.get("Ingress", "fks-execution-webhook").at("/spec/rules/0/http/paths/0/path").asText();
        assertThat(path).isEqualTo("/webhook/tradingview");
        HttpResponse<String> post = service.postWebhook("{\"secret\":\"wrong-secret-0123456789\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":0.001,\"price\":50000}");
        assertThat(post.statusCode()).as("POST %s reaches the intake (wrong secret)", path).isEqualTo(401);
        HttpResponse<String> get = service.get(path);
        assertThat(get.statusCode()).as("GET %s", path).isIn(404, 405);
    }

    @Test
    void shouldDrainWithinTheTerminationGracePeriod() throws Exception {
        ServiceProcess second = ServiceProcess.start(Map.of());
        int grace = ExecutionDeploymentContractTest.deployment(production).at("/spec/template/spec/terminationGracePeriodSeconds").asInt();
        int preStop = ExecutionDeploymentContractTest.container(production).at("/lifecycle/preStop/exec/command/1").asInt();
        assertThat(preStop).isPositive();
        assertThat(second.stop(Duration.ofSeconds(grace - preStop))).as("exit code after SIGTERM").isZero();
    }
}
