package com.fks.execution.monitoring;

import com.fks.execution.testsupport.ExternalCommand;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** promtool on the real files: rules parse, every alert's unit tests pass, configs load. */
final class PromtoolRulesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void shouldPassPromtoolCheckRulesWithEveryAlertFound() {
        Path promtool = ExternalCommand.require("promtool", "prometheus");

        String out = ExternalCommand.run(MonitoringFiles.prometheusDir(), TIMEOUT,
                promtool.toString(), "check", "rules", "rules/execution.yml").assertSuccess("promtool check rules").output();

        assertThat(MonitoringFiles.alertNames()).hasSizeGreaterThanOrEqualTo(11);
        assertThat(out).contains("SUCCESS: " + MonitoringFiles.alertNames().size() + " rules found");
    }

    @Test
    void shouldPassEveryAlertUnitTest() {
        Path promtool = ExternalCommand.require("promtool", "prometheus");
        List<Path> testFiles = MonitoringFiles.list(MonitoringFiles.prometheusDir().resolve("tests"), "_test.yml");
        assertThat(testFiles).isNotEmpty();
        List<String> command = new ArrayList<>(List.of(promtool.toString(), "test", "rules"));
        testFiles.forEach(f -> command.add("tests/" + f.getFileName()));

        String out = ExternalCommand.run(MonitoringFiles.prometheusDir(), TIMEOUT, command)
                .assertSuccess("promtool test rules").output();

        for (Path file : testFiles) {
            assertThat(out).contains("Unit Testing:  tests/" + file.getFileName());
        }
        assertThat(out).doesNotContain("FAILED");
    }

    /**
     * Every alert has a test where it fires with expected labels and annotations, and an
     * evaluation where it must not fire (just before its `for:` expires, or under threshold).
     */
    @Test
    void shouldTestEveryAlertFiringAndNotFiring() {
        StringBuilder all = new StringBuilder();
        MonitoringFiles.list(MonitoringFiles.prometheusDir().resolve("tests"), "_test.yml")
                .forEach(f -> all.append(MonitoringFiles.read(f)).append('\n'));
        String tests = all.toString();
        List<String> missing = new ArrayList<>();
        for (String alert : MonitoringFiles.alertNames()) {
            Pattern evaluation = Pattern.compile("alertname: " + alert + "\\s*\\n\\s*exp_alerts:\\s*(\\[]|\\S.*|\\n\\s*- exp_labels)");
            Matcher m = evaluation.matcher(tests);
            boolean fires = false;
            boolean silent = false;
            while (m.find()) {
                String value = m.group(1).trim();
                if (value.equals("[]")) {
                    silent = true;
                } else {
                    fires = true;
                }
            }
            if (!fires) {
                missing.add(alert + " (no case where it fires)");
            }
            if (!silent) {
                missing.add(alert + " (no case where it must not fire)");
            }
            if (!tests.contains("'" + MonitoringFiles.RUNBOOK_BASE_URL + alert + ".md'")) {
                missing.add(alert + " (annotations never checked)");
            }
        }
        assertThat(missing).as("alerts without full unit tests").isEmpty();
    }

    @Test
    void shouldPassPromtoolCheckConfigForTheLocalConfig() {
        Path promtool = ExternalCommand.require("promtool", "prometheus");

        String out = ExternalCommand.run(MonitoringFiles.prometheusDir(), TIMEOUT,
                promtool.toString(), "check", "config", "prometheus-local.yml").assertSuccess("promtool check config").output();

        assertThat(out).contains("SUCCESS: 1 rule files found").contains("rules/execution.yml");
    }

    /**
     * Debian's Prometheus is built without Kubernetes discovery (its packaging removed it), so
     * its promtool rejects `kubernetes_sd_configs`. The check runs on a copy where only that
     * block is swapped for file discovery; PrometheusKubernetesConfigTest then runs the same
     * copy in a real Prometheus and checks the relabelling against Kubernetes-style labels.
     */
    @Test
    void shouldPassPromtoolCheckConfigForTheKubernetesConfig() {
        Path promtool = ExternalCommand.require("promtool", "prometheus");
        Path dir = KubernetesConfig.stage(MonitoringFiles.tempDir("prom-k8s-check"), List.of());

        String out = ExternalCommand.run(dir, TIMEOUT, promtool.toString(), "check", "config", "prometheus.yml")
                .assertSuccess("promtool check config (Kubernetes config, discovery swapped)").output();

        assertThat(out).contains("SUCCESS: 1 rule files found").contains("SUCCESS: "
                + MonitoringFiles.alertNames().size() + " rules found");
    }
}
