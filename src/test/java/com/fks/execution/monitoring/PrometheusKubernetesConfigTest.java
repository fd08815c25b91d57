package com.fks.execution.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes Prometheus config, loaded by a real Prometheus with pods described as
 * Kubernetes discovery reports them (see KubernetesConfig for why the discovery block is
 * swapped): only annotated, running fks-execution pods are scraped, on the annotated port
 * and path; rules, Alertmanager and the 15 s intervals are as intended.
 */
final class PrometheusKubernetesConfigTest {

    private static PrometheusServer prometheus;
    private static int metricsPort;

    @BeforeAll
    static void startPrometheus() {
        metricsPort = ServerProcess.freePort();
        List<KubernetesConfig.Pod> pods = List.of(
                pod("fks-execution-5d8f7-abcde", "fks-execution", "true", "Running"),
                pod("fks-execution-5d8f7-nonot", "fks-execution", null, "Running"),
                pod("redis-0", "redis", "true", "Running"),
                pod("fks-execution-5d8f7-pendg", "fks-execution", "true", "Pending"));
        Path dir = KubernetesConfig.stage(MonitoringFiles.tempDir("prom-k8s"), pods);
        prometheus = PrometheusServer.start(dir.resolve("prometheus.yml"), dir, ServerProcess.freePort());
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    private static KubernetesConfig.Pod pod(String name, String app, String scrape, String phase) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("__meta_kubernetes_namespace", "fks-trading");
        labels.put("__meta_kubernetes_pod_name", name);
        labels.put("__meta_kubernetes_pod_node_name", "node-1");
        labels.put("__meta_kubernetes_pod_ip", "127.0.0.1");
        labels.put("__meta_kubernetes_pod_phase", phase);
        labels.put("__meta_kubernetes_pod_label_app_kubernetes_io_name", app);
        if (scrape != null) {
            labels.put("__meta_kubernetes_pod_annotation_prometheus_io_scrape", scrape);
        }
        labels.put("__meta_kubernetes_pod_annotation_prometheus_io_port", String.valueOf(metricsPort));
        labels.put("__meta_kubernetes_pod_annotation_prometheus_io_path", "/metrics");
        // the discovered address is a container port; relabelling must replace it with the annotated one
        return new KubernetesConfig.Pod("127.0.0.1:8000", labels);
    }

    @Test
    void shouldDescribeKubernetesPodDiscoveryInTheRealFile() {
        String block = KubernetesConfig.discoveryBlock(
                MonitoringFiles.read(MonitoringFiles.prometheusDir().resolve("prometheus.yml")));

        assertThat(block).contains("role: pod").contains("- fks-trading");
    }

    @Test
    void shouldScrapeOnlyAnnotatedRunningServicePodsOnTheAnnotatedPortAndPath() {
        // discovery results reach the scrape manager a few seconds after start
        JsonNode data = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> prometheus.targets().path("data"), d -> d.path("activeTargets").size()
                        + d.path("droppedTargets").size() >= 6);

        List<JsonNode> active = new ArrayList<>();
        data.path("activeTargets").forEach(t -> {
            if (t.path("labels").path("job").asText().equals("fks-execution")) {
                active.add(t);
            }
        });
        assertThat(active).hasSize(1);
        JsonNode target = active.get(0);
        assertThat(target.path("scrapeUrl").asText()).isEqualTo("http://127.0.0.1:" + metricsPort + "/metrics");
        assertThat(target.path("labels").path("namespace").asText()).isEqualTo("fks-trading");
        assertThat(target.path("labels").path("pod").asText()).isEqualTo("fks-execution-5d8f7-abcde");
        assertThat(target.path("labels").path("node").asText()).isEqualTo("node-1");
        assertThat(target.path("scrapeInterval").asText()).isEqualTo("15s");

        List<String> dropped = new ArrayList<>();
        data.path("droppedTargets").forEach(t -> {
            if (t.path("discoveredLabels").path("job").asText().equals("fks-execution")) {
                dropped.add(t.path("discoveredLabels").path("__meta_kubernetes_pod_name").asText());
            }
        });
        assertThat(dropped).containsExactlyInAnyOrder(
                "fks-execution-5d8f7-nonot", "redis-0", "fks-execution-5d8f7-pendg");
    }

    @Test
    void shouldLoadEveryAlertEvaluatedEvery15Seconds() {
        JsonNode groups = prometheus.rules().path("data").path("groups");

        List<String> alerts = new ArrayList<>();
        groups.forEach(g -> {
            assertThat(g.path("interval").asDouble()).as("evaluation interval of " + g.path("name")).isEqualTo(15.0);
            g.path("rules").forEach(r -> alerts.add(r.path("name").asText()));
        });
        assertThat(alerts).containsExactlyInAnyOrderElementsOf(MonitoringFiles.alertNames());
    }

    @Test
    void shouldSendAlertsToTheInClusterAlertmanagerWithTheClusterLabel() {
        JsonNode managers = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> prometheus.get("/api/v1/alertmanagers").path("data").path("activeAlertmanagers"),
                        m -> m.size() > 0);
        String config = prometheus.get("/api/v1/status/config").path("data").path("yaml").asText();

        assertThat(managers).hasSize(1);
        assertThat(managers.get(0).path("url").asText()).isEqualTo("http://alertmanager.fks-trading.svc:9093/api/v2/alerts");
        assertThat(config).contains("cluster: fks-production").contains("scrape_interval: 15s")
                .contains("evaluation_interval: 15s");
    }
}
