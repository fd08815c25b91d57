package com.fks.execution.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.exchange.paper.PaperBook;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.traffic.ServiceRecords;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The process as an operator meets it: start-up, SIGTERM drain, SIGKILL, restart on the same data. */
final class ServiceLifecycleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Test
    void shouldDrainOnSigtermAnswering503ThenExitZero() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(Map.of("PAPER_LATENCY_MS", "1500"))) {
            HttpResponse<String> accepted = service.postWebhook(Alerts.valid(Alerts.uniqueId()));
            assertThat(accepted.statusCode()).isEqualTo(202);
            String orderId = json(accepted).path("order_id").asText();

            long signalled = System.nanoTime();
            ProcessHandle.of(service.pid()).orElseThrow().destroy();
            HttpResponse<String> ready = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> service.get("/ready"), r -> r.statusCode() == 503);
            assertThat(json(ready).path("reason").asText()).isEqualTo("draining");
            HttpResponse<String> late = service.postWebhook(Alerts.valid(Alerts.uniqueId()));
            assertThat(late.statusCode()).isEqualTo(503);
            assertThat(json(late).path("reason").asText()).isEqualTo("not_ready");

            int exit = service.stop(Duration.ofSeconds(30));
            assertThat(exit).isZero();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - signalled)).isLessThan(30);

            service.restart();
            JsonNode order = await().atMost(Duration.ofSeconds(20)).until(() -> json(service.get("/orders/" + orderId)),
                    o -> o.path("status").asText().equals("FILLED"));
            assertThat(order.path("attempts").asInt()).isEqualTo(1);
        }
    }

    @Test
    void shouldStopAtOnceOnCtrlCDuringTheDrainAndLoseNothing() throws Exception {
        Path dataDir;
        String orderId;
        // A paper exchange call takes 4 s: the drain waits for the one in progress, and the SIGINT comes first.
        try (ServiceProcess service = ServiceProcess.start(Map.of("PAPER_LATENCY_MS", "4000"))) {
            dataDir = service.dataDir();
            // A process started with SIGINT ignored (a background job of a shell without job control, e.g.
            // `cmd &` in a script) passes that on, and the JVM then installs no handler: such a service cannot
            // see Ctrl-C, as POSIX intends. Say so rather than fail on a timeout below.
            assertThat(sigintIgnored(service.pid())).as("SIGINT is ignored by the process that runs the tests (a "
                    + "background job without job control), so the service cannot receive Ctrl-C: run the tests in "
                    + "the foreground, or from a shell with job control (set -m)").isFalse();
            HttpResponse<String> accepted = service.postWebhook(Alerts.valid(Alerts.uniqueId()));
            assertThat(accepted.statusCode()).isEqualTo(202);
            orderId = json(accepted).path("order_id").asText();
            Thread.sleep(300);

            ProcessHandle.of(service.pid()).orElseThrow().destroy();
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                    .until(() -> service.get("/ready").statusCode() == 503);
            long interrupted = System.nanoTime();
            assertThat(new ProcessBuilder("kill", "-INT", Long.toString(service.pid())).start().waitFor()).isZero();
            ProcessHandle process = ProcessHandle.of(service.pid()).orElseThrow();
            int exit = service.stop(Duration.ofSeconds(2));

            assertThat(exit).as("128 + SIGINT, not the drain's 0").isEqualTo(130);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - interrupted)).isLessThan(2_000);
            assertThat(process.isAlive()).isFalse();
            assertThat(service.output()).contains("SIGINT received again: stopping now, without finishing the drain");

            service.restart();
            await().atMost(Duration.ofSeconds(30)).until(() -> json(service.get("/orders/" + orderId)),
                    o -> o.path("status").asText().equals("FILLED"));
            assertThat(service.stop()).isZero();
        }
        // The paper exchange's own book, read with the service stopped: the one alert made one fill.
        assertThat(ServiceRecords.paperFills(dataDir)).extracting(PaperBook.Fill::clientOrderId)
                .containsExactly("fks" + orderId);
    }

    @Test
    void shouldKeepDeduplicatingAcrossARestart() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(Map.of())) {
            String body = Alerts.valid(Alerts.uniqueId());
            String first = json(service.postWebhook(body)).path("order_id").asText();
            assertThat(service.stop()).isZero();
            service.restart();
            HttpResponse<String> again = service.postWebhook(body);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(json(again).path("status").asText()).isEqualTo("duplicate");
            assertThat(json(again).path("order_id").asText()).isEqualTo(first);
        }
    }

    @Test
    void shouldLoseNothingAcceptedWhenKilledAndPlaceEachOrderOnce() throws Exception {
        List<String> accepted = new ArrayList<>();
        Path dataDir;
        // A paper exchange call takes 1 s, so the orders are still being placed when the process dies.
        try (ServiceProcess service = ServiceProcess.start(Map.of("PAPER_LATENCY_MS", "1000"))) {
            dataDir = service.dataDir();
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> response = service.postWebhook(Alerts.valid(Alerts.uniqueId()));
                assertThat(response.statusCode()).isEqualTo(202);
                accepted.add(json(response).path("order_id").asText());
            }
            service.kill();
            Instant killedAt = Instant.now();
            service.restart();
            int openAtTheKill = 0;
            for (String orderId : accepted) {
                JsonNode order = await().atMost(Duration.ofSeconds(30)).until(() -> json(service.get("/orders/" + orderId)),
                        o -> o.path("status").asText().equals("FILLED"));
                // Filled after the kill, so by the restarted process: still open when the first one died.
                if (Instant.parse(order.path("updated_at").asText()).isAfter(killedAt)) {
                    openAtTheKill++;
                }
            }
            assertThat(openAtTheKill).as("orders still open at the kill").isPositive();
            assertThat(service.stop()).isZero();
        }
        // The paper exchange's own book, read with the service stopped: one fill per accepted alert.
        List<PaperBook.Fill> fills = ServiceRecords.paperFills(dataDir);
        Set<String> clientIds = new HashSet<>();
        fills.forEach(f -> clientIds.add(f.clientOrderId()));
        assertThat(fills).hasSize(accepted.size());
        assertThat(clientIds).hasSize(accepted.size());
        for (String orderId : accepted) {
            assertThat(clientIds).contains("fks" + orderId);
        }
    }

    @Test
    void shouldMakeAndKeepASecretAndPrintASignedCurlWhenNoneIsConfigured(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = Map.of("WEBHOOK_SECRET", "", "DATA_DIR", dataDir.toString());
        try (ServiceProcess service = ServiceProcess.start(env)) {
            Path file = dataDir.resolve("webhook-secret");
            String secret = Files.readString(file).strip();
            assertThat(secret.length()).isGreaterThanOrEqualTo(16);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            await().atMost(Duration.ofSeconds(5)).until(() -> service.output().contains("X-Webhook-Signature"));
            assertThat(service.output()).contains(secret).contains("curl").contains("/webhook/tradingview");
            assertThat(service.stop()).isZero();
            service.restart();
            await().atMost(Duration.ofSeconds(5)).until(() -> service.output().split("curl", -1).length > 2);
            String output = service.output();
            assertThat(output.indexOf(secret)).as("the secret is printed once only").isEqualTo(output.lastIndexOf(secret));
            assertThat(Files.readString(file).strip()).isEqualTo(secret);
        }
    }

    @Test
    void shouldRefuseToStartOnABadValueNamingTheVariable() throws Exception {
        for (Map.Entry<String, String> bad : Map.of("MIN_CONFIDENCE", "1.5", "RATE_LIMIT_REQUESTS", "ten",
                "IP_WHITELIST", "10.0.0.0/33", "WEBHOOK_SECRET", "short", "HTTP_PORT", "-1").entrySet()) {
            ServiceProcess.Exit run = ServiceProcess.runToExit(Map.of(bad.getKey(), bad.getValue(),
                    "DATA_DIR", Files.createTempDirectory("fks-bad").toString()), Duration.ofSeconds(30));
            String output = run.output();
            assertThat(run.exited()).isTrue();
            assertThat(run.code()).as(output).isEqualTo(2);
            assertThat(output).as(bad.getKey()).contains(bad.getKey());
            if (!bad.getKey().equals("WEBHOOK_SECRET")) {
                assertThat(output).contains(bad.getValue());
            } else {
                assertThat(output).doesNotContain("'short'");
            }
        }
    }

    @Test
    void shouldRefuseASecondServiceOnTheSameDataDirAndLeaveTheFirstServing() throws Exception {
        try (ServiceProcess first = ServiceProcess.start(Map.of())) {
            // when a second process starts on the same DATA_DIR (its HTTP server is up before the store opens)
            ServiceProcess.Exit second = ServiceProcess.runToExit(Map.of("DATA_DIR", first.dataDir().toString()),
                    Duration.ofSeconds(60));
            String output = second.output();

            // then it stops with exit code 1 and says why, and the first one goes on accepting alerts
            assertThat(second.exited()).isTrue();
            assertThat(second.code()).as(output).isEqualTo(1);
            assertThat(output).contains("start-up failed");
            assertThat(first.get("/ready").statusCode()).isEqualTo(200);
            assertThat(first.postWebhook(Alerts.valid(Alerts.uniqueId())).statusCode()).isEqualTo(202);
        }
    }

    /** SIGINT (signal 2, bit 1) in the process's ignored-signal mask ({@code SigIgn} in /proc/PID/status, hex). */
    private static boolean sigintIgnored(long pid) throws IOException {
        String mask = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("SigIgn:")).findFirst().orElseThrow().substring("SigIgn:".length()).strip();
        return (Long.parseUnsignedLong(mask, 16) & (1L << 1)) != 0;
    }
}
