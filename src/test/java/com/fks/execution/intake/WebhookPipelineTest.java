package com.fks.execution.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.InProcessService;
import com.fks.execution.testsupport.ServiceProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The trading actions at the webhook, over real HTTP against the real service on an ephemeral port (paper
 * exchange): what is recorded, what is ignored, what is refused, and what passes the kill switch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class WebhookPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_TOKEN = "pipeline-admin-token-0123456789abcdef";
    private static final String[] AUTH = {"Authorization", "Bearer " + ADMIN_TOKEN};
    private InProcessService service;

    @BeforeAll
    void start() throws IOException {
        service = InProcessService.start(Map.of("MIN_CONFIDENCE", "0.6", "MAX_ORDER_SIZE_USD", "1000",
                "RATE_LIMIT_REQUESTS", "100000", "ADMIN_TOKEN", ADMIN_TOKEN));
    }

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void shouldIgnoreAnExitWithNoPositionAndRecordNothing() throws Exception {
        // given a strategy that never bought
        String strategy = newStrategy();
        int orders = orderCount();
        double counted = requests(200, "no_position");

        // when an exit, and a strategy template's sell that went flat, arrive
        HttpResponse<String> exit = service.webhook(alert(strategy, "\"action\":\"exit\",\"price\":65000"));
        HttpResponse<String> flat = service.webhook(alert(strategy,
                "\"action\":\"sell\",\"sentiment\":\"flat\",\"quantity\":0.01,\"price\":65000"));

        // then both are 200 ignored no_position, no order exists, and both are counted
        for (HttpResponse<String> response : new HttpResponse[] {exit, flat}) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(json(response).path("status").asText()).isEqualTo("ignored");
            assertThat(json(response).path("reason").asText()).isEqualTo("no_position");
            assertThat(json(response).has("order_id")).isFalse();
            assertThat(response.body()).doesNotContain(ServiceProcess.SECRET);
        }
        assertThat(orderCount()).isEqualTo(orders);
        assertThat(requests(200, "no_position") - counted).isEqualTo(2);
    }

    @Test
    void shouldIgnoreAShortWhenNoLongIsHeld() throws Exception {
        // given
        String strategy = newStrategy();
        int orders = orderCount();

        // when a long/short strategy goes short from flat, and then covers part of that short
        HttpResponse<String> goesShort = service.webhook(alert(strategy,
                "\"action\":\"sell\",\"sentiment\":\"short\",\"quantity\":0.01,\"price\":65000"));
        HttpResponse<String> covers = service.webhook(alert(strategy,
                "\"action\":\"buy\",\"sentiment\":\"bearish\",\"quantity\":0.005,\"price\":65000"));

        // then
        for (HttpResponse<String> response : new HttpResponse[] {goesShort, covers}) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(json(response).path("status").asText()).isEqualTo("ignored");
            assertThat(json(response).path("reason").asText()).isEqualTo("short_not_supported");
        }
        assertThat(orderCount()).isEqualTo(orders);
    }

    @Test
    void shouldAcceptACancelAndRecordAnOrderThatTradesNothing() throws Exception {
        // when
        HttpResponse<String> response = service.webhook(alert(newStrategy(), "\"action\":\"cancel\""));

        // then
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json(response).path("status").asText()).isEqualTo("accepted");
        JsonNode order = json(service.get("/orders/" + json(response).path("order_id").asText(), AUTH));
        assertThat(order.path("side").asText()).isEqualTo("sell");
        assertThat(order.path("order_type").asText()).isEqualTo("market");
        assertThat(order.path("quantity").asText()).isEqualTo("0");
        assertThat(order.path("alert").path("action").asText()).isEqualTo("cancel");
    }

    @Test
    void shouldExitAPositionTheServiceHoldsEvenBelowTheConfidenceThreshold() throws Exception {
        // given a filled buy for this strategy
        String strategy = newStrategy();
        filledBuy(service, strategy);

        // when its exit arrives, with a confidence under MIN_CONFIDENCE that would hold back an entry
        HttpResponse<String> response = service.webhook(alert(strategy,
                "\"action\":\"exit\",\"price\":65000,\"confidence\":0.1"));

        // then it is recorded as an exit of 100 % of the position, a market sell, which sells what the buy bought
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String orderId = json(response).path("order_id").asText();
        JsonNode order = await().atMost(Duration.ofSeconds(10)).until(() -> json(service.get("/orders/" + orderId, AUTH)),
                o -> o.path("status").asText().equals("FILLED"));
        assertThat(order.path("kind").asText()).isEqualTo("exit");
        assertThat(order.path("side").asText()).isEqualTo("sell");
        assertThat(order.path("order_type").asText()).isEqualTo("market");
        assertThat(order.path("history").toString()).contains("100 % of position 0.01");
        assertThat(order.path("executed_quantity").asText()).isEqualTo("0.01");
        assertThat(order.path("strategy").asText()).isEqualTo(strategy);
    }

    @Test
    void shouldAnswerARepeatedExitAsTheDuplicateItIsEvenOnceThePositionIsClosed() throws Exception {
        // given an exit that closed the position
        String strategy = newStrategy();
        filledBuy(service, strategy);
        String exit = "{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\"" + Alerts.uniqueId() + "\","
                + "\"symbol\":\"BINANCE:BTCUSDT\",\"strategy\":\"" + strategy + "\",\"action\":\"exit\",\"price\":65000}";
        HttpResponse<String> first = service.webhook(exit);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        String orderId = json(first).path("order_id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> json(service.get("/orders/" + orderId, AUTH))
                .path("status").asText(), "FILLED"::equals);

        // when TradingView sends it again
        HttpResponse<String> again = service.webhook(exit);

        // then it is the earlier order's duplicate, not an exit of a flat position
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(json(again).path("status").asText()).isEqualTo("duplicate");
        assertThat(json(again).path("order_id").asText()).isEqualTo(orderId);
    }

    @Test
    void shouldRefuseAQuoteSizeOverTheLimitAndAcceptOneWithin() throws Exception {
        // when: MAX_ORDER_SIZE_USD is 1000; quote sizes need no price
        HttpResponse<String> over = service.webhook(alert(newStrategy(),
                "\"action\":\"buy\",\"quantity_type\":\"quote\",\"quantity\":1000.01"));
        HttpResponse<String> within = service.webhook(alert(newStrategy(),
                "\"action\":\"buy\",\"quantity_type\":\"quote\",\"quantity\":1000"));

        // then
        assertThat(over.statusCode()).as(over.body()).isEqualTo(422);
        assertThat(json(over).path("reason").asText()).isEqualTo("order_too_large");
        assertThat(json(over).path("detail").asText()).contains("1000.01");
        assertThat(within.statusCode()).as(within.body()).isEqualTo(202);
    }

    @Test
    void shouldAcceptABuyWithProtectionAndRefuseProtectionOnASell() throws Exception {
        // given
        double refusedBefore = validationFailures("protection_not_allowed");

        // when
        HttpResponse<String> protectedBuy = service.webhook(alert(newStrategy(), "\"action\":\"buy\",\"quantity\":0.01,"
                + "\"order_type\":\"limit\",\"price\":65000,\"stop_loss\":{\"percent\":2},\"take_profit\":{\"price\":70000}"));
        HttpResponse<String> wrongSide = service.webhook(alert(newStrategy(), "\"action\":\"buy\",\"quantity\":0.01,"
                + "\"order_type\":\"limit\",\"price\":65000,\"take_profit\":{\"price\":64000}"));
        HttpResponse<String> protectedSell = service.webhook(alert(newStrategy(), "\"action\":\"sell\",\"quantity\":0.01,"
                + "\"price\":65000,\"stop_loss\":{\"percent\":2}"));

        // then
        assertThat(protectedBuy.statusCode()).as(protectedBuy.body()).isEqualTo(202);
        JsonNode order = json(service.get("/orders/" + json(protectedBuy).path("order_id").asText(), AUTH));
        assertThat(order.path("alert").path("stop_loss").path("percent").intValue()).isEqualTo(2);
        assertThat(wrongSide.statusCode()).isEqualTo(422);
        assertThat(json(wrongSide).path("reason").asText()).isEqualTo("take_profit_not_above_price");
        assertThat(protectedSell.statusCode()).isEqualTo(422);
        assertThat(json(protectedSell).path("reason").asText()).isEqualTo("protection_not_allowed");
        assertThat(validationFailures("protection_not_allowed") - refusedBefore).isEqualTo(1);
    }

    @Test
    void shouldLetExitsAndCancelsThroughTheKillSwitchAndHoldBackEntries() throws Exception {
        try (InProcessService halted = InProcessService.start(Map.of("ADMIN_TOKEN", ADMIN_TOKEN,
                "RATE_LIMIT_REQUESTS", "100000"))) {
            // given positions of two strategies, then the kill switch on
            String strategy = newStrategy();
            filledBuy(halted, strategy);
            String other = newStrategy();
            filledBuy(halted, other);
            assertThat(halted.post("/admin/halt", "", AUTH).statusCode()).isEqualTo(200);

            // when an entry, an exit and a cancel arrive
            HttpResponse<String> entry = halted.webhook(alert(strategy,
                    "\"action\":\"buy\",\"quantity\":0.01,\"price\":65000"));
            HttpResponse<String> exit = halted.webhook(alert(strategy, "\"action\":\"exit\",\"price\":65000"));
            HttpResponse<String> cancel = halted.webhook(alert(strategy, "\"action\":\"cancel\""));
            HttpResponse<String> flatExit = halted.webhook(alert(other,
                    "\"action\":\"sell\",\"sentiment\":\"flat\",\"quantity\":0.01,\"price\":65000"));

            // then only the entry is held back
            assertThat(entry.statusCode()).as(entry.body()).isEqualTo(503);
            assertThat(json(entry).path("reason").asText()).isEqualTo("trading_halted");
            assertThat(exit.statusCode()).as(exit.body()).isEqualTo(202);
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
            assertThat(flatExit.statusCode()).as(flatExit.body()).isEqualTo(202);
            assertThat(json(halted.get("/orders?limit=100", AUTH)).path("count").asInt()).isEqualTo(5);
        }
    }

    @Test
    void shouldAnswer503StoreUnavailableWhenThePositionOfAnExitCannotBeRead() throws Exception {
        // given a service on PostgreSQL, and PostgreSQL then gone
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
        try (InProcessService onPostgres = InProcessService.start(Map.of("DATABASE_URL",
                "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "DATABASE_USER", "postgres",
                "RATE_LIMIT_REQUESTS", "100000"))) {
            HttpResponse<String> healthy = onPostgres.webhook(alert(newStrategy(), "\"action\":\"exit\""));
            assertThat(healthy.statusCode()).as(healthy.body()).isEqualTo(200);
            postgres.close();

            // when an exit arrives
            HttpResponse<String> during = onPostgres.webhook(alert(newStrategy(), "\"action\":\"exit\""));

            // then it is refused as any store failure is: 503, nothing recorded, so TradingView resends it
            assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
            assertThat(json(during).path("reason").asText()).isEqualTo("store_unavailable");
        } finally {
            postgres.close();
        }
    }

    private static void filledBuy(InProcessService target, String strategy) throws IOException {
        HttpResponse<String> buy = target.webhook(alert(strategy, "\"action\":\"buy\",\"quantity\":0.01,\"price\":65000"));
        assertThat(buy.statusCode()).as(buy.body()).isEqualTo(202);
        String orderId = json(buy).path("order_id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> json(target.get("/orders/" + orderId, AUTH))
                .path("status").asText().equals("FILLED"));
    }

    private static String alert(String strategy, String fields) {
        return "{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\"" + Alerts.uniqueId() + "\","
                + "\"symbol\":\"BINANCE:BTCUSDT\",\"strategy\":\"" + strategy + "\"," + fields + "}";
    }

    private static String newStrategy() {
        return "s-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private int orderCount() throws IOException {
        return json(service.get("/orders?limit=1000", AUTH)).path("count").asInt();
    }

    private double requests(int status, String reason) throws IOException {
        return metric("execution_webhook_requests_total{reason=\"" + reason + "\",status=\"" + status + "\"}");
    }

    private double validationFailures(String reason) throws IOException {
        return metric("execution_webhook_validation_failures_total{reason=\"" + reason + "\"}");
    }

    private double metric(String series) throws IOException {
        for (String line : service.metrics().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
