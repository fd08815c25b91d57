package com.fks.execution.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testexchange.BinanceTestExchange;
import com.fks.execution.testexchange.CoinbaseTestExchange;
import com.fks.execution.testexchange.Faults;
import com.fks.execution.testexchange.TestKeys;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.BinanceBackedServices;
import com.fks.execution.testsupport.CapturedLogs;
import com.fks.execution.testsupport.InProcessService;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Limit orders that rest on the exchange (SUBMITTED) and end there: filled, canceled or expired by the venue,
 * seen by the engine's refresh over the exchange's own protocol; refreshed while trading is halted; and left to
 * wait, never failed, while the exchange's breaker is open.
 */
final class RestingOrderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = BinanceBackedServices.ADMIN;
    /** First look 0.5 s after the acknowledgement, then the regular poll every 5 s. */
    private static final Duration REFRESHED_WITHIN = Duration.ofSeconds(20);

    @RegisterExtension
    final BinanceBackedServices venue = new BinanceBackedServices();
    private BinanceTestExchange binance;

    @BeforeEach
    void exchange() {
        binance = venue.exchange();
    }

    private InProcessService service(Map<String, String> extra) throws IOException {
        return venue.service(extra);
    }

    private static String limitAlert(String exchange, String symbol, String action, String quantity) {
        return "{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\"" + Alerts.uniqueId() + "\",\"exchange\":\""
                + exchange + "\",\"symbol\":\"" + symbol + "\",\"action\":\"" + action + "\",\"order_type\":\"limit\","
                + "\"quantity\":" + quantity + ",\"price\":29000}";
    }

    private static String binanceLimit(String quantity) {
        return limitAlert("binance", "BINANCE:BTCUSDT", "buy", quantity);
    }

    private static String binanceMarket() {
        return "{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\"" + Alerts.uniqueId() + "\",\"exchange\":\"binance\","
                + "\"symbol\":\"BINANCE:BTCUSDT\",\"action\":\"buy\",\"quantity\":0.001,\"price\":30000}";
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    private static String accept(InProcessService service, String body) throws IOException {
        HttpResponse<String> response = service.webhook(body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json(response).path("order_id").asText();
    }

    private static JsonNode order(InProcessService service, String orderId) throws IOException {
        return json(service.get("/orders/" + orderId, "Authorization", "Bearer " + ADMIN));
    }

    private static JsonNode awaitStatus(InProcessService service, String orderId, String status, Duration within) {
        return await().atMost(within).pollInterval(Duration.ofMillis(100))
                .until(() -> order(service, orderId), o -> o.path("status").asText().equals(status));
    }

    /** A limit order below the market rests: the exchange acknowledges it NEW and the service holds it SUBMITTED. */
    private static String resting(InProcessService service, String body) throws IOException {
        String orderId = accept(service, body);
        JsonNode submitted = awaitStatus(service, orderId, "SUBMITTED", Duration.ofSeconds(15));
        assertThat(submitted.path("exchange_order_id").asText()).isNotBlank();
        return orderId;
    }

    @Test
    void shouldRecordALimitOrderFilledAtTheExchangeWhileItRested() throws Exception {
        InProcessService service = service(Map.of());
        String orderId = resting(service, binanceLimit("0.002"));
        // Given time for the first look and a poll, a resting order stays as it is.
        Thread.sleep(1500);
        assertThat(order(service, orderId).path("status").asText()).isEqualTo("SUBMITTED");

        binance.fill("fks" + orderId);

        JsonNode filled = awaitStatus(service, orderId, "FILLED", REFRESHED_WITHIN);
        assertThat(new BigDecimal(filled.path("executed_quantity").asText())).isEqualByComparingTo("0.002");
        assertThat(new BigDecimal(filled.path("average_price").asText())).isEqualByComparingTo("29000");
        assertThat(binance.ordersWithClientOrderId("fks" + orderId)).hasSize(1);
        assertThat(service.metrics())
                .contains("execution_orders_total{exchange=\"binance\",kind=\"entry\",side=\"buy\",status=\"filled\"} 1.0");
    }

    @Test
    void shouldRecordRestingOrdersCanceledOrExpiredAtTheExchange() throws Exception {
        InProcessService service = service(Map.of());
        String canceled = resting(service, binanceLimit("0.001"));
        String expired = resting(service, binanceLimit("0.001"));
        String partlyFilledThenExpired = resting(service, binanceLimit("0.002"));

        binance.fillPart("fks" + partlyFilledThenExpired, new BigDecimal("0.0008"));
        JsonNode stillOpen = await().atMost(REFRESHED_WITHIN).pollInterval(Duration.ofMillis(100))
                .until(() -> order(service, partlyFilledThenExpired),
                        o -> o.path("executed_quantity").asText().startsWith("0.0008"));
        assertThat(stillOpen.path("status").asText()).as("an open order with a partial fill").isEqualTo("SUBMITTED");

        binance.close("fks" + canceled, "CANCELED");
        binance.close("fks" + expired, "EXPIRED");
        binance.close("fks" + partlyFilledThenExpired, "EXPIRED");

        awaitStatus(service, canceled, "CANCELED", REFRESHED_WITHIN);
        awaitStatus(service, expired, "CANCELED", REFRESHED_WITHIN);
        JsonNode partial = awaitStatus(service, partlyFilledThenExpired, "PARTIALLY_FILLED", REFRESHED_WITHIN);
        assertThat(new BigDecimal(partial.path("executed_quantity").asText())).isEqualByComparingTo("0.0008");
        // counted by the engine once the store has the final status, which /orders can show a moment before
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String metrics = service.metrics();
            assertThat(metrics).contains("execution_orders_total{exchange=\"binance\",kind=\"entry\",side=\"buy\",status=\"canceled\"} 2.0");
            assertThat(metrics).contains(
                    "execution_orders_total{exchange=\"binance\",kind=\"entry\",side=\"buy\",status=\"partially_filled\"} 1.0");
        });
        assertThat(binance.orderCount()).isEqualTo(3);
    }

    @Test
    void shouldRecordACoinbaseLimitOrderFilledAfterItRested() throws Exception {
        KeyPair key = TestKeys.ecP256();
        String keyName = "organizations/test/apiKeys/fks";
        try (CoinbaseTestExchange coinbase = CoinbaseTestExchange.start().registerKey(keyName, key.getPublic())) {
            InProcessService service = service(Map.of("COINBASE_API_KEY", keyName,
                    "COINBASE_API_SECRET", TestKeys.pkcs8Pem(key.getPrivate()), "COINBASE_BASE_URL", coinbase.baseUrl()));
            String orderId = resting(service, limitAlert("coinbase", "COINBASE:BTCUSD", "sell", "0.01"));
            assertThat(coinbase.orders().get("fks" + orderId).status()).isEqualTo("OPEN");

            coinbase.fill("fks" + orderId);

            JsonNode filled = awaitStatus(service, orderId, "FILLED", REFRESHED_WITHIN);
            assertThat(new BigDecimal(filled.path("executed_quantity").asText())).isEqualByComparingTo("0.01");
            assertThat(coinbase.orderCount()).isEqualTo(1);
        }
    }

    @Test
    void shouldKeepRefreshingRestingOrdersWhileTradingIsHalted() throws Exception {
        InProcessService service = service(Map.of());
        String orderId = resting(service, binanceLimit("0.001"));
        assertThat(service.post("/admin/halt", "", "Authorization", "Bearer " + ADMIN).statusCode()).isEqualTo(200);

        binance.fill("fks" + orderId);

        // The halt stops new orders going out; an order already on the exchange still has to be followed.
        awaitStatus(service, orderId, "FILLED", REFRESHED_WITHIN);
        assertThat(json(service.get("/admin/status", "Authorization", "Bearer " + ADMIN)).path("trading").asText())
                .isEqualTo("halted");
        assertThat(binance.orderCount()).isEqualTo(1);
    }

    @Test
    void shouldLetARestingOrderWaitWhileItsExchangesBreakerIsOpen() throws Exception {
        try (CapturedLogs engineLog = CapturedLogs.of(ExecutionEngine.class)) {
            InProcessService service = service(Map.of("CIRCUIT_BREAKER_THRESHOLD", "2", "CIRCUIT_BREAKER_TIMEOUT", "5",
                    "ORDER_MAX_WAIT_SECONDS", "1"));
            String orderId = resting(service, binanceLimit("0.001"));
            // Every call fails until the test says otherwise: a market order's send and lookup open the breaker,
            // and whenever it half-opens the trial call fails and opens it again.
            binance.faults().add(Faults.Target.PLACE, new Faults.ServerError(500, false, null, null), 1000);
            binance.faults().add(Faults.Target.LOOKUP, new Faults.ServerError(500, false, null, null), 1000);
            accept(service, binanceMarket());

            // The resting order, older than ORDER_MAX_WAIT_SECONDS, meets the open breaker at a poll.
            String circuitOpen = "circuit breaker of binance is open";
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> engineLog.anyAbout(orderId, circuitOpen) || !engineLog.errors().isEmpty());
            assertThat(engineLog.errors()).as("the engine's ERROR lines").isEmpty();
            assertThat(engineLog.anyAbout(orderId, circuitOpen)).isTrue();
            JsonNode waiting = order(service, orderId);
            assertThat(waiting.path("status").asText()).isEqualTo("SUBMITTED");
            assertThat(waiting.path("reason").isMissingNode() || waiting.path("reason").isNull()).as(waiting.toString())
                    .isTrue();

            binance.faults().clear();
            binance.fill("fks" + orderId);

            // Once the breaker lets calls through again the order is refreshed like any other.
            awaitStatus(service, orderId, "FILLED", Duration.ofSeconds(30));
            assertThat(engineLog.errors()).isEmpty();
            assertThat(binance.ordersWithClientOrderId("fks" + orderId)).hasSize(1);
        }
    }
}
