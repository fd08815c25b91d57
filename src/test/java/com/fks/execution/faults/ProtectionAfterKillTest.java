package com.fks.execution.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testexchange.BinanceTestExchange;
import com.fks.execution.testexchange.Faults;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.BinanceBackedServices;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 while an entry's protection is on its way to the exchange (the venue has taken the OCO, its answer has not
 * come back): after the restart the protection is found by its list client order id and recorded, never sent twice.
 */
final class ProtectionAfterKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = BinanceBackedServices.ADMIN;
    private BinanceTestExchange binance;
    private ServiceProcess service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.kill();
        }
        if (binance != null) {
            binance.close();
        }
    }

    private JsonNode order(String orderId) throws IOException {
        return JSON.readTree(service.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/orders/" + orderId))
                .header("Authorization", "Bearer " + ADMIN).GET()).body());
    }

    private JsonNode awaitStatus(String orderId, String status) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> order(orderId),
                o -> o.path("status").asText().equals(status));
    }

    @Test
    void shouldRecordTheProtectionTheVenueTookBeforeTheKillWithoutSendingItAgain() throws Exception {
        // given a resting protected limit buy
        binance = BinanceTestExchange.start(BinanceBackedServices.KEY, BinanceBackedServices.SECRET);
        binance.setBalance("USDT", new BigDecimal("100000")).setBalance("BTC", BigDecimal.ZERO)
                .setLastPrice("BTCUSDT", new BigDecimal("30000"));
        service = ServiceProcess.start(Map.of("BINANCE_API_KEY", BinanceBackedServices.KEY,
                "BINANCE_API_SECRET", BinanceBackedServices.SECRET, "BINANCE_BASE_URL", binance.baseUrl(),
                "ADMIN_TOKEN", ADMIN));
        HttpResponse<String> accepted = service.postWebhook("{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\""
                + Alerts.uniqueId() + "\",\"exchange\":\"binance\",\"symbol\":\"BINANCE:BTCUSDT\",\"strategy\":\"trend\","
                + "\"action\":\"buy\",\"order_type\":\"limit\",\"quantity\":0.01,\"price\":29000,"
                + "\"stop_loss\":{\"price\":28000},\"take_profit\":{\"price\":31000}}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String entry = JSON.readTree(accepted.body()).path("order_id").asText();
        awaitStatus(entry, "SUBMITTED");

        // when it fills, the venue takes its OCO and holds the answer, and the service is killed meanwhile
        binance.faults().add(Faults.Target.PLACE, new Faults.Hang(Duration.ofSeconds(60)));
        binance.setLastPrice("BTCUSDT", new BigDecimal("29000"));
        await().atMost(Duration.ofSeconds(20)).until(() -> binance.orderLists().containsKey("fkp" + entry));
        assertThat(order(entry + "p").path("status").asText()).isEqualTo("SUBMITTING");
        service.kill();
        service.restart();

        // then the restarted service looks the list up and records it as resting: one list, sent once
        awaitStatus(entry + "p", "SUBMITTED");
        assertThat(binance.orderLists()).hasSize(1);
        assertThat(order(entry).path("status").asText()).isEqualTo("FILLED");
    }
}
