package com.fks.execution.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fks.execution.exchange.paper.PaperBook;
import com.fks.execution.testsupport.InProcessService;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The generator against the real service: every alert it sends is accounted for in its summary, its --out
 * file, /orders, /metrics and the paper exchange's own book, and each bad kind of the mix gets its reason.
 */
final class TrafficCommandTest {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Map<String, String> EXPECTED_REASON = Map.of(
            "bad-signature", "authentication_failed",
            "replay", "timestamp_too_old",
            "duplicate", "duplicate",
            "malformed", "malformed_json");

    @TempDir
    Path tmp;

    @Test
    void shouldSendStrategySequencesWhoseExitsFollowTheirOwnAcceptedEntries() throws Exception {
        // given a service that rate-limits nobody
        Path out = tmp.resolve("strategy.tsv");
        try (InProcessService service = InProcessService.start(Map.of("RATE_LIMIT_REQUESTS", "1000000"))) {
            // when strategy entries with protection, their exits and cancels go out one at a time
            ServiceRecords.TrafficRun run = ServiceRecords.traffic("--url", service.baseUrl() + "/webhook/tradingview",
                    "--secret", ServiceProcess.SECRET, "--webhooks", "80", "--concurrent", "1", "--rate", "40/s",
                    "--auth", "mixed", "--mix", "strategy-entry=0.35,strategy-exit=0.35,cancel=0.15", "--seed", "7",
                    "--json", "--out", out.toString());

            // then each kind got the answer it is owed
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            List<OutcomeLog.Line> outcomes = Files.readAllLines(out, StandardCharsets.UTF_8).stream().skip(1)
                    .map(OutcomeLog.Line::parse).toList();
            assertThat(outcomes).hasSize(80);
            Map<String, String> entryByStrategy = new HashMap<>();
            Map<String, OutcomeLog.Line> entryLines = new HashMap<>();
            List<OutcomeLog.Line> acceptedExits = new java.util.ArrayList<>();
            for (OutcomeLog.Line line : outcomes) {
                switch (line.kind()) {
                    case "valid" -> assertThat(line.reason()).as(line.toString())
                            .isIn("accepted", "confidence_below_threshold");
                    case "strategy-entry", "cancel" -> assertThat(line.status()).as(line.toString()).isEqualTo(202);
                    case "strategy-exit" -> assertThat(line.reason()).as(line.toString()).isIn("accepted", "no_position");
                    default -> throw new AssertionError("unexpected kind " + line);
                }
                JsonNode order = line.status() == 202 ? JSON.readTree(service.get("/orders/" + line.orderId()).body()) : null;
                if (line.kind().equals("strategy-entry")) {
                    assertThat(order.at("/alert/stop_loss").isObject()).isTrue();
                    assertThat(order.at("/alert/take_profit").isObject()).isTrue();
                    assertThat(entryByStrategy.put(order.get("strategy").asText(), line.alertId())).isNull();
                    entryLines.put(order.get("strategy").asText(), line);
                } else if (line.kind().equals("strategy-exit") && line.status() == 202) {
                    assertThat(order.at("/alert/sentiment").asText()).isEqualTo("flat");
                    acceptedExits.add(line);
                    // and each accepted exit closes the position of one earlier accepted entry, once
                    OutcomeLog.Line entry = entryLines.remove(order.get("strategy").asText());
                    assertThat(entry).as("the entry of " + line).isNotNull();
                    assertThat(entry.dueAt()).isBefore(line.dueAt());
                    assertThat(JSON.readTree(service.get("/orders/" + entry.orderId()).body()).get("symbol").asText())
                            .isEqualTo(order.get("symbol").asText());
                }
            }
            Map<String, Long> byKind = outcomes.stream().collect(Collectors.groupingBy(OutcomeLog.Line::kind,
                    Collectors.counting()));
            assertThat(byKind.keySet()).contains("strategy-entry", "strategy-exit", "cancel");
            assertThat(acceptedExits).isNotEmpty();
            System.out.printf("strategy sequences: %s; exits accepted %d, ignored no_position %d%n", byKind,
                    acceptedExits.size(), outcomes.stream().filter(l -> l.reason().equals("no_position")).count());
        }
    }

    @Test
    void shouldAccountForEveryAlertInTheOutFileOrdersMetricsAndThePaperBook() throws Exception {
        // given a service that rate-limits nobody
        Path out = tmp.resolve("out.tsv");
        try (ServiceProcess service = ServiceProcess.start(Map.of("RATE_LIMIT_REQUESTS", "1000000"))) {
            // when 400 alerts go out, a tenth of each bad kind, both auth forms
            ServiceRecords.TrafficRun run = ServiceRecords.traffic("--url", service.baseUrl() + "/webhook/tradingview",
                    "--secret", ServiceProcess.SECRET, "--webhooks", "400", "--concurrent", "4", "--auth", "mixed",
                    "--mix", "bad-signature=0.1,replay=0.1,duplicate=0.1,malformed=0.1", "--seed", "42",
                    "--json", "--out", out.toString());

            // then the summary adds up and only 4xx and 2xx came back, so the exit code is 0
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            JsonNode summary = run.json();
            assertThat(summary.get("sent").asLong()).isEqualTo(400);
            assertThat(summary.get("connection_errors").asLong()).isZero();
            assertThat(summary.get("server_errors").asLong()).isZero();
            long answered = 0;
            for (JsonNode reasons : summary.get("responses")) {
                for (JsonNode count : reasons) {
                    answered += count.asLong();
                }
            }
            assertThat(answered).isEqualTo(400);

            // and the --out file has one line per alert, each bad kind with its own reason
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            assertThat(lines.get(0)).isEqualTo(OutcomeLog.HEADER);
            List<OutcomeLog.Line> outcomes = lines.stream().skip(1).map(OutcomeLog.Line::parse).toList();
            assertThat(outcomes).hasSize(400);
            for (OutcomeLog.Line line : outcomes) {
                if (line.kind().equals("valid")) {
                    assertThat(line.reason()).as(line.toString()).isIn("accepted", "confidence_below_threshold");
                } else {
                    assertThat(line.reason()).as(line.toString()).isEqualTo(EXPECTED_REASON.get(line.kind()));
                }
            }
            Map<String, Long> byKind = outcomes.stream().collect(Collectors.groupingBy(OutcomeLog.Line::kind,
                    Collectors.counting()));
            assertThat(byKind.keySet()).contains("valid", "bad-signature", "replay", "duplicate", "malformed");
            assertThat(summary.at("/responses/401/authentication_failed").asLong()).isEqualTo(byKind.get("bad-signature"));
            assertThat(summary.at("/responses/422/timestamp_too_old").asLong()).isEqualTo(byKind.get("replay"));
            assertThat(summary.at("/responses/400/malformed_json").asLong()).isEqualTo(byKind.get("malformed"));
            assertThat(summary.at("/responses/200/duplicate").asLong()).isEqualTo(byKind.get("duplicate"));

            // and a duplicate names the order of the alert it repeats: still one order per alert id
            Map<String, String> acceptedOrderByAlert = new HashMap<>();
            for (OutcomeLog.Line line : outcomes) {
                if (line.status() == 202) {
                    assertThat(acceptedOrderByAlert.put(line.alertId(), line.orderId())).as("second 202 for " + line)
                            .isNull();
                }
            }
            for (OutcomeLog.Line line : outcomes) {
                if (line.kind().equals("duplicate")) {
                    assertThat(line.orderId()).isEqualTo(acceptedOrderByAlert.get(line.alertId()));
                }
            }
            Set<String> acceptedOrders = new HashSet<>(acceptedOrderByAlert.values());
            assertThat(acceptedOrders).hasSize(acceptedOrderByAlert.size()).isNotEmpty();

            // and the service counted every request under a status and reason
            String metrics = service.get("/metrics").body();
            assertThat(ServiceRecords.webhookRequestsTotal(metrics)).isEqualTo(400);

            // and /orders holds exactly the accepted orders, each ending FILLED
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode orders = ServiceRecords.orders(service, null);
                Set<String> ids = new HashSet<>();
                for (JsonNode order : orders) {
                    ids.add(order.get("order_id").asText());
                    assertThat(order.get("status").asText()).isEqualTo("FILLED");
                }
                assertThat(ids).isEqualTo(acceptedOrders);
            });

            // and the paper exchange's own book, read without the service, has one fill per 202 and nothing else
            assertThat(service.stop()).isZero();
            List<PaperBook.Fill> fills = ServiceRecords.paperFills(service.dataDir());
            List<String> filledClientIds = fills.stream().map(PaperBook.Fill::clientOrderId).toList();
            assertThat(filledClientIds).doesNotHaveDuplicates();
            assertThat(new HashSet<>(filledClientIds)).isEqualTo(acceptedOrders.stream().map(id -> "fks" + id)
                    .collect(Collectors.toSet()));
        }
    }

    @Test
    void shouldExitNonZeroWhenRequestsGetNoAnswerUnlessErrorsAreExpected() throws Exception {
        // given nobody listening
        String url = "http://127.0.0.1:" + ServiceProcess.freePort() + "/webhook/tradingview";

        // when / then
        ServiceRecords.TrafficRun failing = ServiceRecords.traffic("--url", url, "--secret", ServiceProcess.SECRET,
                "--webhooks", "5", "--concurrent", "2", "--json");
        assertThat(failing.exitCode()).isEqualTo(TrafficCommand.EXIT_ERRORS);
        assertThat(failing.json().get("connection_errors").asLong()).isEqualTo(5);
        assertThat(failing.stderr()).contains("5 requests got no answer");

        ServiceRecords.TrafficRun expected = ServiceRecords.traffic("--url", url, "--secret", ServiceProcess.SECRET,
                "--webhooks", "5", "--concurrent", "2", "--expect-errors");
        assertThat(expected.exitCode()).isZero();
        assertThat(expected.stdout()).contains("connection errors  5");
    }

    @Test
    void shouldExitNonZeroOnAny5xxUnlessErrorsAreExpected() throws Exception {
        // given a service whose trading is halted: it answers 503 trading_halted, recording nothing
        try (ServiceProcess service = ServiceProcess.start(Map.of("ADMIN_TOKEN", "admin-token-for-traffic-test-42"))) {
            var halt = service.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.baseUrl() + "/admin/halt"))
                    .header("Authorization", "Bearer admin-token-for-traffic-test-42")
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
            assertThat(halt.statusCode()).isEqualTo(200);
            String url = service.baseUrl() + "/webhook/tradingview";

            // when / then: confidence of every generated alert is at least 0.55, so some reach the halt check
            ServiceRecords.TrafficRun failing = ServiceRecords.traffic("--url", url, "--secret", ServiceProcess.SECRET,
                    "--webhooks", "20", "--concurrent", "2", "--seed", "7", "--json");
            assertThat(failing.json().at("/responses/503/trading_halted").asLong()).isPositive();
            assertThat(failing.exitCode()).isEqualTo(TrafficCommand.EXIT_ERRORS);

            ServiceRecords.TrafficRun expected = ServiceRecords.traffic("--url", url, "--secret", ServiceProcess.SECRET,
                    "--webhooks", "20", "--concurrent", "2", "--seed", "7", "--expect-errors");
            assertThat(expected.exitCode()).isZero();
            assertThat(expected.stdout()).contains("503 trading_halted");
        }
    }

    @Test
    void shouldSendTheWarmUpButCountAndWriteOutOnlyTheMeasuredAlerts() throws Exception {
        // given a service that rate-limits nobody
        Path out = tmp.resolve("warm.tsv");
        try (InProcessService service = InProcessService.start(Map.of("RATE_LIMIT_REQUESTS", "1000000"))) {
            // when 1 s of warm-up at 40/s goes out before 20 measured alerts
            ServiceRecords.TrafficRun run = ServiceRecords.traffic("--url", service.baseUrl() + "/webhook/tradingview",
                    "--secret", ServiceProcess.SECRET, "--webhooks", "20", "--concurrent", "4", "--rate", "40/s",
                    "--warmup", "1s", "--json", "--out", out.toString());

            // then the summary and the --out file hold the 20 measured alerts only, none a repeat of a warm-up id
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(JSON.readTree(run.stdout()).get("sent").asInt()).isEqualTo(20);
            List<OutcomeLog.Line> outcomes = Files.readAllLines(out, StandardCharsets.UTF_8).stream().skip(1)
                    .map(OutcomeLog.Line::parse).toList();
            assertThat(outcomes).hasSize(20);
            assertThat(outcomes).extracting(OutcomeLog.Line::reason).doesNotContain("duplicate");
            // and the warm-up's alerts did reach the service: about 40 more orders than the measured ones
            JsonNode orders = JSON.readTree(service.get("/orders?limit=1000").body());
            long accepted = outcomes.stream().filter(l -> l.status() == 202).count();
            assertThat(orders.get("orders").size()).isGreaterThan((int) accepted + 20);
        }
    }

    @Test
    void shouldRefuseBadArgumentsWithExitCodeTwoBeforeSendingAnything() {
        assertThat(ServiceRecords.traffic("--mix", "replay=2", "--secret", ServiceProcess.SECRET).exitCode())
                .isEqualTo(TrafficCommand.EXIT_USAGE);
        assertThat(ServiceRecords.traffic("--auth", "carrier-pigeon", "--secret", ServiceProcess.SECRET).exitCode())
                .isEqualTo(TrafficCommand.EXIT_USAGE);
        assertThat(ServiceRecords.traffic("--url", "ftp://x/y", "--secret", ServiceProcess.SECRET).exitCode())
                .isEqualTo(TrafficCommand.EXIT_USAGE);
    }
}
