package com.fks.execution.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.InProcessService;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A whole strategy rehearsed on the paper exchange, with no exchange account: the paper account pays for the
 * entry, its OCO rests on paper and fills when a later alert's price crosses the take-profit, and the position and
 * the balances follow.
 */
final class PaperStrategyRehearsalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private InProcessService service;

    @BeforeEach
    void start() throws IOException {
        service = InProcessService.start(Map.of("ADMIN_TOKEN", ADMIN, "PAPER_BALANCES", "USDT=10000"));
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private String accept(String strategy, String fields) throws IOException {
        HttpResponse<String> response = service.webhook("{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\""
                + Alerts.uniqueId() + "\",\"exchange\":\"paper\",\"symbol\":\"BTCUSDT\",\"strategy\":\"" + strategy
                + "\"," + fields + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("order_id").asText();
    }

    private JsonNode get(String path) throws IOException {
        return JSON.readTree(service.get(path, "Authorization", "Bearer " + ADMIN).body());
    }

    private JsonNode awaitStatus(String orderId, String status) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("/orders/" + orderId), o -> o.path("status").asText().equals(status));
    }

    @Test
    void shouldRehearseAnEntryItsOcoAndTheTakeProfitFillOnPaper() throws Exception {
        // given a protected entry filled from the paper account
        String entry = accept("trend", "\"action\":\"buy\",\"quantity\":0.1,\"price\":30000,"
                + "\"stop_loss\":{\"percent\":5},\"take_profit\":{\"percent\":5}");
        awaitStatus(entry, "FILLED");
        JsonNode protection = awaitStatus(entry + "p", "SUBMITTED");
        assertThat(protection.path("order_type").asText()).isEqualTo("oco");
        assertThat(get("/positions").path("positions").get(0).path("quantity").asText()).isEqualTo("0.1");

        // when a later alert (another strategy's small buy) carries a price above the take-profit of 31500
        String other = accept("scalp", "\"action\":\"buy\",\"quantity\":0.001,\"price\":31600");
        awaitStatus(other, "FILLED");

        // then the OCO fills at its take-profit on paper, and the position it protected is closed
        JsonNode filled = awaitStatus(entry + "p", "FILLED");
        assertThat(filled.path("average_price").asText()).isEqualTo("31500");
        JsonNode positions = get("/positions");
        assertThat(positions.path("count").asInt()).isEqualTo(1);
        assertThat(positions.path("positions").get(0).path("strategy").asText()).isEqualTo("scalp");
    }

    @Test
    void shouldRefuseAnEntryThePaperAccountCannotPayFor() throws Exception {
        String entry = accept("trend", "\"action\":\"buy\",\"quantity\":1,\"price\":30000");

        JsonNode rejected = awaitStatus(entry, "REJECTED");

        assertThat(rejected.path("reason").asText()).isEqualTo("insufficient_balance");
    }
}
