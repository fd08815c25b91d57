package com.fks.execution.docs;

import com.fks.execution.config.EnvironmentVariable;
import com.fks.execution.intake.Alert;
import com.fks.execution.intake.AlertAction;
import com.fks.execution.intake.AlertParser;
import com.fks.execution.intake.AlertValidator;
import com.fks.execution.intake.RejectionReason;
import com.fks.execution.intake.Sentiment;
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

    @Test
    void shouldShowReadmeStrategyAlertsThatIntakeReadsAsEachFillOfTheStrategy() throws Exception {
        // given the README's strategy alert messages
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher block = Pattern.compile("(?s)```json\\n(\\{[^\\n]*\\{\\{strategy\\.market_position}}[^\\n]*})\\n```").matcher(readme);
        java.util.List<String> templates = new java.util.ArrayList<>();
        while (block.find()) {
            templates.add(block.group(1));
        }
        assertThat(templates).hasSize(2);
        AlertParser parser = new AlertParser();
        AlertValidator validator = new AlertValidator(parser.mapper(), "paper", field -> { });

        for (String template : templates) {
            // when TradingView renders them for an entry, a close, a reversal and a cover
            Alert entry = validator.validate(parser.parse(render(template, "buy", "long")), null);
            Alert close = validator.validate(parser.parse(render(template, "sell", "flat")), null);
            Alert reversal = validator.validate(parser.parse(render(template, "sell", "short")), null);
            Alert cover = validator.validate(parser.parse(render(template, "buy", "short")), null);

            // then each is what the README says it is
            assertThat(entry.action()).isEqualTo(AlertAction.BUY);
            assertThat(entry.quantity()).isEqualByComparingTo("0.01");
            assertThat(entry.terms().wantsProtection()).isEqualTo(template.contains("stop_loss"));
            assertThat(close.action()).isEqualTo(AlertAction.EXIT);
            assertThat(close.quantity()).isEqualByComparingTo("100");
            assertThat(reversal.action()).isEqualTo(AlertAction.EXIT);
            assertThat(cover.action()).isEqualTo(AlertAction.BUY);
            assertThat(cover.sentiment()).isEqualTo(Sentiment.SHORT);
            assertThat(entry.strategy()).isEqualTo(close.strategy()).isNotNull();
        }
    }

    /** What TradingView sends for one fill; the parser refuses any placeholder left unrendered. */
    private static byte[] render(String template, String action, String marketPosition) {
        return template.replace("<WEBHOOK_SECRET>", "readme-secret-0123456789")
                .replace("{{strategy.order.id}}", "Long").replace("{{timenow}}", java.time.Instant.now().toString())
                .replace("{{exchange}}", "BINANCE").replace("{{ticker}}", "BTCUSDT")
                .replace("{{strategy.order.action}}", action).replace("{{strategy.market_position}}", marketPosition)
                .replace("{{strategy.order.contracts}}", "0.01").replace("{{close}}", "65000")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
