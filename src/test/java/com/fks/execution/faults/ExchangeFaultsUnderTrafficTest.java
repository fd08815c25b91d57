package com.fks.execution.faults;

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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The exchange failing (5xx before and after accepting, answers lost), slow (hangs shorter and longer than the
 * 10 s request timeout) and rate limiting (429 with Retry-After, then 418 while banned) while alerts arrive at
 * 30 a second: the breaker opens and closes, and every 202 ends as exactly one order at the exchange (FILLED in
 * the service) or as a FAILED order with a reason and nothing at the exchange. Checked against the test
 * exchange's own record of orders by client order id, not only against the service's word.
 */
final class ExchangeFaultsUnderTrafficTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "test-api-key";
    private static final String SECRET = "test-api-secret-0123456789abcdef";
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final String BREAKER = "execution_circuit_breaker_state{exchange=\"binance\"} ";
    private static final Pattern BREAKER_VALUE = Pattern.compile(
            "^execution_circuit_breaker_state\\{exchange=\"binance\"} ([0-9.]+)$", Pattern.MULTILINE);
    private static final int RATE_PER_SECOND = 30;
    private static final Duration TRAFFIC = Duration.ofSeconds(10);

    private BinanceTestExchange binance;
    private InProcessService service;

    /** What the sender saw for one alert. */
    private record Sent(String alertId, int status, String reason, String orderId) {
    }

    @BeforeEach
    void startExchange() {
        binance = BinanceTestExchange.start(KEY, SECRET);
    }

    @AfterEach
    void stopAll() {
        if (service != null) {
            service.close();
        }
        binance.close();
    }

    private InProcessService startService(Map<String, String> extra) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("BINANCE_API_KEY", KEY, "BINANCE_API_SECRET", SECRET,
                "BINANCE_BASE_URL", binance.baseUrl(), "ADMIN_TOKEN", ADMIN, "RATE_LIMIT_REQUESTS", "1000000"));
        env.putAll(extra);
        service = InProcessService.start(env);
        return service;
    }

    private static String binanceAlert(String id, int n) {
        // 0.001 to 0.005 BTC at 30000: 30 to 150 USD, above Binance's 5 USD minimum notional.
        return "{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\"" + id + "\",\"exchange\":\"binance\","
                + "\"symbol\":\"BINANCE:BTCUSDT\",\"action\":\"" + (n % 3 == 0 ? "sell" : "buy") + "\",\"quantity\":0.00"
                + (1 + n % 5) + ",\"price\":30000,\"timestamp\":" + System.currentTimeMillis() + "}";
    }

    @Test
    void shouldPlaceEachAcceptedAlertOnceOrFailItUnsentWhileTheExchangeFailsStallsAndRateLimits() throws Exception {
        // given a breaker that opens after 5 failures and half-opens after 2 s, and orders that may wait 30 s
        startService(Map.of("CIRCUIT_BREAKER_THRESHOLD", "5", "CIRCUIT_BREAKER_TIMEOUT", "2",
                "ORDER_MAX_WAIT_SECONDS", "30"));
        assertThat(service.metrics()).contains(BREAKER + "0.0");
        List<Double> breakerStates = new ArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        // A half-open breaker lets one trial call through and closes (or opens) as soon as it returns, often
        // within a millisecond: too short to be seen on /metrics. So the first trial call after the breaker is
        // first seen open is made slow (answered after 1.5 s). Every fault queued before it is a failure, which
        // an open breaker lets through only as a trial call; so the slow answer goes to a trial call.
        Runnable onFirstOpen = () -> binance.faults().add(Faults.Target.ORDERS, new Faults.Hang(Duration.ofMillis(1_500)));
        Thread watcher = new Thread(() -> watchBreaker(breakerStates, watching, onFirstOpen), "breaker-watcher");
        watcher.start();

        // when 30 alerts a second arrive for 10 s while the exchange misbehaves on a schedule
        long started = System.nanoTime();
        CompletableFuture<List<Sent>> traffic = CompletableFuture.supplyAsync(this::sendTraffic);
        sleepUntil(started, 1_500);
        // slow: one answer after 11 s (past the 10 s request timeout: outcome unknown, the order was accepted),
        // three after 1.5 s (slow but answered)
        binance.faults().add(Faults.Target.PLACE, new Faults.Hang(Duration.ofSeconds(11)));
        binance.faults().add(Faults.Target.PLACE, new Faults.Hang(Duration.ofMillis(1_500)), 3);
        sleepUntil(started, 3_000);
        // failing: 5xx before and after accepting, Binance's -1006 "execution status unknown", answers lost
        // after accepting, and lookups failing too; more than the threshold in a row opens the breaker
        binance.faults().add(Faults.Target.PLACE, new Faults.ServerError(503, true, null, null), 3);
        binance.faults().add(Faults.Target.PLACE, new Faults.ServerError(500, false, null, null), 3);
        binance.faults().add(Faults.Target.PLACE, new Faults.ServerError(500, true, "-1006",
                "An unexpected response was received from the message bus. Execution status unknown."), 2);
        binance.faults().add(Faults.Target.PLACE, new Faults.DropAfterAccept(), 2);
        binance.faults().add(Faults.Target.LOOKUP, new Faults.ServerError(502, false, null, null), 3);
        sleepUntil(started, 6_500);
        // rate limited: 429 with Retry-After 2 s, then 418 to anything that comes during those 2 s
        binance.faults().add(Faults.Target.PLACE, new Faults.RateLimit(Duration.ofSeconds(2)));
        List<Sent> sent = traffic.get(60, TimeUnit.SECONDS);
        long trafficMillis = (System.nanoTime() - started) / 1_000_000;

        // then every alert was accepted: the exchange's trouble never reaches intake
        assertThat(sent).hasSizeGreaterThanOrEqualTo(RATE_PER_SECOND * 9);
        assertThat(sent).allSatisfy(s -> assertThat(s.status()).as(s.toString()).isEqualTo(202));

        // and every order reaches a final state
        Map<String, JsonNode> byOrderId = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            byOrderId.clear();
            for (JsonNode order : orders()) {
                byOrderId.put(order.path("order_id").asText(), order);
            }
            assertThat(byOrderId).hasSize(sent.size());
            assertThat(byOrderId.values()).allSatisfy(o -> assertThat(o.path("status").asText()).as(o.toString())
                    .isIn("FILLED", "FAILED"));
        });
        assertThat(binance.faults().pending()).as("every injected fault was met").isZero();
        // and the breaker has closed again
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> service.metrics().contains(BREAKER + "0.0"));
        watching.set(false);
        watcher.join();

        // then each 202 is exactly one order at the exchange, or FAILED with a reason and none there
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        for (Sent s : sent) {
            JsonNode order = byOrderId.get(s.orderId());
            assertThat(order).as("order of 202 " + s).isNotNull();
            assertThat(order.path("alert_id").asText()).isEqualTo(s.alertId());
            String clientOrderId = "fks" + s.orderId();
            assertThat(order.path("client_order_id").asText()).isEqualTo(clientOrderId);
            List<BinanceTestExchange.Order> atExchange = binance.ordersWithClientOrderId(clientOrderId);
            String status = order.path("status").asText();
            if (status.equals("FILLED")) {
                assertThat(atExchange).as("exchange orders of FILLED " + order).hasSize(1);
                assertThat(atExchange.get(0).status()).isEqualTo("FILLED");
                assertThat(atExchange.get(0).quantity()).isEqualByComparingTo(order.path("quantity").asText());
                assertThat(order.path("exchange_order_id").asText())
                        .isEqualTo(String.valueOf(atExchange.get(0).orderId()));
            } else {
                assertThat(order.path("reason").asText()).as("reason of " + order).isNotBlank();
                assertThat(atExchange).as("exchange orders of FAILED " + order).isEmpty();
            }
            outcomes.merge(status + (status.equals("FAILED") ? " " + order.path("reason").asText() : ""), 1,
                    Integer::sum);
        }
        // and most orders were placed: a run where the exchange's trouble failed every order unsent would pass the
        // checks above. With a 30 s maximum wait and breaker cycles of 2 s, none needs to fail; 90 % leaves room
        // for a loaded machine.
        int filled = outcomes.getOrDefault("FILLED", 0);
        assertThat(filled).as("FILLED orders; outcomes " + outcomes).isGreaterThanOrEqualTo(sent.size() * 9 / 10);
        // and the exchange holds nothing that no 202 announced
        assertThat(binance.orderCount()).isEqualTo(filled);
        for (String clientOrderId : binance.orders().keySet()) {
            assertThat(byOrderId).containsKey(clientOrderId.substring("fks".length()));
        }

        // and the breaker was seen open, then half-open, then closed
        List<Double> states;
        synchronized (breakerStates) {
            states = List.copyOf(breakerStates);
        }
        int firstOpen = states.indexOf(1.0);
        assertThat(firstOpen).as("breaker states seen: " + compress(states)).isNotNegative();
        List<Double> afterOpen = states.subList(firstOpen, states.size());
        assertThat(afterOpen).as(compress(states)).contains(2.0);
        assertThat(afterOpen.subList(afterOpen.indexOf(2.0), afterOpen.size())).as(compress(states)).contains(0.0);
        assertThat(states.get(states.size() - 1)).isEqualTo(0.0);

        long retried = byOrderId.values().stream().filter(o -> o.path("attempts").asInt() > 1).count();
        System.out.printf("exchange faults: %d alerts in %d ms, all 202; outcomes %s; %d orders with more than one attempt"
                        + " (retries); %d exchange orders; %d requests"
                        + " during the ban; breaker states %s%n", sent.size(), trafficMillis, outcomes, retried,
                binance.orderCount(), binance.requestsDuringBan(), compress(states));
    }

    @Test
    void shouldLookAnOrderUpBeforeGivingUpOnItWhenItsSendTimedOutPastTheMaximumWait() throws Exception {
        // given orders that may wait only 3 s, and an exchange that answers the first send 500 (nothing done) and
        // accepts the second but answers it after 11 s
        startService(Map.of("ORDER_MAX_WAIT_SECONDS", "3"));
        binance.faults().add(Faults.Target.PLACE, new Faults.ServerError(500, false, null, null));
        binance.faults().add(Faults.Target.PLACE, new Faults.Hang(Duration.ofSeconds(11)));

        // when one alert is accepted, its first send fails, the lookup finds nothing, and the second send times
        // out (10 s) after the maximum wait has passed
        HttpResponse<String> accepted = service.webhook(binanceAlert(Alerts.uniqueId(), 1));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String orderId = JSON.readTree(accepted.body()).path("order_id").asText();
        JsonNode order = await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(200))
                .until(() -> JSON.readTree(service.get("/orders/" + orderId, "Authorization", "Bearer " + ADMIN)
                        .body()), o -> o.path("status").asText().matches("FILLED|FAILED|REJECTED"));

        // then the service asked the exchange before giving up, and reports what the exchange holds
        assertThat(binance.ordersWithClientOrderId("fks" + orderId)).hasSize(1);
        assertThat(order.path("status").asText()).as(order.toString()).isEqualTo("FILLED");
        assertThat(binance.requestCount("POST", "/api/v3/order")).as("sends").isEqualTo(2);
    }

    /** Sends RATE_PER_SECOND alerts a second for TRAFFIC from a pool of senders, on a fixed schedule. */
    private List<Sent> sendTraffic() {
        ExecutorService senders = Executors.newFixedThreadPool(8);
        HttpClient http = HttpClient.newBuilder().executor(senders).connectTimeout(Duration.ofSeconds(2)).build();
        ConcurrentLinkedQueue<Sent> results = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        URI url = URI.create(service.baseUrl() + "/webhook/tradingview");
        long start = System.nanoTime();
        long total = RATE_PER_SECOND * TRAFFIC.toSeconds();
        try {
            for (int n = 0; n < total; n++) {
                sleepUntil(start, n * 1000L / RATE_PER_SECOND);
                String id = Alerts.uniqueId();
                HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(binanceAlert(id, n), StandardCharsets.UTF_8)).build();
                pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .handle((response, error) -> {
                            results.add(toSent(id, response, error));
                            return null;
                        }));
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        } finally {
            senders.shutdown();
        }
        return List.copyOf(results);
    }

    private static Sent toSent(String alertId, HttpResponse<String> response, Throwable error) {
        if (error != null) {
            return new Sent(alertId, 0, error.toString(), null);
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            return new Sent(alertId, response.statusCode(), body.path("reason").asText(null),
                    body.path("order_id").asText(null));
        } catch (IOException e) {
            return new Sent(alertId, response.statusCode(), "unreadable body", null);
        }
    }

    private void watchBreaker(List<Double> states, AtomicBoolean watching, Runnable onFirstOpen) {
        boolean seenOpen = false;
        while (watching.get()) {
            try {
                Matcher m = BREAKER_VALUE.matcher(service.metrics());
                if (m.find()) {
                    double state = Double.parseDouble(m.group(1));
                    if (state == 1.0 && !seenOpen) {
                        seenOpen = true;
                        onFirstOpen.run();
                    }
                    synchronized (states) {
                        states.add(state);
                    }
                }
                Thread.sleep(50);
            } catch (IOException e) {
                // a missed sample; the next one counts
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private JsonNode orders() throws IOException {
        HttpResponse<String> response = service.get("/orders?limit=1000", "Authorization", "Bearer " + ADMIN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("orders");
    }

    /** 0,0,0,1,1,2,0 → [0x3, 1x2, 2, 0]: the breaker's path without the repeats. */
    private static String compress(List<Double> states) {
        List<String> runs = new ArrayList<>();
        int i = 0;
        while (i < states.size()) {
            int j = i;
            while (j < states.size() && states.get(j).equals(states.get(i))) {
                j++;
            }
            runs.add(states.get(i).intValue() + (j - i > 1 ? "x" + (j - i) : ""));
            i = j;
        }
        return runs.toString();
    }

    private static void sleepUntil(long startNanos, long offsetMillis) {
        long wait = offsetMillis - (System.nanoTime() - startNanos) / 1_000_000;
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
