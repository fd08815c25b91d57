package com.fks.execution.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ingresses: the webhook host exposes exactly POST /webhook/tradingview of the execution
 * service to TradingView's addresses and nothing else of it; the monitoring hosts have TLS and
 * authentication; the optional mutual TLS checks TradingView's certificate.
 */
final class IngressContractTest {

    /** TradingView's published webhook source addresses (shared/REFERENCE.md). */
    static final Set<String> TRADINGVIEW = Set.of("52.89.214.238", "34.212.75.30", "54.218.53.128", "52.32.178.7");
    private static final Pattern CIDR = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?|[0-9a-fA-F:]+(/\\d{1,3})?");

    static List<String> kustomizations() {
        return Manifests.kustomizations();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldExposeOnlyTheWebhookPathOfTheExecutionService(String target) {
        Manifests manifests = Manifests.of(target);
        List<String> routes = new ArrayList<>();
        for (JsonNode ingress : manifests.ofKind("Ingress")) {
            assertThat(ingress.at("/spec/defaultBackend").isMissingNode()).as("default backend on %s", ingress.at("/metadata/name").asText()).isTrue();
            for (JsonNode rule : ingress.at("/spec/rules")) {
                for (JsonNode path : rule.at("/http/paths")) {
                    if (path.at("/backend/service/name").asText().equals("fks-execution")) {
                        routes.add(ingress.at("/metadata/name").asText() + " " + rule.path("host").asText() + " "
                                + path.path("pathType").asText() + " " + path.path("path").asText() + " -> " + path.at("/backend/service/port/name").asText()
                                + path.at("/backend/service/port/number").asText(""));
                    }
                }
            }
        }
        assertThat(routes).hasSize(1);
        assertThat(routes.get(0)).matches("fks-execution-webhook webhook\\.[a-z.-]+ Exact /webhook/tradingview -> http");
        // the named port is the service's HTTP port, where the webhook is served
        JsonNode service = manifests.get("Service", "fks-execution");
        boolean httpIsWebhookPort = false;
        for (JsonNode port : service.at("/spec/ports")) {
            if (port.path("name").asText().equals("http")) {
                httpIsWebhookPort = port.path("port").asInt() == Integer.parseInt(ExecutionDeploymentContractTest.configValue(manifests, "HTTP_PORT"));
            }
        }
        assertThat(httpIsWebhookPort).isTrue();
        JsonNode webhook = manifests.get("Ingress", "fks-execution-webhook");
        assertThat(webhook.at("/spec/rules").size()).isEqualTo(1);
        assertThat(webhook.at("/spec/rules/0/http/paths").size()).isEqualTo(1);
        assertThat(webhook.at("/spec/ingressClassName").asText()).isEqualTo("nginx");
        JsonNode annotations = webhook.at("/metadata/annotations");
        for (String rewriting : List.of("rewrite-target", "configuration-snippet", "server-snippet", "use-regex")) {
            assertThat(annotations.has("nginx.ingress.kubernetes.io/" + rewriting)).as(rewriting + " on the webhook ingress").isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldAllowTradingViewsAddressesAtTheIngressAndInTheService(String target) {
        Manifests manifests = Manifests.of(target);
        String allowList = manifests.get("Ingress", "fks-execution-webhook").at("/metadata/annotations/nginx.ingress.kubernetes.io~1whitelist-source-range").asText();
        List<String> ranges = Arrays.stream(allowList.split(",")).map(String::trim).toList();
        assertThat(ranges).allMatch(r -> CIDR.matcher(r).matches());
        assertThat(ranges).doesNotContain("0.0.0.0/0", "::/0");
        for (String address : TRADINGVIEW) {
            assertThat(ranges).contains(address + "/32");
        }
        List<String> serviceAllowList = Arrays.stream(ExecutionDeploymentContractTest.configValue(manifests, "IP_WHITELIST").split(",")).map(String::trim).toList();
        assertThat(serviceAllowList).containsAll(TRADINGVIEW).doesNotContain("*");
        String trusted = ExecutionDeploymentContractTest.configValue(manifests, "TRUSTED_PROXIES");
        assertThat(trusted).as("TRUSTED_PROXIES: the controller's address range, so the client address is right").isNotBlank();
        assertThat(Arrays.stream(trusted.split(",")).map(String::trim)).allMatch(r -> CIDR.matcher(r).matches()).doesNotContain("0.0.0.0/0");
        if (manifests.isProduction()) {
            assertThat(ranges).as("production allows TradingView only").hasSize(TRADINGVIEW.size());
            assertThat(serviceAllowList).containsExactlyInAnyOrderElementsOf(TRADINGVIEW);
        }
    }

    @Test
    void shouldServeEveryProductionHostOverTlsFromCertManager() {
        for (String target : List.of("k8s/manifests", "k8s/overlays/production", "k8s/overlays/production-mtls")) {
            Manifests manifests = Manifests.of(target);
            Map<String, String> hosts = Map.of("fks-execution-webhook", "webhook.fks-trading.com", "grafana", "grafana.fks-trading.com",
                    "prometheus", "prometheus.fks-trading.com", "alertmanager", "alertmanager.fks-trading.com");
            hosts.forEach((name, host) -> {
                JsonNode ingress = manifests.get("Ingress", name);
                assertThat(ingress.at("/spec/rules/0/host").asText()).isEqualTo(host);
                assertThat(ingress.at("/spec/tls/0/hosts/0").asText()).as("TLS of %s", name).isEqualTo(host);
                JsonNode annotations = ingress.at("/metadata/annotations");
                assertThat(annotations.path("cert-manager.io/cluster-issuer").asText()).isEqualTo("letsencrypt-prod");
                assertThat(annotations.path("nginx.ingress.kubernetes.io/ssl-redirect").asText()).isEqualTo("true");
            });
            for (String name : List.of("prometheus", "alertmanager")) {
                JsonNode annotations = manifests.get("Ingress", name).at("/metadata/annotations");
                assertThat(annotations.path("nginx.ingress.kubernetes.io/auth-type").asText()).isEqualTo("basic");
                assertThat(annotations.path("nginx.ingress.kubernetes.io/auth-secret").asText()).isEqualTo("prometheus-basic-auth");
            }
            JsonNode grafana = manifests.get("Ingress", "grafana").at("/metadata/annotations");
            assertThat(grafana.path("nginx.ingress.kubernetes.io/proxy-read-timeout").asText()).isEqualTo("600");
            assertThat(grafana.path("nginx.ingress.kubernetes.io/proxy-send-timeout").asText()).isEqualTo("600");
            for (String issuer : List.of("letsencrypt-prod", "letsencrypt-staging")) {
                JsonNode acme = manifests.get("ClusterIssuer", issuer).at("/spec/acme");
                assertThat(acme.path("server").asText()).startsWith("https://acme-");
                assertThat(acme.at("/solvers/0/http01/ingress/ingressClassName").asText()).isEqualTo("nginx");
            }
        }
    }

    @Test
    void shouldServeMinikubeWithoutTlsOrCertManager() {
        Manifests minikube = Manifests.of("k8s/overlays/minikube");
        assertThat(minikube.ofKind("ClusterIssuer")).isEmpty();
        for (JsonNode ingress : minikube.ofKind("Ingress")) {
            assertThat(ingress.at("/spec/tls").isMissingNode()).isTrue();
            assertThat(ingress.at("/metadata/annotations").has("cert-manager.io/cluster-issuer")).isFalse();
        }
    }

    @Test
    void shouldRequireTradingViewsClientCertificateInTheMutualTlsOverlay() {
        JsonNode annotations = Manifests.of("k8s/overlays/production-mtls").get("Ingress", "fks-execution-webhook").at("/metadata/annotations");
        assertThat(annotations.path("nginx.ingress.kubernetes.io/auth-tls-verify-client").asText()).isEqualTo("on");
        assertThat(annotations.path("nginx.ingress.kubernetes.io/auth-tls-secret").asText()).isEqualTo("fks-trading/tradingview-client-ca");
        assertThat(annotations.path("nginx.ingress.kubernetes.io/auth-tls-match-cn").asText()).isEqualTo("CN=TradingView Webhooks");
        // the plain production overlay does not require it
        JsonNode plain = Manifests.of("k8s/overlays/production").get("Ingress", "fks-execution-webhook").at("/metadata/annotations");
        assertThat(plain.has("nginx.ingress.kubernetes.io/auth-tls-verify-client")).isFalse();
    }
}
