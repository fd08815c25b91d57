package com.fks.execution.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fks.execution.testsupport.ServiceProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert flow, end to end: the real service; a real Prometheus scraping it with rules
 * generated from the real rules file (durations and windows divided by 10, nothing else);
 * a real Alertmanager with the real config whose Slack URLs point at a local stand-in.
 * Webhooks with a wrong secret must produce a Slack message for WebhookSignatureFailures
 * in #fks-alerts-critical with the runbook link, and once they stop, a resolved message.
 *
 * Timeline (1 s scrape and evaluation): firing ~8 s after the first bad webhook
 * (for: 6s); resolved ~31 s after the last (increase over [30s]); the resolved message
 * goes out at the critical route's next group_interval tick (1m after the first message).
 */
final class AlertFlowEndToEndTest {

    private static final int SHORTEN = 10;
    private static final String RUNBOOK = MonitoringFiles.RUNBOOK_BASE_URL + "WebhookSignatureFailures.md";

    @Test
    void shouldSendAFiringAndThenAResolvedSlackMessageForBadSignatures() throws Exception {
        Path dir = MonitoringFiles.tempDir("alert-flow");
        MonitoringFiles.write(dir.resolve("rules/execution.yml"),
                TestSizedRules.shorten(MonitoringFiles.read(MonitoringFiles.rulesFile()), SHORTEN));
        int alertmanagerPort = ServerProcess.freePort();

        try (SlackReceiver slack = new SlackReceiver();
             ServiceProcess service = ServiceProcess.start(Map.of());
             AlertmanagerServer alertmanager = AlertmanagerServer.start(
                     AlertmanagerFiles.stage(dir.resolve("alertmanager"), slack), dir, alertmanagerPort);
             PrometheusServer prometheus = PrometheusServer.start(
                     writePrometheusConfig(dir, service.metricsPort(), alertmanagerPort), dir, ServerProcess.freePort())) {

            // the service is scraped and the rules are the test-sized copy of every real alert
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() ->
                    prometheus.query("up{job=\"fks-execution\"} == 1").path("data").path("result").size() == 1);
            List<String> loaded = new ArrayList<>();
            prometheus.rules().path("data").path("groups").forEach(g -> g.path("rules")
                    .forEach(r -> loaded.add(r.path("name").asText())));
            assertThat(loaded).containsExactlyInAnyOrderElementsOf(MonitoringFiles.alertNames());

            // bad-signature webhooks, two a second (well under the 100/min per-IP rate limit),
            // until the firing message arrives
            AtomicBoolean sending = new AtomicBoolean(true);
            AtomicInteger unauthorized = new AtomicInteger();
            List<Integer> otherStatuses = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread traffic = new Thread(() -> {
                int n = 0;
                while (sending.get()) {
                    try {
                        HttpResponse<String> response = service.postWebhook("{\"secret\":\"wrong-secret-" + n++
                                + "-0123456789\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":0.01,\"price\":50000}");
                        if (response.statusCode() == 401) {
                            unauthorized.incrementAndGet();
                        } else {
                            otherStatuses.add(response.statusCode());
                        }
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        otherStatuses.add(-1);
                    }
                }
            }, "bad-signature-traffic");
            traffic.start();
            SlackReceiver.Message firing;
            try {
                firing = Awaitility.await("firing WebhookSignatureFailures in Slack").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> find(slack, "[FIRING"), Optional::isPresent).orElseThrow();
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + diagnostics(slack, prometheus, alertmanager, service), e);
            } finally {
                sending.set(false);
                traffic.join(5_000);
            }
            assertThat(otherStatuses).as("every bad webhook answered 401").isEmpty();
            assertThat(unauthorized.get()).isPositive();
            JsonNode counted = prometheus.query("execution_webhook_signature_failures_total").path("data").path("result");
            assertThat(counted.path(0).path("value").path(1).asDouble()).isPositive();

            assertThat(firing.path()).isEqualTo("/critical");
            assertThat(firing.channel()).isEqualTo("#fks-alerts-critical");
            assertThat(firing.title()).isEqualTo("[FIRING:1] CRITICAL WebhookSignatureFailures (e2e)");
            assertThat(firing.attachment().path("title_link").asText()).isEqualTo(RUNBOOK);
            assertThat(firing.attachment().path("color").asText()).isEqualTo("danger");
            assertThat(firing.text())
                    .contains("*Critical:* Webhooks with a wrong secret or signature")
                    .containsPattern("\\d+ webhook\\(s\\) failed authentication in the last 5 minutes\\.")
                    .contains("*Action:* Check the source IPs in the logs")
                    .contains("*Runbook:* <" + RUNBOOK + "|WebhookSignatureFailures>");

            // traffic stopped: the alert resolves and Slack gets the resolved message
            SlackReceiver.Message resolved;
            try {
                resolved = Awaitility.await("resolved WebhookSignatureFailures in Slack").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> find(slack, "[RESOLVED]"), Optional::isPresent).orElseThrow();
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + diagnostics(slack, prometheus, alertmanager, service), e);
            }
            assertThat(resolved.path()).isEqualTo("/critical");
            assertThat(resolved.channel()).isEqualTo("#fks-alerts-critical");
            assertThat(resolved.title()).isEqualTo("[RESOLVED] CRITICAL WebhookSignatureFailures (e2e)");
            assertThat(resolved.attachment().path("color").asText()).isEqualTo("good");
            assertThat(resolved.text()).contains("*Resolved:* Webhooks with a wrong secret or signature")
                    .contains("<" + RUNBOOK + "|WebhookSignatureFailures>");

            // a healthy service with only bad signatures raises no other alert
            assertThat(slack.messages()).allSatisfy(m -> assertThat(m.title()).contains("WebhookSignatureFailures"));
        }
    }

    private static Optional<SlackReceiver.Message> find(SlackReceiver slack, String titlePrefix) {
        return slack.messages().stream()
                .filter(m -> m.title().startsWith(titlePrefix) && m.title().contains("WebhookSignatureFailures"))
                .findFirst();
    }

    /** Prometheus for the test: the service on loopback, 1 s intervals, the test-sized rules. */
    private static Path writePrometheusConfig(Path dir, int metricsPort, int alertmanagerPort) {
        Path config = dir.resolve("prometheus.yml");
        MonitoringFiles.write(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                  external_labels:
                    cluster: e2e
                rule_files:
                  - rules/execution.yml
                alerting:
                  alertmanagers:
                    - static_configs:
                        - targets: ['127.0.0.1:%d']
                scrape_configs:
                  - job_name: fks-execution
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(alertmanagerPort, metricsPort));
        return config;
    }

    private static String diagnostics(SlackReceiver slack, PrometheusServer prometheus,
                                      AlertmanagerServer alertmanager, ServiceProcess service) {
        String serviceLog = service.output();
        return "\nSlack got: " + slack.messages()
                + "\nPrometheus alerts: " + prometheus.alerts()
                + "\nAlertmanager alerts: " + alertmanager.alerts()
                + "\nAlertmanager log tail:\n" + tail(alertmanager.output())
                + "\nService log tail:\n" + tail(serviceLog);
    }

    private static String tail(String log) {
        return log.length() > 3000 ? log.substring(log.length() - 3000) : log;
    }
}
