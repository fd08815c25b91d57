package com.fks.execution.replicas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testexchange.BinanceTestExchange;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.BinanceBackedServices;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas on shared PostgreSQL: an entry's stop-loss is held by the replica that placed it, and the exit
 * reaches the other. The exit cancels the stop-loss at the exchange, waits until its holder has recorded the
 * cancel, and only then sells the position, once: no double sale, no stop-loss left for a position that is gone.
 */
final class ExitAcrossReplicasTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = BinanceBackedServices.ADMIN;
    private SharedStores stores;
    private BinanceTestExchange binance;
    private List<ServiceProcess> replicas = List.of();

    @BeforeEach
    void start() throws Exception {
        stores = SharedStores.start();
        binance = BinanceTestExchange.start(BinanceBackedServices.KEY, BinanceBackedServices.SECRET);
        binance.setBalance("USDT", new BigDecimal("100000")).setBalance("BTC", BigDecimal.ZERO)
                .setLastPrice("BTCUSDT", new BigDecimal("30000"));
        replicas = stores.startReplicas(2, Map.of("BINANCE_API_KEY", BinanceBackedServices.KEY,
                "BINANCE_API_SECRET", BinanceBackedServices.SECRET, "BINANCE_BASE_URL", binance.baseUrl(),
                "ADMIN_TOKEN", ADMIN, "RATE_LIMIT_REQUESTS", "100000"));
    }

    @AfterEach
    void stop() {
        SharedStores.killAndReport(replicas);
        if (binance != null) {
            binance.close();
        }
        if (stores != null) {
            stores.close();
        }
    }

    private static String accept(ServiceProcess replica, String fields) throws IOException {
        HttpResponse<String> response = replica.postWebhook("{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\""
                + Alerts.uniqueId() + "\",\"exchange\":\"binance\",\"symbol\":\"BINANCE:BTCUSDT\","
                + "\"strategy\":\"trend\"," + fields + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("order_id").asText();
    }

    private static JsonNode awaitStatus(ServiceProcess replica, String orderId, String status) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> JSON.readTree(
                replica.send(HttpRequest.newBuilder(URI.create(replica.baseUrl() + "/orders/" + orderId))
                        .header("Authorization", "Bearer " + ADMIN).GET()).body()),
                o -> o.path("status").asText().equals(status));
    }

    @Test
    void shouldCancelAnotherReplicasStopLossBeforeSellingThePositionOnce() throws Exception {
        ServiceProcess first = replicas.get(0);
        ServiceProcess second = replicas.get(1);
        String entry = accept(first, "\"action\":\"buy\",\"quantity\":0.02,\"price\":30000,"
                + "\"stop_loss\":{\"price\":28000}");
        awaitStatus(first, entry + "p", "SUBMITTED");

        String exit = accept(second, "\"action\":\"exit\",\"price\":30000");

        JsonNode sold = awaitStatus(second, exit, "FILLED");
        assertThat(sold.path("executed_quantity").asText()).isEqualTo("0.02");
        assertThat(awaitStatus(second, entry + "p", "CANCELED").path("executed_quantity").asText())
                .isIn("", "0", "null");
        assertThat(binance.orders().get("fkp" + entry).status()).isEqualTo("CANCELED");
        assertThat(binance.ordersWithClientOrderId("fks" + exit)).hasSize(1);
        assertThat(binance.freeBalance("BTC")).isEqualByComparingTo("0");
        JsonNode positions = JSON.readTree(second.send(HttpRequest.newBuilder(URI.create(second.baseUrl()
                + "/positions")).header("Authorization", "Bearer " + ADMIN).GET()).body());
        assertThat(positions.path("count").asInt()).isZero();
    }
}
