package com.fks.execution.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The jar that ships (target/fks-execution.jar, the one the image copies), started with {@code java -jar} as the
 * image and the README start it: its manifest, its shaded dependencies and their service files, not the test
 * class path. An integration test (failsafe, after {@code package}): {@code mvn verify} runs it.
 */
final class ShippedJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    private Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void shouldServeFromTheShippedJarAndFillASignedAlert() throws Exception {
        Path jar = Path.of(System.getProperty("fks.jar", "target/fks-execution.jar"));
        assertThat(jar).as("the packaged jar (system property fks.jar)").isRegularFile();
        int httpPort = ServiceProcess.freePort();
        Path log = tmp.resolve("service.log");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString(), "serve"))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().put("WEBHOOK_SECRET", ServiceProcess.SECRET);
        builder.environment().put("IP_WHITELIST", "127.0.0.1,::1");
        builder.environment().put("HTTP_PORT", Integer.toString(httpPort));
        builder.environment().put("METRICS_PORT", Integer.toString(ServiceProcess.freePort()));
        builder.environment().put("DATA_DIR", Files.createDirectories(tmp.resolve("data")).toString());
        process = builder.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://127.0.0.1:" + httpPort;

        await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(process.isAlive()).as("running: " + Files.readString(log)).isTrue();
            try {
                return get(http, base + "/ready").statusCode() == 200;
            } catch (IOException notListeningYet) {
                return false;
            }
        });

        String body = "{\"id\":\"" + Alerts.uniqueId() + "\",\"symbol\":\"BINANCE:BTCUSDT\",\"action\":\"buy\","
                + "\"quantity\":0.001,\"price\":65000,\"timestamp\":" + System.currentTimeMillis() + "}";
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(base + "/webhook/tradingview"))
                        .header("Content-Type", "application/json")
                        .header("X-Webhook-Signature", Alerts.signature(body))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String orderId = JSON.readTree(accepted.body()).path("order_id").asText();

        JsonNode order = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> JSON.readTree(get(http, base + "/orders/" + orderId).body()),
                        o -> o.path("status").asText().equals("FILLED"));
        assertThat(order.path("exchange").asText()).isEqualTo("paper");

        process.destroy();
        assertThat(process.waitFor(40, TimeUnit.SECONDS)).as("exits on SIGTERM").isTrue();
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
