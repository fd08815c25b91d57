package com.fks.execution.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.InProcessService;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An entry is recorded in SUBMITTING with its acceptance while trading is active; the kill switch is turned on
 * before a worker gets to it. It must not go out while trading is halted, and goes out exactly once after resume:
 * the engine knows it never sent it, so the halt cannot have let anything reach the exchange.
 */
final class HaltBeforeSendTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "Bearer admin-token-0123456789abc";

    private static String market() {
        return "{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\"" + Alerts.uniqueId() + "\","
                + "\"symbol\":\"BINANCE:BTCUSDT\",\"action\":\"buy\",\"quantity\":0.01,\"price\":65000}";
    }

    @Test
    void shouldHoldAnOrderRecordedInSubmittingWhileHaltedAndSendItOnceAfterResume() throws Exception {
        // Every engine worker busy in a 5 s paper call, so the last two orders wait in the queue.
        try (InProcessService service = InProcessService.start(Map.of("PAPER_LATENCY_MS", "5000",
                "ADMIN_TOKEN", "admin-token-0123456789abc"))) {
            List<String> orderIds = new ArrayList<>();
            for (int i = 0; i < ExecutionEngine.WORKERS + 2; i++) {
                HttpResponse<String> response = service.webhook(market());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                orderIds.add(JSON.readTree(response.body()).path("order_id").asText());
            }
            List<String> queued = orderIds.subList(ExecutionEngine.WORKERS, orderIds.size());
            // A 202 does not mean a worker has its order yet: halting before the last worker took its own would
            // hold that one too. Only once every worker is inside the paper call are the last two the queued ones.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> workersInPaperCall() == ExecutionEngine.WORKERS);
            assertThat(service.post("/admin/halt", "", "Authorization", ADMIN).statusCode()).isEqualTo(200);
            for (String id : queued) {
                assertThat(order(service, id).path("status").asText()).as("recorded with its step to SUBMITTING")
                        .isEqualTo("SUBMITTING");
            }

            // when the workers are free while trading is halted
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    order(service, orderIds.get(ExecutionEngine.WORKERS - 1)).path("status").asText().equals("FILLED"));
            Thread.sleep(2500); // the queued orders are looked at, halted, twice (rechecked every second)

            // then nothing of the queued ones went out
            for (String id : queued) {
                assertThat(order(service, id).path("status").asText()).isEqualTo("SUBMITTING");
                assertThat(fills(service, id)).as("sent while halted").isZero();
            }

            // and after resume each goes out once
            assertThat(service.post("/admin/resume", "", "Authorization", ADMIN).statusCode()).isEqualTo(200);
            for (String id : queued) {
                JsonNode filled = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                        .until(() -> order(service, id), o -> o.path("status").asText().equals("FILLED"));
                assertThat(fills(service, id)).isEqualTo(1);
                assertThat(filled.path("attempts").asInt()).isEqualTo(1);
            }
        }
    }

    private static long workersInPaperCall() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("engine-worker-"))
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("simulateLatency")))
                .count();
    }

    private static JsonNode order(InProcessService service, String orderId) throws IOException {
        return JSON.readTree(service.get("/orders/" + orderId, "Authorization", ADMIN).body());
    }

    private static long fills(InProcessService service, String orderId) throws Exception {
        return service.app().paperBook().fills().stream().filter(f -> f.clientOrderId().equals("fks" + orderId))
                .count();
    }
}
