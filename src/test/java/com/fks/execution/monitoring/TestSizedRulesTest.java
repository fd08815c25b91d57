package com.fks.execution.monitoring;

import com.fks.execution.testsupport.ExternalCommand;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The generator of test-sized rules used by the end-to-end alert-flow test. */
final class TestSizedRulesTest {

    private static final String REAL = MonitoringFiles.read(MonitoringFiles.rulesFile());

    @Test
    void shouldShortenForDurationsAndWindowsOfTheRealRules() {
        String small = TestSizedRules.shorten(REAL, 10);

        assertThat(small).contains("sum(increase(execution_webhook_signature_failures_total[30s])) > 0\n        for: 6s\n");
        assertThat(small).contains("count by (exchange) (execution_circuit_breaker_state == 1) > 0\n        for: 0s\n"
                + "        keep_firing_for: 30s\n");
        assertThat(small).contains("max by (instance) (min_over_time(execution_order_queue_depth[30s])) > 0");
    }

    @Test
    void shouldChangeNothingButDurationsAndWindows() {
        String[] real = REAL.split("\n", -1);
        String[] small = TestSizedRules.shorten(REAL, 10).split("\n", -1);
        assertThat(small).hasSameSizeAs(real);

        List<String> otherChanges = new ArrayList<>();
        int changed = 0;
        for (int i = 0; i < real.length; i++) {
            if (real[i].equals(small[i])) {
                continue;
            }
            changed++;
            String a = real[i].replaceAll("\\[[0-9a-z]+]", "[W]").replaceAll("(for|keep_firing_for): \\S+", "$1: D");
            String b = small[i].replaceAll("\\[[0-9a-z]+]", "[W]").replaceAll("(for|keep_firing_for): \\S+", "$1: D");
            if (!a.equals(b)) {
                otherChanges.add(real[i] + "  ->  " + small[i]);
            }
        }
        assertThat(otherChanges).isEmpty();
        assertThat(changed).isGreaterThanOrEqualTo(MonitoringFiles.alertNames().size());
        // annotation text that quotes a query is not a window to shorten
        assertThat(TestSizedRules.shorten(REAL, 10))
                .contains("Find the reason with sum by (reason) (rate(execution_webhook_validation_failures_total[5m]))");
    }

    @Test
    void shouldProduceRulesPromtoolAccepts() {
        Path promtool = ExternalCommand.require("promtool", "prometheus");
        Path dir = MonitoringFiles.tempDir("small-rules");
        MonitoringFiles.write(dir.resolve("execution.yml"), TestSizedRules.shorten(REAL, 10));

        String out = ExternalCommand.run(dir, Duration.ofSeconds(30), promtool.toString(), "check", "rules", "execution.yml")
                .assertSuccess("promtool check rules on the test-sized rules").output();

        assertThat(out).contains("SUCCESS: " + MonitoringFiles.alertNames().size() + " rules found");
    }

    @Test
    void shouldParseAndFormatPrometheusDurations() {
        assertThat(TestSizedRules.millis("5m")).isEqualTo(300_000);
        assertThat(TestSizedRules.millis("1h30m")).isEqualTo(5_400_000);
        assertThat(TestSizedRules.millis("250ms")).isEqualTo(250);
        assertThat(TestSizedRules.format(6_000)).isEqualTo("6s");
        assertThat(TestSizedRules.format(1_500)).isEqualTo("1500ms");
        assertThat(TestSizedRules.format(0)).isEqualTo("0s");
    }
}
