package com.fks.execution.hostile;

import com.fks.execution.signing.WebhookSignature;
import com.fks.execution.testsupport.ServiceProcess;
import com.fks.execution.traffic.ServiceRecords;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook secret, the signatures made with it and the admin token never come back out: not in the log
 * (at DEBUG), not in any answer, not in /orders, not in /metrics — also when a client sends them inside
 * broken bodies that the service quotes in its rejection details.
 */
final class SecretHygieneTest {
    /** Distinctive, and free of the word "secret", so a masking rule keyed on that word cannot hide a leak. */
    private static final String SECRET = "Zq8Xw3Lm9Pv2Hy6Tn1Rc";
    private static final String TOKEN = "Kd5Gs0Bw7Ne4Ju9Fa2Yo";

    @Test
    void shouldKeepTheSecretSignaturesAndAdminTokenOutOfLogsAnswersOrdersAndMetrics() throws Exception {
        WebhookSignature signer = new WebhookSignature(SECRET);
        List<String> signatures = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        try (ServiceProcess service = ServiceProcess.start(Map.of("WEBHOOK_SECRET", SECRET, "ADMIN_TOKEN", TOKEN,
                "LOG_LEVEL", "DEBUG", "RATE_LIMIT_REQUESTS", "60"))) {
            // given accepted alerts in both auth forms, and a duplicate
            String first = Alerts.valid("hygiene-1", SECRET);
            seen.add(service.postWebhook(first).body());
            seen.add(service.postWebhook(first).body());
            byte[] signedBody = Alerts.valid("hygiene-2", null).getBytes(StandardCharsets.UTF_8);
            String signature = signer.headerValue(signedBody);
            signatures.add(signature);
            seen.add(service.postWebhook(new String(signedBody, StandardCharsets.UTF_8),
                    WebhookSignature.HEADER, signature).body());

            // and bodies that carry the secret into each rejection path that quotes the input
            List<String> hostile = List.of(
                    "{\"secret\":\"" + SECRET + "x\",\"symbol\":\"BTCUSDT\"}",
                    "{\"secret\":\"" + SECRET,
                    "{\"secret\":" + SECRET + ",\"symbol\":\"BTCUSDT\"}",
                    "{\"secret\":'" + SECRET + "'}",
                    "{\"secret\":\"" + SECRET + "\"} " + SECRET,
                    "{\"secret\":\"" + SECRET + "\",\"secret\":\"" + SECRET + "\"}",
                    "{\"secret\":\"" + SECRET + "\",}",
                    "{" + SECRET + ":1}",
                    "{\"secret\":\"" + SECRET + "\",\"symbol\":\"{{ticker}}\",\"action\":\"buy\"}",
                    "{\"secret\":\"" + SECRET + "\",\"symbol\":\"" + SECRET + "\",\"action\":\"buy\",\"quantity\":1}",
                    "{\"secret\":\"" + SECRET + "\",\"symbol\":\"BTCUSDT\",\"action\":\"" + SECRET + "\",\"quantity\":1}",
                    "{\"secret\":\"" + SECRET + "\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":\"" + SECRET + "\"}",
                    "{\"secret\":\"" + SECRET + "\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"timestamp\":\""
                            + SECRET + "\"}",
                    "{\"secret\":\"" + SECRET + "\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"exchange\":\""
                            + SECRET + "\"}",
                    "[\"" + SECRET + "\"]",
                    SECRET);
            for (String body : hostile) {
                HttpResponse<String> r = service.postWebhook(body);
                assertThat(r.statusCode()).as(body).isBetween(400, 499);
                seen.add(r.body());
            }
            // and signatures sent with bodies they do not fit, or in odd shapes
            String otherSignature = signer.headerValue("{\"other\":1}".getBytes(StandardCharsets.UTF_8));
            signatures.add(otherSignature);
            for (String header : List.of(otherSignature, SECRET, "sha256=" + SECRET, signature + "00")) {
                HttpResponse<String> r = service.postWebhook(Alerts.valid("hygiene-sig", null),
                        WebhookSignature.HEADER, header);
                assertThat(r.statusCode()).isEqualTo(401);
                seen.add(r.body());
            }
            // and wrong admin tokens that contain the right one
            for (String authorization : List.of("Bearer " + TOKEN + "x", "Basic " + TOKEN, TOKEN)) {
                HttpResponse<String> r = service.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/orders"))
                        .header("Authorization", authorization).GET());
                assertThat(r.statusCode()).isEqualTo(401);
                seen.add(r.body() + r.headers().map());
            }
            // and a burst past the rate limit, whose 429s log the alert id and symbol they lost
            int limited = 0;
            for (int i = 0; i < 60 && limited < 3; i++) {
                HttpResponse<String> r = service.postWebhook(Alerts.valid("hygiene-burst-" + i, SECRET));
                limited += r.statusCode() == 429 ? 1 : 0;
                seen.add(r.body());
            }
            assertThat(limited).isEqualTo(3);

            // when the orders and metrics are read with the token
            String orders = ServiceRecords.orders(service, TOKEN).toString();
            seen.add(orders);
            for (var order : ServiceRecords.orders(service, TOKEN)) {
                seen.add(service.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/orders/"
                        + order.get("order_id").asText())).header("Authorization", "Bearer " + TOKEN).GET()).body());
            }
            seen.add(service.get("/metrics").body());
            seen.add(service.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.metricsPort()
                    + "/metrics")).GET()).body());
            assertThat(orders).contains("hygiene-1", "hygiene-2");
            assertThat(service.stop()).isZero();

            // then none of the credentials appears anywhere
            String everything = String.join("\n", seen) + "\n" + service.output();
            assertThat(service.output()).contains("alert accepted").contains("\"level\":\"DEBUG\"");
            assertThat(everything).doesNotContain(SECRET).doesNotContain(TOKEN);
            for (String s : signatures) {
                assertThat(everything).doesNotContain(s.substring("sha256=".length()));
            }
        }
    }
}
