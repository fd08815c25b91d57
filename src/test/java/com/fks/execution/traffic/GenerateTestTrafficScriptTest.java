package com.fks.execution.traffic;

import com.fks.execution.testsupport.ExternalCommand;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** scripts/generate-test-traffic is a thin, shellcheck-clean wrapper. */
final class GenerateTestTrafficScriptTest {
    @Test
    void shouldBeShellcheckCleanAndPassEveryFlagThrough() throws Exception {
        Path root = ExternalCommand.projectRoot();
        Path script = root.resolve("scripts/generate-test-traffic");
        assertThat(Files.isExecutable(script)).isTrue();
        Path shellcheck = ExternalCommand.require("shellcheck", "shellcheck");
        ExternalCommand.run(root, Duration.ofSeconds(60), shellcheck.toString(), script.toString())
                .assertSuccess("shellcheck scripts/generate-test-traffic");
        String text = Files.readString(script);
        assertThat(text).contains("set -euo pipefail").contains("traffic \"$@\"");
    }
}
