package com.fks.execution.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testexchange.BinanceTestExchange;
import com.fks.execution.testexchange.Faults;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.BinanceBackedServices;
import com.fks.execution.testsupport.InProcessService;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reasons an order is given up for, each reached through the engine over Binance's protocol: credentials the
 * exchange refuses, an exchange that refuses every call until the maximum wait, one that keeps asking us to back
 * off, and an order the exchange never got before the maximum wait ran out.
 */
final class FinalReasonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = BinanceBackedServices.ADMIN;

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

    private static String alert() {
        return "{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\"" + Alerts.uniqueId() + "\",\"exchange\":\"binance\","
                + "\"symbol\":\"BINANCE:BTCUSDT\",\"action\":\"buy\",\"quantity\":0.001,\"price\":30000}";
    }

    private static String accept(InProcessService service) throws IOException {
        HttpResponse<String> response = service.webhook(alert());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("order_id").asText();
    }

    private static JsonNode awaitFinal(InProcessService service, String orderId) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> JSON.readTree(service.get("/orders/" + orderId, "Authorization", "Bearer " + ADMIN).body()),
                        o -> !List.of("ACCEPTED", "SUBMITTING", "SUBMITTED").contains(o.path("status").asText()));
    }

    private static void assertFailed(InProcessService service, JsonNode order, String reason) throws IOException {
        assertThat(order.path("status").asText()).as(order.toString()).isEqualTo("FAILED");
        assertThat(order.path("reason").asText()).as(order.toString()).isEqualTo(reason);
        assertThat(service.metrics())
                .contains("execution_orders_total{exchange=\"binance\",kind=\"entry\",side=\"buy\",status=\"failed\"} 1.0");
    }

    @Test
    void shouldFailAnOrderWhoseCredentialsTheExchangeRefuses() throws Exception {
        InProcessService service = service(Map.of("BINANCE_API_KEY", "a-key-binance-does-not-know"));
        String orderId = accept(service);

        JsonNode order = awaitFinal(service, orderId);

        assertFailed(service, order, "exchange_authentication_failed");
        assertThat(order.path("detail").asText()).contains("-2015");
        assertThat(order.path("attempts").asInt()).as("not retried: only an operator can fix credentials").isEqualTo(1);
        assertThat(binance.rejectedAuthCount()).isEqualTo(1);
        assertThat(binance.orderCount()).isZero();
    }

    @Test
    void shouldFailAnOrderAsExchangeUnavailableWhenEveryCallIsRefusedUntilTheMaximumWait() throws Exception {
        // 403: Binance's firewall refused the request before the API saw it, so nothing was placed.
        binance.faults().add(Faults.Target.PLACE, new Faults.ServerError(403, false, null, null), 1000);
        binance.faults().add(Faults.Target.LOOKUP, new Faults.ServerError(403, false, null, null), 1000);
        InProcessService service = service(Map.of("ORDER_MAX_WAIT_SECONDS", "2", "CIRCUIT_BREAKER_THRESHOLD", "10000"));
        String orderId = accept(service);

        JsonNode order = awaitFinal(service, orderId);

        assertFailed(service, order, "exchange_unavailable");
        assertThat(order.path("history").toString()).contains("http_403");
        assertThat(binance.orderCount()).isZero();
    }

    @Test
    void shouldFailAnOrderAsRateLimitedWhenTheExchangeStillAsksUsToBackOffAfterTheMaximumWait() throws Exception {
        binance.faults().add(Faults.Target.PLACE, new Faults.RateLimit(Duration.ofSeconds(3)));
        binance.faults().add(Faults.Target.LOOKUP, new Faults.RateLimit(Duration.ofSeconds(1)));
        InProcessService service = service(Map.of("ORDER_MAX_WAIT_SECONDS", "2"));
        String orderId = accept(service);

        JsonNode order = awaitFinal(service, orderId);

        assertFailed(service, order, "exchange_rate_limited");
        assertThat(binance.orderCount()).isZero();
        assertThat(binance.requestsDuringBan()).as("calls made while told to back off").isZero();
    }

    @Test
    void shouldFailAnOrderAsExpiredWhenTheExchangeNeverGotItBeforeTheMaximumWait() throws Exception {
        // The exchange asks for 3 s of quiet; after them the order is older than the 2 s maximum wait. The lookup
        // shows the exchange never had it, so it is not sent: a stale alert is not traded.
        binance.faults().add(Faults.Target.PLACE, new Faults.RateLimit(Duration.ofSeconds(3)));
        InProcessService service = service(Map.of("ORDER_MAX_WAIT_SECONDS", "2"));
        String orderId = accept(service);

        JsonNode order = awaitFinal(service, orderId);

        assertFailed(service, order, "expired");
        assertThat(order.path("detail").asText()).contains("ORDER_MAX_WAIT_SECONDS");
        assertThat(binance.requestCount("GET", "/api/v3/order")).as("looked up before giving up").isPositive();
        assertThat(binance.orderCount()).isZero();
    }
}
