package com.fks.execution.deploy;

import com.fks.execution.testsupport.ExternalCommand;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** shellcheck passes on every shell script under k8s/ and scripts/ (whatever exists at test time). */
final class ShellScriptTest {

    static List<Path> scripts() throws IOException {
        List<Path> scripts = new ArrayList<>();
        for (String dir : List.of("k8s", "scripts")) {
            Path folder = Manifests.root().resolve(dir);
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    if (file.toString().endsWith(".sh") || startsWithShellShebang(file)) {
                        scripts.add(file);
                    }
                }
            }
        }
        return scripts;
    }

    private static boolean startsWithShellShebang(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            String head = new String(in.readNBytes(64), java.nio.charset.StandardCharsets.UTF_8);
            return head.matches("(?s)#!\\s*(/usr)?/bin/(env\\s+)?(ba|da|k)?sh\\b.*");
        }
    }

    @Test
    void shouldPassShellcheck() throws IOException {
        ExternalCommand.require("shellcheck", "shellcheck");
        List<Path> scripts = scripts();
        assertThat(scripts).as("scripts under k8s/").anyMatch(p -> p.endsWith("k8s/scripts/deploy-phase5.sh"));
        List<String> command = new ArrayList<>(List.of("shellcheck", "--external-sources", "--severity=info"));
        scripts.forEach(p -> command.add(p.toString()));
        ExternalCommand.run(Manifests.root(), Duration.ofMinutes(2), command).assertSuccess("shellcheck " + scripts);
    }

    @Test
    void shouldBeExecutable() throws IOException {
        for (Path script : scripts()) {
            assertThat(Files.isExecutable(script)).as("%s is executable", script).isTrue();
        }
    }
}
