package com.fks.execution.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testexchange.BinanceTestExchange;
import com.fks.execution.testexchange.Faults;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.BinanceBackedServices;
import com.fks.execution.testsupport.InProcessService;
import com.fks.execution.testsupport.ServiceProcess;
import com.fks.execution.testsupport.Tmpfs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every order holds one slot of the queue (ORDER_QUEUE_CAPACITY) from its webhook until it leaves the engine's
 * hands, and every way out gives the slot back: a fill, a duplicate, a rejection, a store failure. Each test runs
 * three times the capacity of orders through one way out, a capacity's worth at a time, so a single slot kept
 * shows as a 503 queue_full before the end, and then checks that the queue depth is back to 0.
 */
final class QueueSlotTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = BinanceBackedServices.ADMIN;
    private static final int CAPACITY = 5;
    private static final int WAVES = 3;
    private static final String DEPTH = "execution_order_queue_depth ";

    @TempDir
    Path tmp;

    @RegisterExtension
    final BinanceBackedServices venue = new BinanceBackedServices(Map.of("ORDER_QUEUE_CAPACITY", String.valueOf(CAPACITY), "RATE_LIMIT_REQUESTS", "1000000"));
    private BinanceTestExchange binance;

    @BeforeEach
    void exchange() {
        binance = venue.exchange();
    }

    private InProcessService service(Map<String, String> extra) throws IOException {
        return venue.service(extra);
    }

    private static String alert(String id, String quantity) {
        return "{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\"" + id + "\",\"exchange\":\"binance\","
                + "\"symbol\":\"BINANCE:BTCUSDT\",\"action\":\"buy\",\"quantity\":" + quantity + ",\"price\":30000}";
    }

    private static HttpResponse<String> send(InProcessService service, String body) throws IOException {
        return service.webhook(body);
    }

    private static String accept(InProcessService service, String body) throws IOException {
        HttpResponse<String> response = send(service, body);
        assertThat(response.statusCode()).as("a slot is free: " + response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("order_id").asText();
    }

    private static String status(InProcessService service, String orderId) throws IOException {
        return JSON.readTree(service.get("/orders/" + orderId, "Authorization", "Bearer " + ADMIN).body())
                .path("status").asText();
    }

    private static void awaitAll(InProcessService service, List<String> orderIds, String status) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (String id : orderIds) {
                assertThat(status(service, id)).as(id).isEqualTo(status);
            }
        });
    }

    private static void assertQueueEmpty(InProcessService service) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> service.metrics().contains(DEPTH + "0.0"));
    }

    @Test
    void shouldGiveTheSlotBackWhenAnOrderIsFilled() throws Exception {
        InProcessService service = service(Map.of());
        for (int wave = 0; wave < WAVES; wave++) {
            List<String> orders = new ArrayList<>();
            for (int i = 0; i < CAPACITY; i++) {
                orders.add(accept(service, alert(Alerts.uniqueId(), "0.001")));
            }
            awaitAll(service, orders, "FILLED");
        }
        assertQueueEmpty(service);
        assertThat(binance.orderCount()).isEqualTo(CAPACITY * WAVES);
    }

    @Test
    void shouldGiveTheSlotBackWhenAnAlertIsADuplicate() throws Exception {
        InProcessService service = service(Map.of());
        String id = Alerts.uniqueId();
        String first = accept(service, alert(id, "0.001"));
        awaitAll(service, List.of(first), "FILLED");
        for (int i = 0; i < CAPACITY * WAVES; i++) {
            HttpResponse<String> duplicate = send(service, alert(id, "0.001"));
            assertThat(duplicate.statusCode()).as(duplicate.body()).isEqualTo(200);
            assertThat(JSON.readTree(duplicate.body()).path("order_id").asText()).isEqualTo(first);
        }
        List<String> after = new ArrayList<>();
        for (int i = 0; i < CAPACITY; i++) {
            after.add(accept(service, alert(Alerts.uniqueId(), "0.001")));
        }
        awaitAll(service, after, "FILLED");
        assertQueueEmpty(service);
    }

    @Test
    void shouldGiveTheSlotBackWhenAnOrderIsRejected() throws Exception {
        binance.faults().add(Faults.Target.PLACE, new Faults.Reject("-2010",
                "Account has insufficient balance for requested action.", null), CAPACITY * WAVES);
        InProcessService service = service(Map.of());
        for (int wave = 0; wave < WAVES; wave++) {
            List<String> orders = new ArrayList<>();
            for (int i = 0; i < CAPACITY; i++) {
                orders.add(accept(service, alert(Alerts.uniqueId(), "0.001")));
            }
            awaitAll(service, orders, "REJECTED");
        }
        // Refused by the adapter itself (below the minimum notional), never sent.
        for (int wave = 0; wave < WAVES; wave++) {
            List<String> orders = new ArrayList<>();
            for (int i = 0; i < CAPACITY; i++) {
                orders.add(accept(service, alert(Alerts.uniqueId(), "0.0001")));
            }
            awaitAll(service, orders, "REJECTED");
        }
        assertQueueEmpty(service);
        assertThat(binance.orderCount()).isZero();
    }

    @Test
    void shouldGiveTheSlotBackWhenTheStoreFails() throws Exception {
        Tmpfs tmpfs = Tmpfs.mount(tmp, "4m", "QueueSlotTest");
        Path disk = tmpfs.root();
        Path filler = disk.resolve("filler");
        try {
            // A larger queue here: the journal can still take records into a block its file already has, and
            // each alert it takes holds a slot until the disk has room; the queue must outlast that block so the
            // store itself refuses some (a leaked slot then shows as a depth that never returns to 0).
            // (the paper book shares the full disk, so its breaker may open; it tries again after 2 s, not 60)
            InProcessService service = service(Map.of("DATA_DIR", disk.resolve("data").toString(),
                    "ORDER_QUEUE_CAPACITY", "100", "CIRCUIT_BREAKER_TIMEOUT", "2"));
            List<String> before = new ArrayList<>();
            for (int i = 0; i < CAPACITY - 1; i++) {
                before.add(accept(service, alert(Alerts.uniqueId(), "0.001")));
            }
            awaitAll(service, before, "FILLED");

            Tmpfs.fill(filler);
            int refused = 0;
            List<String> acceptedOnTheFullDisk = new ArrayList<>();
            for (int i = 0; i < 80 && refused < CAPACITY * WAVES; i++) {
                HttpResponse<String> response = send(service, alert(Alerts.uniqueId(), "0.001"));
                if (response.statusCode() == 202) {
                    acceptedOnTheFullDisk.add(JSON.readTree(response.body()).path("order_id").asText());
                    continue;
                }
                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                if ("store_unavailable".equals(JSON.readTree(response.body()).path("reason").asText())) {
                    refused++;
                }
            }
            assertThat(refused).as("refused by the store itself, after taking a slot").isPositive();
            Files.delete(filler);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                    .until(() -> service.get("/ready").statusCode() == 200);
            awaitAll(service, acceptedOnTheFullDisk, "FILLED");

            for (int wave = 0; wave < WAVES; wave++) {
                List<String> orders = new ArrayList<>();
                for (int i = 0; i < CAPACITY; i++) {
                    orders.add(accept(service, alert(Alerts.uniqueId(), "0.001")));
                }
                awaitAll(service, orders, "FILLED");
            }
            assertQueueEmpty(service);
        } finally {
            venue.closeServices();
            tmpfs.close();
        }
    }

}
