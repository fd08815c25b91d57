package com.fks.execution.testexchange;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Common machinery of the local test exchanges: a JDK HttpServer on an ephemeral loopback port, request
 * counters, the 429-then-418 ban, and the fault switches of {@link Faults}. Each request runs on its own thread,
 * so a hanging answer does not hold up the next request.
 */
public abstract class TestExchangeServer implements AutoCloseable {
    static {
        // The JDK server sends without TCP_NODELAY unless told: its answer's second segment then waits for the
        // client's delayed ACK, 40 ms on Linux, on each call until the server's code is compiled (measured: a
        // place call's p50 44 ms for the first ten seconds, 1.6 ms with it). An exchange answers without that
        // wait. Read once, when the first server of the JVM starts; the pom sets it too for the test JVMs.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** What a handler answers. */
    protected record Response(int status, String body, Map<String, String> headers) {
        protected Response(int status, String body) {
            this(status, body, Map.of());
        }
    }

    /** The work of one request; returns the answer to send unless a fault replaces it. */
    @FunctionalInterface
    protected interface Work {
        Response run() throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Faults faults = new Faults();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger rejectedAuth = new AtomicInteger();
    private final AtomicInteger requestsDuringBan = new AtomicInteger();
    private final Map<String, AtomicInteger> requestsByRoute = new ConcurrentHashMap<>();
    protected final Clock clock;
    private volatile Instant bannedUntil = Instant.MIN;

    protected TestExchangeServer(Clock clock) {
        this.clock = clock;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback port", e);
        }
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, getClass().getSimpleName() + "-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    /** http://127.0.0.1:port, to give an adapter as its base URL. */
    public String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** The fault switches: {@code exchange.faults().add(Target.PLACE, new DropAfterAccept())}. */
    public Faults faults() {
        return faults;
    }

    /** Every request received, whatever became of it. */
    public int requestCount() {
        return requests.get();
    }

    /** Requests received for one method and path, e.g. {@code requestCount("POST", "/api/v3/order")}. */
    public int requestCount(String method, String path) {
        AtomicInteger count = requestsByRoute.get(method + " " + path);
        return count == null ? 0 : count.get();
    }

    /** Requests refused for their credentials (bad or missing key, signature or JWT). */
    public int rejectedAuthCount() {
        return rejectedAuth.get();
    }

    /** Requests that arrived while the client had been told to back off (each answered 418). */
    public int requestsDuringBan() {
        return requestsDuringBan.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    protected abstract Response route(HttpExchange exchange, String method, String path, String query, String body)
            throws IOException;

    /** The exchange's answer to a request that arrives during a ban (418, Retry-After = the time left). */
    protected abstract Response banned(Duration left);

    /** The exchange's 429 answer. */
    protected abstract Response rateLimited(Duration retryAfter);

    /** The exchange's answer for an injected rejection on this request kind. */
    protected abstract Response rejection(Faults.Target kind, Faults.Reject reject);

    /** The exchange's body for an injected server error. */
    protected abstract Response serverError(Faults.ServerError error);

    protected final void countRejectedAuth() {
        rejectedAuth.incrementAndGet();
    }

    /**
     * Runs {@code work} under the next fault queued for {@code kind}: refusals and early errors replace it; the
     * others let it run (a new order is accepted) and then spoil or delay the answer.
     */
    protected final Response withFaults(HttpExchange exchange, Faults.Target kind, Work work) throws IOException {
        Optional<Faults.Fault> next = faults.take(kind);
        if (next.isEmpty()) {
            return work.run();
        }
        Faults.Fault fault = next.get();
        if (fault instanceof Faults.RateLimit limit) {
            bannedUntil = clock.instant().plus(limit.retryAfter());
            return rateLimited(limit.retryAfter());
        }
        if (fault instanceof Faults.Reject reject) {
            return rejection(kind, reject);
        }
        if (fault instanceof Faults.ServerError error && !error.acceptFirst()) {
            return serverError(error);
        }
        Response answer = work.run();
        if (fault instanceof Faults.ServerError error) {
            return serverError(error);
        }
        if (fault instanceof Faults.DropAfterAccept) {
            return null;
        }
        if (fault instanceof Faults.Hang hang) {
            try {
                Thread.sleep(hang.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return answer;
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.incrementAndGet();
            requestsByRoute.computeIfAbsent(method + " " + path, k -> new AtomicInteger()).incrementAndGet();

            Response response;
            Instant now = clock.instant();
            if (now.isBefore(bannedUntil)) {
                requestsDuringBan.incrementAndGet();
                response = banned(Duration.between(now, bannedUntil));
            } else {
                try {
                    response = route(exchange, method, path, query == null ? "" : query, body);
                } catch (RuntimeException e) {
                    response = new Response(500, "{\"error\":\"test exchange failure: " + e + "\"}");
                }
            }
            if (response == null) {
                // Close the connection without a status line: the client cannot know what happened.
                return;
            }
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
            exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException clientWentAway) {
            // The client timed out and closed its end while we hung: nothing more to do.
        }
    }

    /** Decodes {@code a=1&b=2} (form body or query string) into an ordered map; the last value of a key wins. */
    protected static Map<String, String> formParameters(String encoded) {
        Map<String, String> params = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return params;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String key = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
        return params;
    }

    protected static String retryAfterSeconds(Duration wait) {
        long seconds = (wait.toMillis() + 999) / 1000;
        return String.valueOf(Math.max(1, seconds));
    }
}
