package com.fks.execution.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.config.EnvironmentVariable;
import com.fks.execution.intake.RejectionReason;
import com.fks.execution.signing.WebhookSignature;
import com.fks.execution.testsupport.ServiceProcess;
import com.fks.execution.traffic.ServiceRecords;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over 10,000 malformed and adversarial requests at one real service: no 5xx, no order (neither in /orders
 * nor in the paper exchange's own book), the process alive and ready afterwards, and every request the
 * webhook handled counted under its status and reason.
 *
 * <p>Bodies come from {@link HostileBodies} with a fixed seed: a failure names the case index, and
 * {@code new HostileBodies(secret, SEED, now).create(index)} rebuilds its bytes.
 */
final class HostileInputFuzzTest {
    private static final long SEED = 20_260_101L;
    private static final int BULK_CASES = 10_000;
    private static final String ADMIN_TOKEN = "fuzz-admin-token-0123456789abcdef";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_BODY_BYTES = Integer.parseInt(EnvironmentVariable.MAX_BODY_BYTES.defaultValue());
    private static final Set<String> PIPELINE_REASONS = pipelineReasons();

    private static Set<String> pipelineReasons() {
        Set<String> reasons = new HashSet<>(Set.of("accepted", "duplicate"));
        for (RejectionReason r : RejectionReason.values()) {
            reasons.add(r.code());
        }
        return reasons;
    }

    /** Tallies of what the webhook answered ("status reason"), and what the test expects it counted. */
    private final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> countedWithoutAnswer = new ConcurrentHashMap<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    /** "status reason" of each case whose first sending got no answer, as its second sending was answered. */
    private final List<String> lostAnswers = Collections.synchronizedList(new ArrayList<>());

    @Test
    void shouldSurviveTenThousandHostileRequestsWithNo5xxNoOrderAndEveryRequestCounted() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(Map.of("RATE_LIMIT_REQUESTS", "100000000",
                "ADMIN_TOKEN", ADMIN_TOKEN))) {
            long started = System.nanoTime();
            int port = service.httpPort();

            // given the transport-level attacks, one at a time, each checked against the counter it moved
            int rawSent = rawHttpAttacks(service);

            // when slow bodies and 10 MB bodies run beside 10,000 generated bodies over 4 connections
            ExecutorService side = Executors.newFixedThreadPool(6);
            List<Future<?>> sideJobs = new ArrayList<>();
            sideJobs.addAll(slowBodies(side, port));
            sideJobs.addAll(hugeBodies(side, service));
            HostileBodies bodies = new HostileBodies(ServiceProcess.SECRET, SEED, System.currentTimeMillis());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            ExecutorService bulk = Executors.newFixedThreadPool(4);
            Map<String, AtomicInteger> families = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                workers.add(bulk.submit(() -> {
                    for (int i = next.getAndIncrement(); i < BULK_CASES; i = next.getAndIncrement()) {
                        HostileBodies.Case c = bodies.create(i);
                        for (String part : c.family().split("\\+")) {
                            families.computeIfAbsent(part, k -> new AtomicInteger()).incrementAndGet();
                        }
                        send(http, service, c);
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get(5, TimeUnit.MINUTES);
            }
            for (Future<?> f : sideJobs) {
                f.get(2, TimeUnit.MINUTES);
            }
            bulk.shutdown();
            side.shutdown();
            int sent = rawSent + BULK_CASES + sideJobs.size();

            // then no 5xx and nothing unexpected
            assertThat(failures).as("cases that broke a rule (seed " + SEED + ")").isEmpty();

            // and the process is alive and ready
            assertThat(service.isAlive()).isTrue();
            assertThat(service.get("/health").statusCode()).isEqualTo(200);
            assertThat(service.get("/ready").statusCode()).isEqualTo(200);

            // and every request the webhook handled is counted under its status and reason, and nothing else is
            Map<String, Long> expected = new TreeMap<>();
            answered.forEach((k, v) -> expected.merge(k, (long) v.get(), Long::sum));
            countedWithoutAnswer.forEach((k, v) -> expected.merge(k, (long) v.get(), Long::sum));
            Map<String, Long> counted = new TreeMap<>(ServiceRecords.webhookRequestsByStatusAndReason(
                    service.get("/metrics").body()));
            assertThat(lostAnswers).as("requests whose answer a closing connection lost (each sent again)")
                    .hasSizeLessThanOrEqualTo(3);
            Map<String, Long> seenButLost = new TreeMap<>();
            counted.forEach((k, n) -> {
                long over = n - expected.getOrDefault(k, 0L);
                if (over != 0) {
                    seenButLost.put(k, over);
                }
            });
            assertThat(seenButLost).as("counted beyond the answers: only a lost request, once")
                    .allSatisfy((k, over) -> assertThat(over).isBetween(1L, (long) Collections.frequency(lostAnswers, k)));
            assertThat(counted.keySet()).containsAll(expected.keySet());
            assertThat(counted.keySet()).noneMatch(k -> k.startsWith("202") || k.startsWith("5"));

            // and no order exists, in the service's view or at the paper exchange
            JsonNode orders = ServiceRecords.orders(service, ADMIN_TOKEN);
            assertThat(orders).isEmpty();
            assertThat(service.output()).doesNotContain("\"level\":\"ERROR\"");
            assertThat(service.stop()).isZero();
            assertThat(ServiceRecords.paperFills(service.dataDir())).isEmpty();

            System.out.printf("hostile fuzz: %d requests (%d generated, %d raw, %d slow/huge) in %.1f s; "
                            + "families %s; answers %s; answers lost and sent again %s%n", sent, BULK_CASES, rawSent,
                    sideJobs.size(),
                    (System.nanoTime() - started) / 1e9, new TreeMap<>(families), expected, lostAnswers);
            assertThat(sent).isGreaterThanOrEqualTo(10_000);
        }
    }

    private void send(HttpClient http, ServiceProcess service, HostileBodies.Case c) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(webhookRequest(service, c), HttpResponse.BodyHandlers.ofString());
            check("case " + c.index() + " (" + c.family() + ")", response.statusCode(), response.body(), true);
        } catch (IOException e) {
            if (c.body().length > MAX_BODY_BYTES) {
                countedWithoutAnswer.computeIfAbsent("413 body_too_large", k -> new AtomicInteger()).incrementAndGet();
            } else if (e instanceof HttpTimeoutException) {
                failures.add("case " + c.index() + " (" + c.family() + "): no answer in 30 s");
            } else {
                resendLost(service, c, e);
            }
        }
    }

    /**
     * A request on a kept-alive connection that the service closed at the same moment gets no answer, and the
     * client cannot tell whether it was seen (HTTP/1.1 keep-alive, RFC 9112 section 9.3.1: a POST is not resent
     * blindly). The case is sent once more on a new connection, which must be answered as any other; the lost
     * request may have been counted under that answer or not at all, which the final count allows, one per loss.
     */
    private void resendLost(ServiceProcess service, HostileBodies.Case c, IOException lost) throws InterruptedException {
        String what = "case " + c.index() + " (" + c.family() + ")";
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> response = fresh.send(webhookRequest(service, c), HttpResponse.BodyHandlers.ofString());
            if (check(what + ", sent again after no answer (" + lost + ")", response.statusCode(), response.body(),
                    true)) {
                lostAnswers.add(response.statusCode() + " " + reasonOf(response.body()));
            }
        } catch (IOException e) {
            failures.add(what + ": no answer, twice: " + lost + "; " + e);
        }
    }

    private static HttpRequest webhookRequest(ServiceProcess service, HostileBodies.Case c) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.baseUrl() + "/webhook/tradingview"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(c.body()));
        c.headers().forEach(request::header);
        return request.build();
    }

    /** Records an answer; an answer that is a 5xx, a 202, or (when expected) not the pipeline's is a failure. */
    private boolean check(String what, int status, String body, boolean mustBePipeline) {
        if (status >= 500 || status == 202 || status < 100) {
            failures.add(what + ": answered " + status + " " + body);
            return false;
        }
        String reason = reasonOf(body);
        if (reason == null || !PIPELINE_REASONS.contains(reason)) {
            if (mustBePipeline) {
                failures.add(what + ": not an answer of the webhook: " + status + " " + body);
            }
            return false;
        }
        if (status == 200 && !reason.equals("confidence_below_threshold")) {
            failures.add(what + ": 200 " + body);
        }
        answered.computeIfAbsent(status + " " + reason, k -> new AtomicInteger()).incrementAndGet();
        return true;
    }

    /** The webhook's reason (or status) in an answer's JSON body; null when the body is not such an answer. */
    private static String reasonOf(String body) {
        try {
            JsonNode json = body == null ? null : MAPPER.readTree(body);
            if (json != null && json.isObject()) {
                return json.hasNonNull("reason") ? json.get("reason").asText() : json.path("status").asText(null);
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /**
     * Requests a client library will not send: CR and NUL in headers, folded headers, conflicting lengths,
     * smuggling shapes, a request line with encoded CRLF, no Host, absolute-form targets. Each is sent alone and
     * the request counter compared before and after: a request the HTTP layer refuses (4xx, never reaching the
     * webhook) must not be counted, one the webhook answers must be counted once under what it answered.
     */
    private int rawHttpAttacks(ServiceProcess service) throws IOException {
        byte[] poisoned = ("{\"secret\":\"" + ServiceProcess.SECRET + "\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\","
                + "\"quantity\":0,\"price\":65000}").getBytes(StandardCharsets.UTF_8);
        String sig = new WebhookSignature(ServiceProcess.SECRET).headerValue(poisoned);
        int n = poisoned.length;
        String path = "/webhook/tradingview";
        List<String> heads = List.of(
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Webhook-Signature: sha256=00\rX-Forwarded-For: 52.89.214.238\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Webhook-Signature: " + sig + "\u0000\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.0.0.1\r\n 52.89.214.238\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + n + "\r\nContent-Length: 5\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + n + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nX Webhook-Signature: " + sig + "\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Padding: " + "a".repeat(20_000) + "\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "POST " + path + "?x=%0d%0aX-Injected:%201 HTTP/1.1\r\nHost: x\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 52.89.214.238\r\nX-Forwarded-For: 10.1.2.3\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Webhook-Signature: sha256=" + "0".repeat(64) + "\r\nX-Webhook-Signature: " + sig + "\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.0\r\nContent-Length: " + n + "\r\n\r\n",
                "POST http://evil.example" + path + " HTTP/1.1\r\nHost: evil.example\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "post " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + (n - 10) + "\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + n + "\r\nContent-Type: application/json\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + n + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
                "POST /webhook/tradingview/../tradingview HTTP/1.1\r\nHost: x\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "POST /webhook/TradingView HTTP/1.1\r\nHost: x\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "POST /webhook/tradingview%00 HTTP/1.1\r\nHost: x\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Webhook-Signature: " + "sha256=" + "ab".repeat(3000) + "\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + n + "\r\nAuthorization: Bearer " + ADMIN_TOKEN + "\r\nConnection: close\r\n\r\n",
                "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + n + "\r\nX-Forwarded-For: " + "1.2.3.4, ".repeat(500) + "52.89.214.238\r\nConnection: close\r\n\r\n");
        int sent = 0;
        for (int i = 0; i < heads.size(); i++) {
            String head = heads.get(i);
            byte[] body = head.contains("chunked") ? chunked(poisoned) : poisoned;
            long before = ServiceRecords.webhookRequestsTotal(service.get("/metrics").body());
            RawHttp.Answer answer = RawHttp.exchange(service.httpPort(), RawHttp.request(head, body));
            sent++;
            // The webhook counts a request when it finishes with it, which can be just after the answer left.
            long after = awaitCounter(service, before);
            String what = "raw request " + i + " (" + head.lines().findFirst().orElse("") + " ...)";
            if (!answer.answered()) {
                failures.add(what + ": no answer");
                continue;
            }
            boolean pipeline = check(what, answer.status(), answer.json(), false);
            if (pipeline) {
                if (after - before != 1) {
                    failures.add(what + ": answered by the webhook but counted " + (after - before) + " times");
                }
            } else {
                if (answer.status() < 400 || answer.status() >= 500) {
                    failures.add(what + ": refused by the HTTP layer with " + answer.status());
                }
                if (after != before) {
                    failures.add(what + ": HTTP-layer answer " + answer.status() + " but the webhook counter moved by "
                            + (after - before));
                }
            }
        }
        return sent;
    }

    private static long awaitCounter(ServiceProcess service, long before) throws IOException {
        long after = before;
        for (int i = 0; i < 10; i++) {
            after = ServiceRecords.webhookRequestsTotal(service.get("/metrics").body());
            if (after != before) {
                return after;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return after;
    }

    private static byte[] chunked(byte[] body) {
        return (Integer.toHexString(body.length) + "\r\n" + new String(body, StandardCharsets.ISO_8859_1) + "\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Clients that send their body slowly or never finish it. Each is bounded: the webhook either answers
     * once the body is in, or gives up on the read (the client left, or Jetty's 10 s idle timeout) and
     * counts it as incomplete_body, so no slow client holds a thread for long.
     */
    private List<Future<?>> slowBodies(ExecutorService side, int port) {
        byte[] poisoned = ("{\"secret\":\"wrong-secret-for-slow-bodies\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\","
                + "\"quantity\":0.01,\"price\":65000}").getBytes(StandardCharsets.UTF_8);
        String head = "POST /webhook/tradingview HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + poisoned.length + "\r\nConnection: close\r\n\r\n";
        byte[] first = RawHttp.request(head, java.util.Arrays.copyOf(poisoned, 5));
        byte[] rest = java.util.Arrays.copyOfRange(poisoned, 5, poisoned.length);
        List<Future<?>> jobs = new ArrayList<>();
        // 1. stalls 1.5 s mid-body, then finishes: answered normally (wrong secret)
        jobs.add(side.submit(() -> {
            RawHttp.Answer a = RawHttp.exchange(port, first, Duration.ofMillis(1500), rest, Duration.ofSeconds(20));
            check("slow body, finished", a.status(), a.json(), true);
            return null;
        }));
        // 2. stalls 1 s mid-body, then hangs up: the webhook's read ends, counted as incomplete
        jobs.add(side.submit(() -> {
            RawHttp.exchange(port, first, Duration.ofMillis(1000), null, Duration.ofSeconds(20));
            countedWithoutAnswer.computeIfAbsent("400 incomplete_body", k -> new AtomicInteger()).incrementAndGet();
            return null;
        }));
        // 3. stalls mid-body for good: the idle timeout ends it within ~10 s, never a thread held forever
        jobs.add(side.submit(() -> {
            RawHttp.Answer a = RawHttp.exchange(port, first, Duration.ZERO, new byte[0], Duration.ofSeconds(25));
            if (a.millis() > 20_000) {
                failures.add("stalled body held the connection for " + a.millis() + " ms");
            }
            if (a.answered()) {
                check("stalled body", a.status(), a.json(), true);
            } else {
                countedWithoutAnswer.computeIfAbsent("400 incomplete_body", k -> new AtomicInteger()).incrementAndGet();
            }
            return null;
        }));
        // 4. a chunked body that stalls between chunks, then finishes
        jobs.add(side.submit(() -> {
            String chunkedHead = "POST /webhook/tradingview HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            byte[] c1 = RawHttp.request(chunkedHead + "5\r\n", java.util.Arrays.copyOf(poisoned, 5));
            byte[] c2 = ("\r\n" + Integer.toHexString(rest.length) + "\r\n" + new String(rest, StandardCharsets.ISO_8859_1)
                    + "\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            RawHttp.Answer a = RawHttp.exchange(port, c1, Duration.ofMillis(1500), c2, Duration.ofSeconds(20));
            check("slow chunked body", a.status(), a.json(), true);
            return null;
        }));
        // 5. headers that never end (slowloris): closed by the HTTP layer, never reaches the webhook
        jobs.add(side.submit(() -> {
            byte[] partial = "POST /webhook/tradingview HTTP/1.1\r\nHost: x\r\nX-Slow: a".getBytes(StandardCharsets.ISO_8859_1);
            RawHttp.Answer a = RawHttp.exchange(port, partial, Duration.ZERO, new byte[0], Duration.ofSeconds(25));
            if (a.millis() > 20_000 || (a.answered() && a.status() >= 500)) {
                failures.add("endless headers: " + a.status() + " after " + a.millis() + " ms");
            }
            return null;
        }));
        return jobs;
    }

    /** 10 MB bodies, declared up front and chunked: refused with 413 without being read in full. */
    private List<Future<?>> hugeBodies(ExecutorService side, ServiceProcess service) {
        byte[] tenMegabytes = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(tenMegabytes, (byte) 'a');
        tenMegabytes[0] = '{';
        List<Future<?>> jobs = new ArrayList<>();
        jobs.add(side.submit(() -> {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(service.baseUrl()
                        + "/webhook/tradingview")).timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(tenMegabytes)).build(), HttpResponse.BodyHandlers.ofString());
                check("10 MB body with Content-Length", r.statusCode(), r.body(), true);
            } catch (IOException e) {
                // the 413 went out and the connection closed while the client was still writing: still counted
                countedWithoutAnswer.computeIfAbsent("413 body_too_large", k -> new AtomicInteger()).incrementAndGet();
            }
            return null;
        }));
        jobs.add(side.submit(() -> {
            String head = "POST /webhook/tradingview HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            byte[] chunks = chunked(tenMegabytes);
            RawHttp.Answer a = RawHttp.exchange(service.httpPort(), RawHttp.request(head, chunks));
            if (a.answered()) {
                check("10 MB chunked body", a.status(), a.json(), true);
            } else {
                countedWithoutAnswer.computeIfAbsent("413 body_too_large", k -> new AtomicInteger()).incrementAndGet();
            }
            return null;
        }));
        return jobs;
    }
}
