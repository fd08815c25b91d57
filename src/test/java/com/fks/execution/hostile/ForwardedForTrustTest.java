package com.fks.execution.hostile;

import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * X-Forwarded-For is believed only from TRUSTED_PROXIES, and then only its right-most untrusted hop: a client
 * cannot talk its way past IP_WHITELIST by writing the header itself. The tests call from 127.0.0.1, which is
 * deliberately not in the allow-list.
 */
final class ForwardedForTrustTest {
    private static final String ALLOWED = "10.1.2.3";

    @Test
    void shouldBelieveForwardedForFromATrustedProxyOnlyItsRightMostHop() throws Exception {
        // given a service behind a trusted proxy on loopback that allows only 10.1.2.3
        try (ServiceProcess service = ServiceProcess.start(Map.of("IP_WHITELIST", ALLOWED,
                "TRUSTED_PROXIES", "127.0.0.1/32"))) {
            // when / then the proxy's word decides
            assertThat(post(service, "xff-1", "X-Forwarded-For", ALLOWED).statusCode()).isEqualTo(202);
            assertThat(post(service, "xff-2", "X-Forwarded-For", "10.9.9.9, " + ALLOWED).statusCode()).isEqualTo(202);

            // and what the client wrote left of the hop the proxy added is not believed
            assertRefused(post(service, "xff-3", "X-Forwarded-For", ALLOWED + ", 10.9.9.9"));
            // and without the header, or with garbage, the peer itself (127.0.0.1) is the client
            assertRefused(post(service, "xff-4"));
            assertRefused(post(service, "xff-5", "X-Forwarded-For", "not-an-address"));
            assertRefused(post(service, "xff-6", "X-Forwarded-For", ALLOWED + ", garbage"));
            // and other headers that name a client are not read at all
            assertRefused(post(service, "xff-7", "X-Real-IP", ALLOWED));
            assertRefused(post(service, "xff-8", "Forwarded", "for=" + ALLOWED));
            assertThat(service.get("/metrics").body()).contains("execution_ip_whitelist_rejections_total 6.0");
        }
    }

    @Test
    void shouldIgnoreForwardedForWhenNoProxyIsTrusted() throws Exception {
        // given the same allow-list and no trusted proxy
        try (ServiceProcess service = ServiceProcess.start(Map.of("IP_WHITELIST", ALLOWED, "TRUSTED_PROXIES", ""))) {
            // when / then a client claiming the allowed address is refused
            assertRefused(post(service, "untrusted-1", "X-Forwarded-For", ALLOWED));
            assertRefused(post(service, "untrusted-2", "X-Forwarded-For", "127.0.0.1, " + ALLOWED));
            assertRefused(post(service, "untrusted-3", "X-Forwarded-For", ALLOWED, "X-Real-IP", ALLOWED));
            assertThat(service.get("/metrics").body()).contains("execution_ip_whitelist_rejections_total 3.0");

            // and with ADMIN_TOKEN unset, the admin endpoints refuse everyone (while /orders stays open for laptops)
            var halt = service.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.baseUrl()
                    + "/admin/halt")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
            assertThat(halt.statusCode()).isEqualTo(403);
            assertThat(halt.body()).contains("admin_token_not_configured");
        }
    }

    private static void assertRefused(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.body()).contains("\"reason\":\"ip_not_allowed\"");
    }

    private static HttpResponse<String> post(ServiceProcess service, String id, String... headers) throws IOException {
        return service.postWebhook(Alerts.valid(id + "-" + System.nanoTime(), ServiceProcess.SECRET), headers);
    }
}
