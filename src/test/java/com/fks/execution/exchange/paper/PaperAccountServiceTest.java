package com.fks.execution.exchange.paper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testsupport.InProcessService;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The paper account as the service runs it: PAPER_BALANCES read at start, and kept across a restart. */
final class PaperAccountServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String buy(String id, String quantity) {
        return "{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\"" + id + "\",\"symbol\":\"BINANCE:BTCUSDT\","
                + "\"action\":\"buy\",\"quantity\":" + quantity + ",\"price\":60000,\"timestamp\":"
                + System.currentTimeMillis() + "}";
    }

    private static JsonNode finalOrder(InProcessService service, String body) throws Exception {
        String orderId = JSON.readTree(service.webhook(body).body()).path("order_id").asText();
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> JSON.readTree(service.get("/orders/" + orderId).body()),
                o -> !o.path("status").asText().matches("RECEIVED|SUBMITTING|SUBMITTED"));
    }

    @Test
    void shouldTradeTheConfiguredAccountAndKeepItAcrossARestart() throws Exception {
        // given an account of 1,000 USDT
        Map<String, String> env = Map.of("PAPER_BALANCES", "USDT=1000");
        String dataDir;
        try (InProcessService service = InProcessService.start(env)) {
            dataDir = service.dataDir().toString();

            // when 0.01 BTC at 60,000 is bought, then 0.01 more than what is left
            JsonNode filled = finalOrder(service, buy("acct-1", "0.01"));
            JsonNode refused = finalOrder(service, buy("acct-2", "0.0068"));

            // then
            assertThat(filled.path("status").asText()).isEqualTo("FILLED");
            assertThat(refused.path("status").asText()).isEqualTo("REJECTED");
            assertThat(refused.path("detail").asText()).contains("insufficient_balance", "408 USDT", "400 free");
        }

        // when the service starts again on the same data
        try (InProcessService again = InProcessService.start(Map.of("PAPER_BALANCES", "USDT=1000",
                "DATA_DIR", dataDir))) {
            assertThat(again.app().paperBook().freeBalance("USDT")).isEqualByComparingTo(new BigDecimal("400"));
            assertThat(again.app().paperBook().freeBalance("BTC")).isEqualByComparingTo(new BigDecimal("0.01"));
        }
    }
}
