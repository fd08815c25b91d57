package com.fks.execution.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testsupport.ExternalCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard and the alert rules against a real Prometheus and Grafana's schema:
 * every PromQL expression parses and evaluates, reads only metrics the service exports,
 * the dashboard covers every exported metric, and the JSON is valid against the Dashboard
 * type of @grafana/schema.
 */
final class DashboardTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Grafana's variables, replaced by what Grafana would put there. */
    private static final Map<String, String> GRAFANA_VARIABLES = Map.of(
            "$__rate_interval", "1m", "$__interval", "15s", "${instance}", ".*", "$instance", ".*");
    private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.*),\\s*\\w+\\)$");

    private static PrometheusServer prometheus;
    private static JsonNode dashboard;

    @BeforeAll
    static void start() throws IOException {
        dashboard = JSON.readTree(MonitoringFiles.dashboard().toFile());
        Path dir = MonitoringFiles.tempDir("prom-dashboard");
        Path config = dir.resolve("prometheus.yml");
        MonitoringFiles.write(config, """
                global:
                  evaluation_interval: 15s
                rule_files:
                  - %s
                scrape_configs: []
                """.formatted(MonitoringFiles.rulesFile()));
        prometheus = PrometheusServer.start(config, dir, ServerProcess.freePort());
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    void shouldBeValidAgainstGrafanasDashboardSchema() {
        Path npm = ExternalCommand.require("npm", "npm");
        Path node = ExternalCommand.require("node", "nodejs");
        Path tool = MonitoringFiles.root().resolve("tools/grafana-validate");
        if (!Files.isDirectory(tool.resolve("node_modules"))) {
            ExternalCommand.run(tool, Duration.ofMinutes(5), npm.toString(), "ci", "--no-audit", "--no-fund")
                    .assertSuccess("npm ci in tools/grafana-validate");
        }

        String out = ExternalCommand.run(tool, Duration.ofMinutes(2), node.toString(), "validate.js",
                MonitoringFiles.dashboard().toString()).assertSuccess("dashboard schema check").output();

        assertThat(out).contains("VALID " + MonitoringFiles.dashboard());
    }

    @Test
    void shouldHaveEveryPanelQueryThroughTheDatasourceVariableWithUniqueIdsAndNoOverlap() {
        Set<Integer> ids = new TreeSet<>();
        List<int[]> boxes = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id " + panel.path("id")).isTrue();
            JsonNode pos = panel.path("gridPos");
            int[] box = {pos.path("x").asInt(), pos.path("y").asInt(), pos.path("w").asInt(), pos.path("h").asInt()};
            assertThat(box[0] + box[2]).as("panel " + panel.path("title") + " fits 24 columns").isLessThanOrEqualTo(24);
            for (int[] other : boxes) {
                boolean overlap = box[0] < other[0] + other[2] && other[0] < box[0] + box[2]
                        && box[1] < other[1] + other[3] && other[1] < box[1] + box[3];
                assertThat(overlap).as("panel " + panel.path("title") + " overlaps another").isFalse();
            }
            boxes.add(box);
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("targets")).as("queries of " + panel.path("title")).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
                assertThat(target.path("expr").asText()).isNotBlank();
            }
        }
    }

    @Test
    void shouldShowEveryMetricTheServiceExportsAndThePanelsTheIssueAsksFor() {
        Set<String> used = new TreeSet<>();
        dashboardExpressions().values().forEach(e -> used.addAll(PromQlMetricNames.of(e)));
        Set<String> titles = new TreeSet<>();
        dashboard.path("panels").forEach(p -> titles.add(p.path("title").asText()));

        Set<String> missing = new TreeSet<>();
        PromQlMetricNames.COUNTERS.stream().filter(m -> !used.contains(m)).forEach(missing::add);
        PromQlMetricNames.GAUGES.stream().filter(m -> !used.contains(m)).forEach(missing::add);
        PromQlMetricNames.HISTOGRAMS.stream().filter(h -> used.stream().noneMatch(u -> u.startsWith(h + "_")))
                .forEach(missing::add);
        for (String runtime : List.of("jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum", "up")) {
            if (!used.contains(runtime)) {
                missing.add(runtime);
            }
        }
        assertThat(missing).as("metrics no panel shows").isEmpty();
        assertThat(titles).contains("Webhook requests by status", "Webhook latency p50 / p95 / p99",
                "Validation failures by reason", "Signature / IP allow-list / rate-limit rejections",
                "NaN replacements by field", "Orders by exchange and status", "Order failure ratio",
                "Circuit breaker state", "Exchange API latency (average)", "Exchange connections",
                "Active requests", "Order queue depth", "JVM memory used", "GC pause time", "Pods up");
    }

    @Test
    void shouldHaveEveryDashboardExpressionAcceptedByPrometheusUsingOnlyExportedMetrics() {
        Map<String, String> expressions = dashboardExpressions();
        assertThat(expressions).hasSizeGreaterThan(20);

        assertAcceptedAndExported(expressions);
    }

    @Test
    void shouldHaveEveryAlertExpressionAcceptedByPrometheusUsingOnlyExportedMetrics() {
        Map<String, String> expressions = new LinkedHashMap<>();
        prometheus.rules().path("data").path("groups").forEach(g -> g.path("rules")
                .forEach(r -> expressions.put("alert " + r.path("name").asText(), r.path("query").asText())));
        assertThat(expressions).hasSize(MonitoringFiles.alertNames().size());

        assertAcceptedAndExported(expressions);
    }

    private static void assertAcceptedAndExported(Map<String, String> expressions) {
        List<String> problems = new ArrayList<>();
        expressions.forEach((where, expr) -> {
            JsonNode answer = prometheus.query(expr);
            if (!answer.path("status").asText().equals("success")) {
                problems.add(where + ": Prometheus says " + answer.path("error").asText() + " for: " + expr);
            }
            Set<String> names = PromQlMetricNames.of(expr);
            if (names.isEmpty()) {
                problems.add(where + ": reads no metric: " + expr);
            }
            names.stream().filter(n -> !PromQlMetricNames.isExported(n))
                    .forEach(n -> problems.add(where + ": " + n + " is not exported by the service"));
        });
        assertThat(problems).isEmpty();
    }

    /** "panel title / refId" -> expression with Grafana's variables filled in; plus variable queries. */
    private static Map<String, String> dashboardExpressions() {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.put(panel.path("title").asText() + " / " + target.path("refId").asText(),
                        fillVariables(target.path("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                Matcher m = LABEL_VALUES.matcher(variable.path("query").asText());
                assertThat(m.matches()).as("variable " + variable.path("name") + " uses label_values(selector, label)").isTrue();
                expressions.put("variable " + variable.path("name").asText(), fillVariables(m.group(1)));
            }
        }
        return expressions;
    }

    private static String fillVariables(String expr) {
        String filled = expr;
        for (Map.Entry<String, String> variable : GRAFANA_VARIABLES.entrySet()) {
            filled = filled.replace(variable.getKey(), variable.getValue());
        }
        assertThat(filled).as("unknown Grafana variable in " + expr).doesNotContain("$");
        return filled;
    }
}
