package com.fks.execution.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fks.execution.testsupport.ExternalCommand;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real alertmanager.yml: amtool accepts it, each severity routes to its channel, a
 * critical alert inhibits the warning of the same name, and a real Alertmanager delivers a
 * critical alert at once as a Slack message built from the template.
 */
final class AlertmanagerConfigTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldPassAmtoolCheckConfigIncludingTheTemplate() {
        Path amtool = ExternalCommand.require("amtool", "prometheus-alertmanager");

        String out = ExternalCommand.run(MonitoringFiles.alertmanagerDir(), TIMEOUT,
                amtool.toString(), "check-config", "alertmanager.yml").assertSuccess("amtool check-config").output();

        assertThat(out).contains("3 receivers").contains("2 inhibit rules").contains("1 templates");
        assertThat(MonitoringFiles.list(MonitoringFiles.alertmanagerDir().resolve("templates"), ".tmpl")).isNotEmpty();
    }

    @ParameterizedTest(name = "severity={0} -> {1}")
    @CsvSource({
        "critical, slack-critical",
        "warning,  slack-warnings",
        "info,     slack-info",
        // an alert with a severity nobody expected must still reach a human
        "page,     slack-warnings",
    })
    void shouldRouteEachSeverityToItsChannel(String severity, String receiver) {
        Path amtool = ExternalCommand.require("amtool", "prometheus-alertmanager");

        String out = ExternalCommand.run(MonitoringFiles.alertmanagerDir(), TIMEOUT, amtool.toString(),
                "config", "routes", "test", "--config.file=alertmanager.yml", "--verify.receivers=" + receiver,
                "alertname=WebhookSignatureFailures", "cluster=fks-production", "service=fks-execution",
                "severity=" + severity).assertSuccess("amtool config routes test severity=" + severity).output();

        assertThat(out.lines().filter(l -> !l.startsWith("Warning:")).toList()).containsExactly(receiver);
    }

    @Test
    void shouldNameTheChannelOfEachReceiverAndKeepSlackUrlsOutOfTheConfig() {
        String config = MonitoringFiles.read(MonitoringFiles.alertmanagerDir().resolve("alertmanager.yml"));

        assertThat(config).contains("channel: '#fks-alerts-critical'", "channel: '#fks-alerts-warnings'",
                "channel: '#fks-alerts-info'");
        assertThat(config).doesNotContain("hooks.slack.com").doesNotContainPattern("(?m)^\\s*(slack_)?api_url:");
        assertThat(config).contains("api_url_file: /etc/alertmanager/secrets/critical-url",
                "api_url_file: /etc/alertmanager/secrets/warnings-url", "api_url_file: /etc/alertmanager/secrets/info-url");
    }

    @Test
    void shouldDeliverACriticalAlertAtOnceAndInhibitTheWarningOfTheSameName() {
        Path dir = MonitoringFiles.tempDir("alertmanager-test");
        try (SlackReceiver slack = new SlackReceiver();
             AlertmanagerServer alertmanager = AlertmanagerServer.start(AlertmanagerFiles.stage(dir, slack), dir,
                     ServerProcess.freePort())) {
            String startsAt = Instant.now().toString();
            alertmanager.postAlerts("[" + alert("CircuitBreakerOpened", "critical", startsAt) + ","
                    + alert("CircuitBreakerOpened", "warning", startsAt) + "]");

            // critical: group_wait 0s, so the message comes within a second or two
            List<SlackReceiver.Message> messages = Awaitility.await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(200)).until(slack::messages, m -> !m.isEmpty());
            SlackReceiver.Message message = messages.get(0);
            assertThat(message.path()).isEqualTo("/critical");
            assertThat(message.channel()).isEqualTo("#fks-alerts-critical");
            assertThat(message.title()).isEqualTo("[FIRING:1] CRITICAL CircuitBreakerOpened (fks-production)");
            assertThat(message.attachment().path("title_link").asText())
                    .isEqualTo(MonitoringFiles.RUNBOOK_BASE_URL + "CircuitBreakerOpened.md");
            assertThat(message.attachment().path("color").asText()).isEqualTo("danger");
            assertThat(message.text())
                    .contains("*Critical:* Circuit breaker for binance is open")
                    .contains("The breaker is OPEN.")
                    .contains("*Action:* Check the exchange.")
                    .contains("<" + MonitoringFiles.RUNBOOK_BASE_URL + "CircuitBreakerOpened.md|CircuitBreakerOpened>");

            JsonNode alerts = alertmanager.alerts();
            List<String> inhibited = new ArrayList<>();
            alerts.forEach(a -> {
                if (!a.path("status").path("inhibitedBy").isEmpty()) {
                    inhibited.add(a.path("labels").path("severity").asText());
                }
            });
            assertThat(alerts).hasSize(2);
            assertThat(inhibited).containsExactly("warning");
        }
    }

    private static String alert(String name, String severity, String startsAt) {
        return """
            {"labels": {"alertname": "%s", "severity": "%s", "category": "trading", "service": "fks-execution",
                        "cluster": "fks-production", "exchange": "binance"},
             "annotations": {"summary": "Circuit breaker for binance is open", "description": "The breaker is OPEN.",
                             "action": "Check the exchange.", "runbook_url": "%s"},
             "startsAt": "%s"}
            """.formatted(name, severity, MonitoringFiles.RUNBOOK_BASE_URL + name + ".md", startsAt);
    }
}
