package com.fks.execution.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testexchange.BinanceTestExchange;
import com.fks.execution.testexchange.Faults;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The order-placement SLI, execution_order_ack_delay_seconds{exchange}: one observation per order the exchange
 * took (filled at once, or resting), measured from the alert's arrival, so time spent waiting out the exchange
 * counts; none for a rejected order, none again when a resting order fills.
 */
final class OrderAckDelayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "test-api-key";
    private static final String SECRET = "test-api-secret-0123456789abcdef";
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final String SERIES = "execution_order_ack_delay_seconds";

    private BinanceTestExchange binance;
    private InProcessService service;

    @BeforeEach
    void start() throws IOException {
        binance = BinanceTestExchange.start(KEY, SECRET);
        service = InProcessService.start(Map.of("BINANCE_API_KEY", KEY, "BINANCE_API_SECRET", SECRET,
                "BINANCE_BASE_URL", binance.baseUrl(), "ADMIN_TOKEN", ADMIN));
    }

    @AfterEach
    void stop() {
        service.close();
        binance.close();
    }

    private static String alert(String orderType) {
        return "{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\"" + Alerts.uniqueId() + "\",\"exchange\":\"binance\","
                + "\"symbol\":\"BINANCE:BTCUSDT\",\"action\":\"buy\",\"order_type\":\"" + orderType + "\","
                + "\"quantity\":0.001,\"price\":29000}";
    }

    private String accept(String body) throws IOException {
        HttpResponse<String> response = service.webhook(body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("order_id").asText();
    }

    private JsonNode awaitStatus(String orderId, String status, Duration within) {
        return await().atMost(within).pollInterval(Duration.ofMillis(100)).until(
                () -> JSON.readTree(service.get("/orders/" + orderId, "Authorization", "Bearer " + ADMIN).body()),
                o -> o.path("status").asText().equals(status));
    }

    /** A sample of the histogram, e.g. {@code _count} or {@code _bucket} with {@code le}; -1 when absent. */
    private double sample(String suffix, String exchange, String le) throws IOException {
        String labels = "exchange=\"" + exchange + "\"" + (le == null ? "" : ",le=\"" + le + "\"");
        Matcher m = Pattern.compile("(?m)^" + SERIES + suffix + "\\{" + Pattern.quote(labels) + "} (\\S+)$")
                .matcher(service.metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private void awaitCount(int count) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(sample("_count", "binance", null)).isEqualTo(count));
    }

    @Test
    void shouldObserveEachOrderOnceFromItsAlertToTheExchangesAcknowledgement() throws Exception {
        assertThat(sample("_count", "binance", null)).as("registered at zero at start").isZero();
        assertThat(sample("_count", "paper", null)).isZero();

        String filledAtOnce = accept(alert("market"));
        awaitStatus(filledAtOnce, "FILLED", Duration.ofSeconds(15));
        String resting = accept(alert("limit"));
        awaitStatus(resting, "SUBMITTED", Duration.ofSeconds(15));
        // observed by the engine once the store has the step, which /orders can show a moment before
        awaitCount(2);

        binance.fill("fks" + resting);
        awaitStatus(resting, "FILLED", Duration.ofSeconds(20));
        binance.faults().add(Faults.Target.PLACE, new Faults.Reject("-2010", "Account has insufficient balance.", null));
        awaitStatus(accept(alert("market")), "REJECTED", Duration.ofSeconds(15));
        assertThat(sample("_count", "binance", null)).as("not again for the fill, not for the rejection").isEqualTo(2);

        // The exchange asks for 3 s of quiet before the send goes through: the delay runs from the alert.
        binance.faults().add(Faults.Target.PLACE, new Faults.RateLimit(Duration.ofSeconds(3)));
        String waited = accept(alert("market"));
        awaitStatus(waited, "FILLED", Duration.ofSeconds(20));

        awaitCount(3);
        assertThat(sample("_bucket", "binance", "2.5")).as("the two acknowledged at once").isEqualTo(2);
        assertThat(sample("_bucket", "binance", "+Inf")).isEqualTo(3);
        assertThat(sample("_sum", "binance", null)).as("includes the 3 s Retry-After").isGreaterThanOrEqualTo(2.9);
        assertThat(sample("_count", "paper", null)).isZero();
    }
}
