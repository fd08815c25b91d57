package com.fks.execution.app;

import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a start prints, from one {@code serve --exit-when-ready} in a child JVM, given a DATA_DIR written the
 * way people write it (relative, with {@code ./} and {@code ..}) and no WEBHOOK_SECRET, so the banner names
 * the secret's file under DATA_DIR.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class StartupBannerTest {
    @TempDir
    static Path tmp;
    private Path expectedDataDir;
    private String output;

    @BeforeAll
    void startOnce() throws Exception {
        Path workingDir = Path.of("").toAbsolutePath();
        expectedDataDir = tmp.toAbsolutePath().resolve("data");
        // state/ exists, so the operating system can walk state/../data whether or not the service normalises it
        Files.createDirectories(tmp.resolve("state"));
        String relative = "./" + workingDir.relativize(tmp.resolve("state")) + "/./../data";
        ServiceProcess.Exit run = ServiceProcess.runToExit(Map.of("DATA_DIR", relative, "WEBHOOK_SECRET", "",
                "PERPETUAL_SYMBOLS", "spot"), Duration.ofSeconds(90), "--exit-when-ready");
        assertThat(run.code()).as(run.output()).isZero();
        output = run.output();
    }

    @Test
    void shouldPrintDataDirAsANormalisedAbsolutePath() {
        // then the banner's secret file and the ready line name the folder as it is, without ./ or ../
        assertThat(Files.exists(expectedDataDir.resolve("webhook-secret"))).as(output).isTrue();
        assertThat(output).contains("kept in " + expectedDataDir.resolve("webhook-secret") + ")")
                .contains("$(cat '" + expectedDataDir.resolve("webhook-secret") + "')")
                .doesNotContain("/./").doesNotContain("/../");
        // the JSON log writes / as \/
        assertThat(output).contains("embedded journal in " + expectedDataDir.toString().replace("/", "\\/") + ",")
                .doesNotContain("\\/.\\/").doesNotContain("\\/..\\/");
    }

    @Test
    void shouldLogTheChoiceToTradePerpetualsAsSpotOnce() {
        Matcher m = Pattern.compile("PERPETUAL_SYMBOLS=spot: alerts from perpetual futures charts").matcher(output);
        int count = 0;
        while (m.find()) {
            count++;
        }
        assertThat(count).as(output).isEqualTo(1);
    }
}
