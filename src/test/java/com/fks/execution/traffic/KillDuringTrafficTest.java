package com.fks.execution.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fks.execution.exchange.paper.PaperBook;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 in the middle of sustained traffic, then a restart on the same data: every alert that got a 202
 * ends as exactly one fill in the paper exchange's own book, and no alert that got a 4xx has one. The
 * generator's --out file is the client's record; the paper book is the exchange's; the service's word is used
 * only to map a fill's client order id back to its alert.
 */
final class KillDuringTrafficTest {
    @TempDir
    Path tmp;

    @Test
    void shouldFillEveryAcceptedAlertExactlyOnceAfterAKillAndRestart() throws Exception {
        Path out = tmp.resolve("out.tsv");
        // given a paper exchange slow enough (400 ms a call: about 25 orders in flight at 60/s) that orders are
        // open when the process dies
        try (ServiceProcess service = ServiceProcess.start(Map.of("RATE_LIMIT_REQUESTS", "1000000",
                "PAPER_LATENCY_MS", "400"))) {
            // when traffic runs at 60 alerts/s for 6 s and the service is killed with SIGKILL after 2.5 s
            CompletableFuture<ServiceRecords.TrafficRun> traffic = CompletableFuture.supplyAsync(() ->
                    ServiceRecords.traffic("--url", service.baseUrl() + "/webhook/tradingview", "--secret",
                            ServiceProcess.SECRET, "--rate", "60", "--duration", "6s", "--concurrent", "8",
                            "--timeout", "3s", "--auth", "mixed", "--mix", "bad-signature=0.05,malformed=0.05,duplicate=0.05",
                            "--seed", "99", "--expect-errors", "--out", out.toString()));
            Thread.sleep(2_500);
            service.kill();
            Instant killedAt = Instant.now();
            ServiceRecords.TrafficRun run = traffic.get(60, TimeUnit.SECONDS);
            assertThat(run.exitCode()).as(run.stderr()).isZero();

            List<OutcomeLog.Line> lines = Files.readAllLines(out, StandardCharsets.UTF_8).stream().skip(1)
                    .map(OutcomeLog.Line::parse).toList();
            Map<String, String> acceptedOrderByAlert = new HashMap<>();
            Set<String> refusedAlerts = new HashSet<>();
            Set<String> unansweredAlerts = new HashSet<>();
            for (OutcomeLog.Line line : lines) {
                if (line.status() == 202) {
                    acceptedOrderByAlert.put(line.alertId(), line.orderId());
                } else if (line.status() >= 400 && line.status() < 500) {
                    refusedAlerts.add(line.alertId());
                } else if (line.status() == 0) {
                    unansweredAlerts.add(line.alertId());
                }
            }
            assertThat(acceptedOrderByAlert).as("202s before the kill").isNotEmpty();
            assertThat(unansweredAlerts).as("requests cut off by the kill").isNotEmpty();

            // and the service restarts on the same data and finishes what it accepted
            service.restart();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                for (JsonNode order : ServiceRecords.orders(service, null)) {
                    assertThat(order.get("status").asText()).as(order.toString()).isEqualTo("FILLED");
                }
            });
            Map<String, String> alertByClientOrderId = new HashMap<>();
            int openAtTheKill = 0;
            for (JsonNode order : ServiceRecords.orders(service, null)) {
                alertByClientOrderId.put(order.get("client_order_id").asText(), order.get("alert_id").asText());
                // Finished after the kill, so by the restarted process: the order was still open when it died.
                if (Instant.parse(order.get("updated_at").asText()).isAfter(killedAt)) {
                    openAtTheKill++;
                }
            }
            assertThat(openAtTheKill).as("orders still open at the kill, finished after the restart").isPositive();
            assertThat(service.stop()).isZero();

            // then the exchange's own book has one fill per 202, none for a 4xx, none twice
            List<PaperBook.Fill> fills = ServiceRecords.paperFills(service.dataDir());
            List<String> filled = fills.stream().map(PaperBook.Fill::clientOrderId).toList();
            assertThat(filled).doesNotHaveDuplicates();
            for (Map.Entry<String, String> accepted : acceptedOrderByAlert.entrySet()) {
                assertThat(filled).as("fill of 202 alert " + accepted.getKey()).contains("fks" + accepted.getValue());
            }
            Map<String, Integer> fillsPerAlert = new HashMap<>();
            for (String clientOrderId : filled) {
                String alertId = alertByClientOrderId.get(clientOrderId);
                assertThat(alertId).as("a fill the service has no order for: " + clientOrderId).isNotNull();
                assertThat(refusedAlerts).as("a refused alert was filled").doesNotContain(alertId);
                // a fill is for an alert that got a 202, or whose answer the kill cut off (the sender would resend)
                assertThat(acceptedOrderByAlert.containsKey(alertId) || unansweredAlerts.contains(alertId))
                        .as("fill for " + alertId).isTrue();
                fillsPerAlert.merge(alertId, 1, Integer::sum);
            }
            assertThat(fillsPerAlert.values()).allMatch(n -> n == 1);
            System.out.printf("kill -9: %d sent, %d accepted, %d refused, %d unanswered; %d open at the kill;"
                            + " %d fills after restart%n", lines.size(), acceptedOrderByAlert.size(), refusedAlerts.size(),
                    unansweredAlerts.size(), openAtTheKill, filled.size());
        }
    }
}
