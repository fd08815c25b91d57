package com.fks.execution.docs;

import com.fks.execution.config.EnvironmentVariable;
import com.fks.execution.intake.RejectionReason;
import com.fks.execution.testsupport.ExternalCommand;
import com.fks.execution.testsupport.InProcessService;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The docs name what the code does: every variable, every reason code, every exported metric. */
final class DocsConsistencyTest {
    private static final Path ROOT = ExternalCommand.projectRoot();

    @Test
    void shouldDocumentEveryEnvironmentVariableInTheReadmeTable() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        for (EnvironmentVariable variable : EnvironmentVariable.values()) {
            assertThat(readme).as(variable.name()).contains("| `" + variable.name() + "` |");
        }
    }

    @Test
    void shouldDocumentEveryReasonCode() throws Exception {
        String intake = Files.readString(ROOT.resolve("docs/intake.md"));
        for (RejectionReason reason : RejectionReason.values()) {
            assertThat(intake).as(reason.code()).contains("`" + reason.code() + "`");
        }
    }

    @Test
    void shouldDocumentEveryExportedExecutionMetric() throws Exception {
        String doc = Files.readString(ROOT.resolve("docs/metrics.md"));
        try (InProcessService service = InProcessService.start(Map.of())) {
            service.webhook("{}");
            TreeSet<String> names = new TreeSet<>();
            Matcher m = Pattern.compile("(?m)^(execution_[a-z_]+?)(_bucket|_sum|_count|_max)?[{ ]").matcher(service.metrics());
            while (m.find()) {
                names.add(m.group(1));
            }
            assertThat(names).contains("execution_webhook_requests_total", "execution_webhook_duration_seconds");
            for (String name : names) {
                assertThat(doc).as(name).contains("`" + name + "`");
            }
        }
    }
}
