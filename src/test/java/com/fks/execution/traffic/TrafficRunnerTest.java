package com.fks.execution.traffic;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The generator's timing, against a stand-in server whose speed the test controls. */
final class TrafficRunnerTest {
    private HttpServer server;
    private final AtomicInteger received = new AtomicInteger();

    private String serve(long delayMillis) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/webhook/tradingview", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.incrementAndGet();
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"status\":\"accepted\",\"order_id\":\"o1\",\"alert_id\":\"a\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(202, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhook/tradingview";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void shouldSendRateTimesDurationAlertsInOpenLoop() throws Exception {
        // given a fast server
        String url = serve(0);

        // when 50 alerts/s are due for 2 s
        ServiceRecords.TrafficRun run = ServiceRecords.traffic("--url", url, "--secret", "traffic-runner-test-secret",
                "--rate", "50/s", "--duration", "2s", "--concurrent", "4", "--json");

        // then alerts 0..99 were due inside the window, and the run took about as long as the window
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.json().get("sent").asLong()).isEqualTo(100);
        assertThat(received.get()).isEqualTo(100);
        assertThat(run.json().get("seconds").asDouble()).isBetween(1.9, 10.0);
    }

    @Test
    void shouldMeasureOpenLoopLatencyFromTheDueTimeSoQueueingShows() throws Exception {
        // given a server that takes 200 ms per request, and one request in flight at a time
        String url = serve(200);

        // when 20 alerts are due over one second (one every 50 ms: four times what the server can take)
        ServiceRecords.TrafficRun run = ServiceRecords.traffic("--url", url, "--secret", "traffic-runner-test-secret",
                "--rate", "20", "--webhooks", "20", "--concurrent", "1", "--json");

        // then the last alert, due at 0.95 s, was answered near 4 s: a closed-loop clock would say 200 ms
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.json().at("/latency_ms/max").asDouble()).isGreaterThan(2_500);
        assertThat(run.json().at("/latency_ms/p50").asDouble()).isGreaterThan(1_000);
    }

    @Test
    void shouldMeasureClosedLoopLatencyFromTheSend() throws Exception {
        // given the same slow server
        String url = serve(200);

        // when one worker sends 5 alerts back to back
        ServiceRecords.TrafficRun run = ServiceRecords.traffic("--url", url, "--secret", "traffic-runner-test-secret",
                "--webhooks", "5", "--concurrent", "1", "--json");

        // then each waited only for its own answer
        assertThat(run.json().at("/latency_ms/p50").asDouble()).isBetween(190.0, 1_000.0);
        assertThat(run.json().at("/responses/202/accepted").asLong()).isEqualTo(5);
    }

    @Test
    void shouldWriteEachAlertsWallClockDueTimeToTheOutFile(@TempDir Path tmp) throws Exception {
        // given a fast server
        String url = serve(0);
        Path out = tmp.resolve("out.tsv");
        Instant before = Instant.now();

        // when 50 alerts/s are due for 1 s, with an --out file
        ServiceRecords.TrafficRun run = ServiceRecords.traffic("--url", url, "--secret", "traffic-runner-test-secret",
                "--rate", "50/s", "--duration", "1s", "--concurrent", "4", "--out", out.toString());
        Instant after = Instant.now();

        // then every line carries its due time on the wall clock, inside the run, one 20 ms step per alert
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(lines.get(0).split("\t")).endsWith("due_at");
        Map<Long, Instant> dueBySeq = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            assertThat(f).as(line).hasSize(7);
            String alertId = f[0];
            dueBySeq.put(Long.parseLong(alertId.substring(alertId.lastIndexOf('-') + 1)), Instant.parse(f[6]));
        }
        assertThat(dueBySeq).hasSize(50);
        Instant first = dueBySeq.get(0L);
        assertThat(first).isBetween(before, after);
        dueBySeq.forEach((seq, due) -> assertThat(Duration.between(first, due).toNanos() / 1_000)
                .as("alert %d", seq).isCloseTo(seq * 20_000, within(1L)));
    }
}
