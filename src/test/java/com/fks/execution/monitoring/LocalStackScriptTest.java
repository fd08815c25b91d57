package com.fks.execution.monitoring;

import com.fks.execution.testsupport.ExternalCommand;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * monitoring/local/run: passes shellcheck, and its --dry-run stages configs that promtool
 * and amtool accept, with Slack pointed at the local catcher. (Starting the whole stack
 * needs the packaged jar, which does not exist yet in Maven's test phase.)
 */
final class LocalStackScriptTest {

    private static final Path SCRIPT = MonitoringFiles.root().resolve("monitoring/local/run");

    @Test
    void shouldPassShellcheck() {
        Path shellcheck = ExternalCommand.require("shellcheck", "shellcheck");

        ExternalCommand.Result result = ExternalCommand.run(MonitoringFiles.root(), Duration.ofSeconds(60),
                shellcheck.toString(), "--severity=style", SCRIPT.toString());

        assertThat(result.output()).isEmpty();
        assertThat(result.exitCode()).isZero();
        assertThat(Files.isExecutable(SCRIPT)).as("monitoring/local/run is executable").isTrue();
    }

    @Test
    void shouldStageAndCheckTheLocalConfigsInADryRun() {
        ExternalCommand.require("promtool", "prometheus");
        ExternalCommand.require("amtool", "prometheus-alertmanager");
        Path work = MonitoringFiles.tempDir("local-stack");

        String out = ExternalCommand.run(MonitoringFiles.root(), Duration.ofSeconds(60),
                "/usr/bin/env", "FKS_LOCAL_DIR=" + work, SCRIPT.toString(), "--dry-run")
                .assertSuccess("monitoring/local/run --dry-run").output();

        assertThat(out).contains("configs OK");
        String staged = MonitoringFiles.read(work.resolve("alertmanager/alertmanager.yml"));
        assertThat(staged).doesNotContain("/etc/alertmanager/secrets/")
                .contains("api_url_file: " + work + "/alertmanager/secrets/critical-url");
        assertThat(MonitoringFiles.read(work.resolve("alertmanager/secrets/critical-url")))
                .isEqualTo("http://127.0.0.1:9095/critical\n");
        assertThat(work.resolve("alertmanager/templates/slack.tmpl")).exists();
    }
}
