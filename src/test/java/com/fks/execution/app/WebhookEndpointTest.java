package com.fks.execution.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.exchange.paper.PaperBook;
import com.fks.execution.intake.RejectionReason;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.ExternalCommand;
import com.fks.execution.testsupport.InProcessService;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The webhook contract of issue 2, over real HTTP against the real service on an ephemeral port. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class WebhookEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String S = ServiceProcess.SECRET;
    private final Set<RejectionReason> seen = EnumSet.noneOf(RejectionReason.class);
    private InProcessService service;

    @BeforeAll
    void start() throws IOException {
        service = InProcessService.start(Map.of("MIN_CONFIDENCE", "0.6", "MAX_ORDER_SIZE_USD", "100000",
                "RATE_LIMIT_REQUESTS", "100000"));
    }

    @AfterAll
    void stop() {
        service.close();
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> expect(HttpResponse<String> response, int status, String reason) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(json(response).path("reason").asText()).as(response.body()).isEqualTo(reason);
        for (RejectionReason r : RejectionReason.values()) {
            if (r.code().equals(reason)) {
                seen.add(r);
            }
        }
        return response;
    }

    private static String alert(String fields) {
        return "{\"secret\":\"" + S + "\",\"id\":\"" + Alerts.uniqueId() + "\"" + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    private static String market(String extra) {
        return alert("\"symbol\":\"BINANCE:BTCUSDT\",\"action\":\"buy\",\"quantity\":0.01,\"price\":65000" + extra);
    }

    @Test
    void shouldAcceptWithTheBodySecretAndFillOnPaper() throws Exception {
        HttpResponse<String> response = service.webhook(market(",\"strategy\":\"ema-cross\",\"rsi\":55.5"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String orderId = json(response).path("order_id").asText();
        assertThat(json(response).path("status").asText()).isEqualTo("accepted");

        JsonNode order = await().atMost(Duration.ofSeconds(10)).until(
                () -> json(service.get("/orders/" + orderId)), o -> o.path("status").asText().equals("FILLED"));
        assertThat(order.path("symbol").asText()).isEqualTo("BTCUSDT");
        assertThat(order.path("executed_quantity").asText()).isEqualTo("0.01");
        assertThat(order.path("average_price").asText()).isEqualTo("65000");
        assertThat(order.path("timestamps").fieldNames()).toIterable()
                .contains("received", "accepted", "submitting", "submitted", "filled");
        assertThat(order.path("alert").path("rsi").decimalValue()).isEqualByComparingTo("55.5");
        assertThat(order.path("alert").has("secret")).isFalse();
        assertThat(service.get("/orders/" + orderId).body()).doesNotContain(S);
    }

    @Test
    void shouldTradeAPerpetualChartAsItsSpotPairOnlyWhenTheOperatorChoseSpot() throws Exception {
        try (InProcessService spot = InProcessService.start(Map.of("PERPETUAL_SYMBOLS", "spot"))) {
            HttpResponse<String> response = spot.webhook(alert(
                    "\"symbol\":\"BINANCE:BTCUSDT.P\",\"action\":\"buy\",\"quantity\":0.01,\"price\":65000"));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            String orderId = json(response).path("order_id").asText();
            JsonNode order = await().atMost(Duration.ofSeconds(10)).until(
                    () -> json(spot.get("/orders/" + orderId)), o -> o.path("status").asText().equals("FILLED"));
            assertThat(order.path("symbol").asText()).isEqualTo("BTCUSDT");
        }
    }

    @Test
    void shouldAcceptTheSignatureHeaderAndTextPlain() throws Exception {
        String body = Alerts.unsigned(Alerts.uniqueId()) + "\n";
        HttpResponse<String> response = service.post("/webhook/tradingview", body,
                "Content-Type", "text/plain; charset=utf-8", "X-Webhook-Signature", Alerts.signature(body));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    @Test
    void shouldAnswerDuplicateWithTheFirstOrderAndPlaceOnlyOne() throws Exception {
        String id = Alerts.uniqueId();
        String body = "{\"secret\":\"" + S + "\",\"id\":\"" + id + "\",\"symbol\":\"ETHUSDT\",\"action\":\"sell\",\"quantity\":1,\"price\":3000}";
        String first = json(service.webhook(body)).path("order_id").asText();
        HttpResponse<String> again = service.webhook(body);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).path("status").asText()).isEqualTo("duplicate");
        assertThat(json(again).path("order_id").asText()).isEqualTo(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> fillsFor(first) == 1);
        Thread.sleep(300);
        assertThat(fillsFor(first)).isEqualTo(1);
    }

    @Test
    void shouldTreatTheSameAlertWithoutIdAsDuplicateWhateverTheKeyOrder() throws Exception {
        String a = "{\"secret\":\"" + S + "\",\"symbol\":\"SOLUSDC\",\"action\":\"buy\",\"quantity\":2,\"price\":150,\"note\":\"x" + System.nanoTime() + "\"}";
        JsonNode parsed = JSON.readTree(a);
        String reordered = "{\"note\":" + JSON.writeValueAsString(parsed.get("note").asText())
                + ",\"price\":150,\"quantity\":2,\"action\":\"buy\",\"symbol\":\"SOLUSDC\",\"secret\":\"" + S + "\"}";
        HttpResponse<String> first = service.webhook(a);
        assertThat(first.statusCode()).isEqualTo(202);
        HttpResponse<String> second = service.webhook(reordered);
        assertThat(json(second).path("status").asText()).isEqualTo("duplicate");
        assertThat(json(second).path("order_id").asText()).isEqualTo(json(first).path("order_id").asText());
    }

    @Test
    void shouldIgnoreLowConfidenceWithoutAnOrder() throws Exception {
        int before = orderCount();
        HttpResponse<String> response = service.webhook(market(",\"confidence\":0.59"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("status").asText()).isEqualTo("ignored");
        assertThat(json(response).path("reason").asText()).isEqualTo("confidence_below_threshold");
        seen.add(RejectionReason.CONFIDENCE_BELOW_THRESHOLD);
        assertThat(orderCount()).isEqualTo(before);
        assertThat(service.webhook(market(",\"confidence\":0.6")).statusCode()).isEqualTo(202);
    }

    @Test
    void shouldReplaceNaNInOptionalFieldsAndCountThem() throws Exception {
        double before = metricValue("execution_nan_replacements_total{field=\"macd\"}");
        HttpResponse<String> response = service.webhook(market(",\"macd\":NaN,\"rsi\":\"NaN\",\"ema\":Infinity,\"atr\":-Infinity,\"vol\":null"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode order = json(service.get("/orders/" + json(response).path("order_id").asText()));
        assertThat(order.path("alert").path("macd").isNull()).isTrue();
        assertThat(order.path("alert").path("rsi").isNull()).isTrue();
        assertThat(order.path("alert").path("ema").isNull()).isTrue();
        assertThat(order.path("alert").path("atr").isNull()).isTrue();
        assertThat(metricValue("execution_nan_replacements_total{field=\"macd\"}")).isEqualTo(before + 1);
        assertThat(metricValue("execution_nan_replacements_total{field=\"atr\"}")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldRejectAMarketOrderWhosePriceIsNaNForWantOfAPrice() throws Exception {
        double before = metricValue("execution_nan_replacements_total{field=\"price\"}");
        expect(service.webhook(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":0.01,\"price\":NaN")),
                422, "no_usable_price");
        assertThat(metricValue("execution_nan_replacements_total{field=\"price\"}")).isEqualTo(before + 1);
    }

    static Stream<Arguments> badAlerts() {
        String now = "\"timestamp\":" + System.currentTimeMillis();
        return Stream.of(
                Arguments.of("{\"secret\":\"" + S + "\",", 400, "malformed_json"),
                Arguments.of("   ", 400, "empty_body"),
                Arguments.of("[1,2]", 400, "not_a_json_object"),
                Arguments.of("{\"secret\":\"" + S + "\",\"symbol\":\"BTCUSDT\",\"symbol\":\"ETHUSDT\"}", 400, "malformed_json"),
                Arguments.of(alert("\"symbol\":\"{{ticker}}\",\"action\":\"buy\",\"quantity\":1,\"price\":1"), 422, "unrendered_placeholder"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":{{strategy.order.contracts}}"), 422, "unrendered_placeholder"),
                Arguments.of("{\"secret\":\"wrong-secret-0123456789\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1}", 401, "authentication_failed"),
                Arguments.of("{\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1}", 401, "authentication_failed"),
                Arguments.of(alert("\"timestamp\":\"2020-01-01T00:00:00Z\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1"), 422, "timestamp_too_old"),
                Arguments.of(alert("\"timestamp\":" + (System.currentTimeMillis() + 600_000) + ",\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1"), 422, "timestamp_in_future"),
                Arguments.of(alert("\"timestamp\":\"yesterday\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1"), 422, "invalid_timestamp"),
                Arguments.of(alert(now + ",\"action\":\"buy\",\"quantity\":1,\"price\":1"), 422, "missing_symbol"),
                Arguments.of(alert("\"symbol\":\"BTC USDT!\",\"action\":\"buy\",\"quantity\":1,\"price\":1"), 422, "invalid_symbol"),
                Arguments.of(alert("\"symbol\":\"BINANCE:BTCUSDT.P\",\"action\":\"sell\",\"quantity\":1,\"price\":1"), 422, "perpetual_not_supported"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"quantity\":1,\"price\":1"), 422, "missing_action"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"hold\",\"quantity\":1,\"price\":1"), 422, "invalid_action"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"price\":1"), 422, "missing_quantity"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":0,\"price\":1"), 422, "invalid_quantity"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":-1,\"price\":1"), 422, "invalid_quantity"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":\"lots\",\"price\":1"), 422, "invalid_quantity"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1e400,\"price\":1"), 422, "invalid_quantity"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":NaN,\"price\":1"), 422, "quantity_is_nan"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":\"NaN\",\"price\":1"), 422, "quantity_is_nan"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":Infinity,\"price\":1"), 422, "quantity_is_nan"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"order_type\":\"stop\",\"price\":1"), 422, "invalid_order_type"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"order_type\":\"limit\""), 422, "missing_price"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"order_type\":\"limit\",\"price\":NaN"), 422, "price_is_nan"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":-5"), 422, "invalid_price"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1,\"confidence\":NaN"), 422, "confidence_is_nan"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1,\"confidence\":1.5"), 422, "invalid_confidence"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1,\"exchange\":\"kraken\""), 422, "invalid_exchange"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1,\"exchange\":\"binance\""), 422, "exchange_not_configured"),
                Arguments.of("{\"secret\":\"" + S + "\",\"id\":\"has space\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1}", 422, "invalid_id"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1,\"strategy\":42"), 422, "invalid_strategy"),
                Arguments.of(alert("\"symbol\":\"ETHBTC\",\"action\":\"buy\",\"quantity\":1,\"price\":0.05"), 422, "unsupported_quote_currency"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1"), 422, "no_usable_price"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":2,\"price\":50000.01"), 422, "order_too_large"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":100000.01,\"quantity_type\":\"quote\""), 422, "order_too_large"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1,\"sentiment\":\"sideways\""), 422, "invalid_sentiment"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1,\"quantity_type\":\"dollars\""), 422, "invalid_quantity_type"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":50,\"price\":1,\"quantity_type\":\"percent_of_position\""), 422, "quantity_type_not_allowed"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"exit\",\"quantity\":0.5"), 422, "quantity_type_not_allowed"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":101,\"price\":1,\"quantity_type\":\"percent_of_balance\""), 422, "percent_out_of_range"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1,\"stop_loss\":{\"percent\":NaN}"), 422, "invalid_stop_loss"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1,\"take_profit\":{\"limit\":2}"), 422, "invalid_take_profit"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":0.01,\"order_type\":\"limit\",\"price\":65000,\"stop_loss\":{\"price\":66000}"), 422, "stop_loss_not_below_price"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":0.01,\"price\":65000,\"take_profit\":{\"price\":64000}"), 422, "take_profit_not_above_price"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":0.01,\"stop_loss\":{\"price\":70000},\"take_profit\":{\"price\":60000}"), 422, "stop_loss_not_below_take_profit"),
                Arguments.of(alert("\"symbol\":\"BTCUSDT\",\"action\":\"cancel\",\"take_profit\":{\"percent\":3}"), 422, "protection_not_allowed"));
    }

    @Test
    void shouldIgnoreAnExitOrAShortThatHasNoPositionToCloseWithoutAnOrder() throws Exception {
        int before = orderCount();
        String strategy = "\"strategy\":\"never-bought-" + System.nanoTime() + "\"";
        HttpResponse<String> exit = expect(service.webhook(alert("\"symbol\":\"BTCUSDT\",\"action\":\"exit\"," + strategy)),
                200, "no_position");
        HttpResponse<String> toShort = expect(service.webhook(alert("\"symbol\":\"BTCUSDT\",\"action\":\"sell\","
                + "\"sentiment\":\"short\",\"quantity\":0.01," + strategy)), 200, "short_not_supported");
        assertThat(json(exit).path("status").asText()).isEqualTo("ignored");
        assertThat(json(toShort).path("status").asText()).isEqualTo("ignored");
        assertThat(orderCount()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{2}: {0}")
    @MethodSource("badAlerts")
    void shouldRejectBadInputWithItsReasonAndNoOrder(String body, int status, String reason) throws Exception {
        int ordersBefore = orderCount();
        double counted = metricValue("execution_webhook_requests_total{reason=\"" + reason + "\",status=\"" + status + "\"}");
        HttpResponse<String> response = expect(service.webhook(body), status, reason);
        assertThat(json(response).path("status").asText()).isEqualTo("rejected");
        assertThat(json(response).path("detail").asText()).isNotBlank().doesNotContain(S);
        assertThat(orderCount()).isEqualTo(ordersBefore);
        assertThat(metricValue("execution_webhook_requests_total{reason=\"" + reason + "\",status=\"" + status + "\"}"))
                .isEqualTo(counted + 1);
        if (status == 400 || status == 422) {
            assertThat(metricValue("execution_webhook_validation_failures_total{reason=\"" + reason + "\"}")).isGreaterThan(0);
        }
        if (status == 401) {
            assertThat(metricValue("execution_webhook_signature_failures_total")).isGreaterThan(0);
        }
    }

    @Test
    void shouldRefuseABadSignatureAndTheSignatureOfAnotherBody() throws Exception {
        String body = Alerts.unsigned(Alerts.uniqueId());
        expect(service.webhook(body, "X-Webhook-Signature", "sha256=" + "00".repeat(32)), 401, "authentication_failed");
        expect(service.webhook(body, "X-Webhook-Signature", Alerts.signature(Alerts.unsigned("other"))), 401,
                "authentication_failed");
        expect(service.webhook(body, "X-Webhook-Signature", Alerts.signature(body, "another-secret-0123456789")), 401,
                "authentication_failed");
    }

    @Test
    void shouldAnswerTheWebhookPathWithATrailingSlashAndRefuseOtherMethodsWithAllow() throws Exception {
        // the webhook is answered in front of Javalin: as Javalin did, with a trailing slash too, and 405 for a GET
        HttpResponse<String> slash = service.post("/webhook/tradingview/", market(""),
                "Content-Type", "application/json");
        assertThat(slash.statusCode()).as(slash.body()).isEqualTo(202);
        HttpResponse<String> get = expect(service.get("/webhook/tradingview"), 405, "method_not_allowed");
        assertThat(get.headers().firstValue("Allow")).contains("POST");
        assertThat(get.headers().firstValue("Content-Type")).contains("application/json");
        HttpResponse<String> accepted = service.post("/webhook/tradingview?source=tv", market(""),
                "Content-Type", "application/json");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.headers().firstValueAsLong("Content-Length")).hasValue(
                accepted.body().getBytes(StandardCharsets.UTF_8).length);
        // other paths are still Javalin's
        assertThat(service.post("/webhook//tradingview", market(""), "Content-Type", "application/json")
                .statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseUnsupportedMediaType() throws Exception {
        expect(service.post("/webhook/tradingview", market(""), "Content-Type", "application/x-www-form-urlencoded"),
                415, "unsupported_media_type");
    }

    @Test
    void shouldRefuseABodyOverTheLimitDeclaredOrChunked() throws Exception {
        // Raw sockets: the service answers 413 without reading the body and closes the connection, which an
        // HTTP client still sending that body may see as a broken connection instead of the answer.
        String declared = rawExchange("Content-Length: 70000\r\n", new byte[0]);
        assertThat(declared).startsWith("HTTP/1.1 413").contains("body_too_large");
        seen.add(RejectionReason.BODY_TOO_LARGE);

        // Chunked: no Content-Length, so the limit is enforced while reading.
        java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
        byte[] chunk = "x".repeat(8192).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 10; i++) {
            chunks.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunks.write(chunk);
            chunks.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunks.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String chunked = rawExchange("Transfer-Encoding: chunked\r\n", chunks.toByteArray());
        assertThat(chunked).startsWith("HTTP/1.1 413").contains("body_too_large");
    }

    @Test
    void shouldKeepTheConnectionUsableAfterRefusingBeforeTheBodyArrived() throws Exception {
        // A refusal decided from the headers alone still waits for the body of an allowed client: were the
        // connection closed with the body in flight, the reset could destroy the answer on its way out.
        assertThat(refuseThenAskAgain(service.app().httpPort(), "text/html"))
                .startsWith("HTTP/1.1 415").contains("unsupported_media_type").contains("HTTP/1.1 200");
    }

    @Test
    void shouldNotWaitForTheBodyOfAnAddressOutsideTheAllowList() throws Exception {
        try (InProcessService strict = InProcessService.start(Map.of("IP_WHITELIST", "52.89.214.238"));
             Socket socket = new Socket("127.0.0.1", strict.app().httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /webhook/tradingview HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"sec")
                    .getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            byte[] head = socket.getInputStream().readNBytes(12);
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            // the body never comes: an answer that waited for it would come only at the 10 s idle timeout
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 403");
            assertThat(waitedMillis).as("ms until the 403").isLessThan(5_000);
        }
    }

    /** Sends the headers of a webhook call, then its body 300 ms later, then GET /health on the same connection. */
    private static String refuseThenAskAgain(int port, String contentType) throws Exception {
        byte[] body = market("").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhook/tradingview HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300);
            out.write(body);
            out.write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** One POST to the webhook over a plain socket; returns everything the service answered. */
    private String rawExchange(String framingHeader, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", service.app().httpPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhook/tradingview HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + framingHeader + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try {
                out.write(body);
                out.flush();
            } catch (IOException closedEarly) {
                // the service answered and closed before taking the whole body: its answer is still readable
            }
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldServeHealthReadyAndMetricsOnBothPorts() throws Exception {
        assertThat(service.get("/health").statusCode()).isEqualTo(200);
        assertThat(service.get("/ready").statusCode()).isEqualTo(200);
        var metricsPort = new InProcessMetricsPort(service.app().metricsPort());
        assertThat(metricsPort.scrape()).contains("execution_webhook_requests_total");
        assertThat(metricsPort.status("/orders")).isEqualTo(404);
    }

    @Test
    void shouldExportEveryDocumentedMetricInAFormatPromtoolAccepts() throws Exception {
        service.webhook(market(""));
        service.webhook(alert("\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":NaN,\"x\":NaN"));
        String scrape = service.metrics();
        for (String name : List.of("execution_webhook_requests_total", "execution_webhook_duration_seconds_bucket",
                "execution_webhook_validation_failures_total", "execution_webhook_signature_failures_total",
                "execution_ip_whitelist_rejections_total", "execution_rate_limit_rejections_total",
                "execution_nan_replacements_total", "execution_orders_total", "execution_active_requests",
                "execution_circuit_breaker_state{exchange=\"paper\"}", "execution_exchange_api_duration_seconds_bucket",
                "execution_exchange_connections{exchange=\"paper\"}", "execution_order_queue_depth",
                "execution_store_view_backlog", "execution_rate_limit_backend", "jvm_memory_used_bytes", "process_cpu_usage",
                "execution_store_commit_duration_seconds_bucket{store=\"journal\",le=\"2.5E-4\"}",
                "execution_store_committed_changes_total{store=\"journal\"}")) {
            assertThat(scrape).as(name).contains(name);
        }
        // the accepted alert's record was one of the store's durable writes
        Matcher changes = Pattern.compile("(?m)^execution_store_committed_changes_total\\{store=\"journal\"} (\\S+)$")
                .matcher(scrape);
        assertThat(changes.find()).isTrue();
        assertThat(Double.parseDouble(changes.group(1))).isGreaterThanOrEqualTo(1);
        Matcher writes = Pattern.compile("(?m)^execution_store_commit_duration_seconds_count\\{store=\"journal\"} (\\S+)$")
                .matcher(scrape);
        assertThat(writes.find()).isTrue();
        assertThat(Double.parseDouble(writes.group(1))).isGreaterThanOrEqualTo(1);
        assertThat(scrape).contains("execution_webhook_duration_seconds_bucket{le=\"0.001\"}")
                .contains("execution_webhook_duration_seconds_bucket{le=\"5.0\"}");
        Path file = Files.createTempFile("scrape", ".prom");
        Files.writeString(file, scrape);
        Path promtool = ExternalCommand.require("promtool", "prometheus");
        // promtool reads the scrape from standard input
        var checked = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        String output = new String(checked.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(checked.waitFor()).as(output).isZero();
    }

    @Test
    void shouldHaltAndResumeTradingWithTheKillSwitchWhenTheTokenIsGiven() throws Exception {
        try (InProcessService guarded = InProcessService.start(Map.of("ADMIN_TOKEN", "admin-token-0123456789abc"))) {
            String auth = "Bearer admin-token-0123456789abc";
            assertThat(guarded.post("/admin/halt", "").statusCode()).isEqualTo(401);
            assertThat(guarded.get("/orders").statusCode()).isEqualTo(401);
            assertThat(guarded.get("/orders", "Authorization", "Bearer wrong-token-0123456789").statusCode()).isEqualTo(401);
            assertThat(guarded.post("/admin/halt", "", "Authorization", auth).statusCode()).isEqualTo(200);
            HttpResponse<String> halted = guarded.webhook(market(""));
            expect(halted, 503, "trading_halted");
            assertThat(json(guarded.get("/orders", "Authorization", auth)).path("count").asInt()).isZero();
            assertThat(guarded.post("/admin/resume", "", "Authorization", auth).statusCode()).isEqualTo(200);
            assertThat(guarded.webhook(market("")).statusCode()).isEqualTo(202);
            assertThat(json(guarded.get("/orders?limit=10", "Authorization", auth)).path("count").asInt()).isEqualTo(1);
        }
        assertThat(service.post("/admin/halt", "").statusCode()).as("no ADMIN_TOKEN: admin refused").isEqualTo(403);
    }

    @Test
    void shouldRefuseAddressesOutsideTheAllowList() throws Exception {
        try (InProcessService strict = InProcessService.start(Map.of("IP_WHITELIST", "52.89.214.238"))) {
            double before = metricValue(strict, "execution_ip_whitelist_rejections_total");
            expect(strict.webhook(market("")), 403, "ip_not_allowed");
            expect(strict.webhook(market(""), "X-Forwarded-For", "52.89.214.238"), 403, "ip_not_allowed");
            assertThat(metricValue(strict, "execution_ip_whitelist_rejections_total")).isEqualTo(before + 2);
        }
    }

    @Test
    void shouldRateLimitPerClientWithRetryAfter() throws Exception {
        try (InProcessService limited = InProcessService.start(Map.of("RATE_LIMIT_REQUESTS", "3",
                "RATE_LIMIT_WINDOW", "60"))) {
            for (int i = 0; i < 3; i++) {
                assertThat(limited.webhook(market("")).statusCode()).isEqualTo(202);
            }
            HttpResponse<String> refused = expect(limited.webhook(market("")), 429, "rate_limited");
            long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 60L);
            assertThat(metricValue(limited, "execution_rate_limit_rejections_total")).isEqualTo(1);
        }
    }

    @Test
    void shouldAnswer503WhenTheOrderQueueIsFull() throws Exception {
        try (InProcessService slow = InProcessService.start(Map.of("ORDER_QUEUE_CAPACITY", "1",
                "PAPER_LATENCY_MS", "1500"))) {
            assertThat(slow.webhook(market("")).statusCode()).isEqualTo(202);
            expect(slow.webhook(market("")), 503, "queue_full");
            assertThat(json(slow.get("/orders")).path("count").asInt()).isEqualTo(1);
        }
    }

    @Test
    void shouldListOrdersNewestFirstWithALimit() throws Exception {
        service.webhook(market(""));
        service.webhook(market(""));
        JsonNode listed = json(service.get("/orders?limit=2"));
        assertThat(listed.path("count").asInt()).isEqualTo(2);
        assertThat(Instant.parse(listed.path("orders").get(0).path("received_at").asText()))
                .isAfterOrEqualTo(Instant.parse(listed.path("orders").get(1).path("received_at").asText()));
        assertThat(service.get("/orders?limit=0").statusCode()).isEqualTo(400);
        assertThat(service.get("/orders/nope").statusCode()).isEqualTo(404);
    }

    @AfterAll
    void everyReasonCodeTheClientCanCauseWasSeen() {
        Set<RejectionReason> expected = EnumSet.allOf(RejectionReason.class);
        // Covered elsewhere: INCOMPLETE_BODY (hostile-input tests), NOT_READY (ServiceLifecycleTest),
        // STORE_UNAVAILABLE (store fault tests).
        expected.removeAll(EnumSet.of(RejectionReason.INCOMPLETE_BODY, RejectionReason.NOT_READY,
                RejectionReason.STORE_UNAVAILABLE));
        Set<RejectionReason> missing = new HashSet<>(expected);
        missing.removeAll(seen);
        assertThat(missing).as("reason codes no test here produced").isEmpty();
    }

    private int orderCount() throws IOException {
        return json(service.get("/orders?limit=1000")).path("count").asInt();
    }

    private long fillsFor(String orderId) throws Exception {
        PaperBook book = service.app().paperBook();
        return book.fills().stream().filter(f -> f.clientOrderId().equals("fks" + orderId)).count();
    }

    private double metricValue(String series) throws IOException {
        return metricValue(service, series);
    }

    static double metricValue(InProcessService s, String series) throws IOException {
        for (String line : s.metrics().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    /** The metrics-only port. */
    private record InProcessMetricsPort(int port) {
        String scrape() throws IOException {
            return fetch("/metrics").body();
        }

        int status(String path) throws IOException {
            return fetch(path).statusCode();
        }

        HttpResponse<String> fetch(String path) throws IOException {
            try {
                return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }
}
