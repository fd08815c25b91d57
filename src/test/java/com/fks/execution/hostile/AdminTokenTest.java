package com.fks.execution.hostile;

import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With ADMIN_TOKEN set, /orders and /admin answer 401 to anything but the exact bearer token. */
final class AdminTokenTest {
    private static final String TOKEN = "admin-token-Kp4Wz8Qm2Xr7Ly3V";

    @Test
    void shouldRefuseOrdersAndAdminWithoutTheExactToken() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(Map.of("ADMIN_TOKEN", TOKEN))) {
            // given one order, so /orders/{id} has something to hide
            HttpResponse<String> accepted = service.postWebhook(Alerts.valid("admin-1", ServiceProcess.SECRET));
            assertThat(accepted.statusCode()).isEqualTo(202);
            String orderId = accepted.body().replaceAll(".*\"order_id\":\"([^\"]+)\".*", "$1");

            List<String> wrong = new ArrayList<>();
            wrong.add(null);
            wrong.add("Bearer");
            wrong.add("Bearer ");
            wrong.add("Bearer wrong");
            wrong.add("Bearer " + TOKEN + "x");
            wrong.add("Bearer " + TOKEN.substring(0, TOKEN.length() - 1));
            wrong.add("Bearer " + TOKEN.toUpperCase());
            wrong.add(TOKEN);
            wrong.add("Basic " + Base64.getEncoder().encodeToString(("admin:" + TOKEN).getBytes()));
            wrong.add("Token " + TOKEN);
            for (String authorization : wrong) {
                for (String[] endpoint : new String[][] {{"GET", "/orders"}, {"GET", "/orders?limit=5"},
                        {"GET", "/orders/" + orderId}, {"GET", "/orders/" + orderId + "?token=" + TOKEN},
                        {"POST", "/admin/halt"}, {"POST", "/admin/resume"}, {"GET", "/admin/status"},
                        {"GET", "/admin/status?access_token=" + TOKEN}}) {
                    HttpResponse<String> r = call(service, endpoint[0], endpoint[1], authorization);
                    assertThat(r.statusCode()).as(endpoint[0] + " " + endpoint[1] + " with " + authorization)
                            .isEqualTo(401);
                    assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer");
                    assertThat(r.body()).doesNotContain(orderId);
                }
            }

            // then none of the refused halts took effect: trading goes on
            assertThat(service.postWebhook(Alerts.valid("admin-2", ServiceProcess.SECRET)).statusCode()).isEqualTo(202);

            // and the exact token opens every door (the scheme name in any case, as RFC 7235 says)
            assertThat(call(service, "GET", "/orders", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
            assertThat(call(service, "GET", "/orders/" + orderId, "bearer " + TOKEN).statusCode()).isEqualTo(200);
            assertThat(call(service, "GET", "/admin/status", "Bearer " + TOKEN).body()).contains("active");
            assertThat(call(service, "POST", "/admin/halt", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
            assertThat(service.postWebhook(Alerts.valid("admin-3", ServiceProcess.SECRET)).statusCode()).isEqualTo(503);
            assertThat(call(service, "POST", "/admin/resume", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
            assertThat(service.postWebhook(Alerts.valid("admin-4", ServiceProcess.SECRET)).statusCode()).isEqualTo(202);
        }
    }

    @Test
    void shouldJudgeEachRequestOnItsOwnHeaderBytesOnAKeptAliveConnection() throws Exception {
        // given one connection carrying several clients' requests, as an ingress reusing upstream connections does
        try (ServiceProcess service = ServiceProcess.start(Map.of("ADMIN_TOKEN", TOKEN))) {
            // when the right token goes first, then headers equal to it (or to a prefix of it) up to case
            List<Integer> statuses = keepAlive(service.httpPort(), List.of("Bearer " + TOKEN,
                    "Bearer " + TOKEN.toUpperCase(), "bearer " + TOKEN.toLowerCase(), "Bearer " + TOKEN));
            List<Integer> afterPrefix = keepAlive(service.httpPort(), List.of(
                    "Bearer " + TOKEN.substring(0, TOKEN.length() - 1), "Bearer " + TOKEN.toUpperCase()));

            // then only the exact token is let in (Jetty's header cache once matched values ignoring case)
            assertThat(statuses).containsExactly(200, 401, 401, 200);
            assertThat(afterPrefix).containsExactly(401, 401);
        }
    }

    /** GET /orders once per Authorization value, all on one HTTP/1.1 connection; the statuses in order. */
    private static List<Integer> keepAlive(int port, List<String> authorizations) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            var in = new java.io.BufferedInputStream(socket.getInputStream());
            for (String authorization : authorizations) {
                out.write(("GET /orders HTTP/1.1\r\nHost: x\r\nAuthorization: " + authorization + "\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                out.flush();
                String statusLine = line(in);
                int length = 0;
                for (String header = line(in); !header.isEmpty(); header = line(in)) {
                    if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(header.substring(15).trim());
                    }
                }
                in.readNBytes(length);
                statuses.add(Integer.parseInt(statusLine.split(" ")[1]));
            }
        }
        return statuses;
    }

    private static String line(java.io.InputStream in) throws java.io.IOException {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("connection closed after: " + s);
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    private static HttpResponse<String> call(ServiceProcess service, String method, String path, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return service.send(request);
    }
}
