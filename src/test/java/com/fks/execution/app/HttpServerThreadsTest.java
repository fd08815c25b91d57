package com.fks.execution.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testsupport.InProcessService;
import io.javalin.Javalin;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The main port's thread pool: its bound (docs/architecture.md, "Threads") and what it still serves when busy. */
final class HttpServerThreadsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void shouldBoundTheMainPoolAndLeaveOutJavalinsStatisticsHandler() throws Exception {
        // given: /health needs none of the API's parts
        Javalin app = new HttpApi(null, null, null, null, null, null, new ObjectMapper()).mainServer("127.0.0.1", 0);
        try {
            app.start();

            // when
            Server server = app.jettyServer().server();
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/health")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());

            // then
            assertThat(server.getThreadPool()).isInstanceOfSatisfying(QueuedThreadPool.class,
                    pool -> assertThat(pool.getMaxThreads()).isEqualTo(64));
            assertThat(server.getDescendant(StatisticsHandler.class)).isNull();
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
        } finally {
            app.stop();
        }
    }

    /**
     * Webhooks whose bodies stall each hold a thread (until the 10 s idle timeout). Forty of them, more than the
     * closed-loop benchmark keeps in flight, still leave threads for the probes.
     */
    @Test
    void shouldAnswerTheProbesWhileFortyWebhooksHoldTheirThreads() throws Exception {
        try (InProcessService service = InProcessService.start(Map.of("RATE_LIMIT_REQUESTS", "100000"))) {
            List<Socket> stalled = new ArrayList<>();
            try {
                // given
                for (int i = 0; i < 40; i++) {
                    Socket socket = new Socket("127.0.0.1", service.app().httpPort());
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /webhook/tradingview HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 500\r\n\r\n{\"secret\":").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    stalled.add(socket);
                }
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                        activeRequests(service) >= 40);

                // when
                // A starved probe would wait for a stalled body's 10 s idle timeout to free a thread.
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());

                // then
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(ready.statusCode()).isEqualTo(200);
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }

    private static double activeRequests(InProcessService service) throws IOException {
        for (String line : service.metrics().split("\n")) {
            if (line.startsWith("execution_active_requests ")) {
                return Double.parseDouble(line.substring("execution_active_requests ".length()));
            }
        }
        return 0;
    }
}
