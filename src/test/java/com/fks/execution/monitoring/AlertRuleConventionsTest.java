package com.fks.execution.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules as a real Prometheus loaded them: the alerts the issue asks for with their
 * durations and severities, and on every alert the labels, annotations and runbook an
 * operator relies on.
 */
final class AlertRuleConventionsTest {

    private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
    private static final Set<String> CATEGORIES = Set.of("performance", "security", "data_quality", "trading", "availability");
    private static final List<String> RUNBOOK_SECTIONS = List.of("## What it means", "## How to confirm", "```promql",
            "kubectl", "## Likely causes", "## What to do", "## How to verify it is over");

    private static PrometheusServer prometheus;
    private static Map<String, JsonNode> rules;

    @BeforeAll
    static void start() {
        Path dir = MonitoringFiles.tempDir("prom-rules");
        Path config = dir.resolve("prometheus.yml");
        MonitoringFiles.write(config, "rule_files:\n  - " + MonitoringFiles.rulesFile() + "\nscrape_configs: []\n");
        prometheus = PrometheusServer.start(config, dir, ServerProcess.freePort());
        rules = new LinkedHashMap<>();
        prometheus.rules().path("data").path("groups")
                .forEach(g -> g.path("rules").forEach(r -> rules.put(r.path("name").asText(), r)));
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    void shouldHaveTheAlertsOfTheIssueWithTheirDurationsAndSeverities() {
        // name -> [for: in seconds, severity]
        Map<String, Object[]> expected = new LinkedHashMap<>();
        expected.put("HighWebhookLatency", new Object[] {300, "warning"});
        expected.put("WebhookValidationFailureRate", new Object[] {180, "warning"});
        expected.put("WebhookSignatureFailures", new Object[] {60, "critical"});
        expected.put("HighOrderFailureRate", new Object[] {300, "warning"});
        expected.put("CircuitBreakerOpened", new Object[] {0, "critical"});
        expected.put("HighRateLimitRejections", new Object[] {300, "warning"});
        expected.put("IPWhitelistRejections", new Object[] {300, "warning"});
        expected.put("HighNaNReplacementRate", new Object[] {300, "info"});
        expected.put("HighExchangeAPILatency", new Object[] {300, "warning"});
        expected.put("SlowOrderPlacement", new Object[] {300, "warning"});
        expected.put("ExchangeConnectionLoss", new Object[] {120, "critical"});
        expected.put("ExecutionServiceDown", new Object[] {60, "critical"});

        expected.forEach((name, spec) -> {
            assertThat(rules).as("alert " + name).containsKey(name);
            assertThat(rules.get(name).path("duration").asInt()).as("for: of " + name).isEqualTo(spec[0]);
            assertThat(rules.get(name).path("labels").path("severity").asText()).as("severity of " + name).isEqualTo(spec[1]);
        });
        assertThat(rules.keySet()).containsExactlyInAnyOrderElementsOf(MonitoringFiles.alertNames());
    }

    @Test
    void shouldLabelAndAnnotateEveryAlertForRoutingAndForTheOperator() {
        List<String> problems = new ArrayList<>();
        rules.forEach((name, rule) -> {
            JsonNode labels = rule.path("labels");
            JsonNode annotations = rule.path("annotations");
            if (!SEVERITIES.contains(labels.path("severity").asText())) {
                problems.add(name + ": severity " + labels.path("severity"));
            }
            if (!CATEGORIES.contains(labels.path("category").asText())) {
                problems.add(name + ": category " + labels.path("category"));
            }
            if (!labels.path("service").asText().equals("fks-execution")) {
                problems.add(name + ": service label (Alertmanager groups by it)");
            }
            for (String key : List.of("summary", "description", "action")) {
                if (annotations.path(key).asText().isBlank()) {
                    problems.add(name + ": no " + key);
                }
            }
            if (!annotations.path("description").asText().contains("$value")) {
                problems.add(name + ": description does not show the current value");
            }
            if (!annotations.path("runbook_url").asText().equals(MonitoringFiles.RUNBOOK_BASE_URL + name + ".md")) {
                problems.add(name + ": runbook_url " + annotations.path("runbook_url"));
            }
        });
        assertThat(rules).hasSize(MonitoringFiles.alertNames().size());
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldHaveARunbookForEveryAlertAndNoOrphans() {
        List<String> problems = new ArrayList<>();
        for (String name : rules.keySet()) {
            Path runbook = MonitoringFiles.runbooks().resolve(name + ".md");
            if (!Files.exists(runbook)) {
                problems.add(name + ": no " + runbook);
                continue;
            }
            String text = MonitoringFiles.read(runbook);
            if (!text.startsWith("# " + name + "\n")) {
                problems.add(name + ": runbook title");
            }
            RUNBOOK_SECTIONS.stream().filter(s -> !text.contains(s)).forEach(s -> problems.add(name + ": runbook lacks " + s));
        }
        Set<String> orphans = new TreeSet<>();
        MonitoringFiles.list(MonitoringFiles.runbooks(), ".md").forEach(p -> orphans.add(p.getFileName().toString()));
        rules.keySet().forEach(n -> orphans.remove(n + ".md"));
        assertThat(rules).isNotEmpty();
        assertThat(problems).isEmpty();
        assertThat(orphans).as("runbooks for alerts that do not exist").isEmpty();
    }
}
