package com.fks.execution.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Default deny in the namespace, and only the paths the stack needs. */
final class NetworkPolicyContractTest {

    static List<String> kustomizations() {
        return Manifests.kustomizations();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldDenyEverythingByDefault(String target) {
        JsonNode deny = Manifests.of(target).get("NetworkPolicy", "default-deny-all").path("spec");
        assertThat(deny.path("podSelector").isEmpty()).as("selects every pod").isTrue();
        assertThat(deny.path("policyTypes").toString()).contains("Ingress").contains("Egress");
        assertThat(deny.has("ingress")).isFalse();
        assertThat(deny.has("egress")).isFalse();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldLetOnlyTheIngressControllerReachTheWebhookPortAndOnlyPrometheusTheMetricsPort(String target) {
        List<String> allowed = new ArrayList<>();
        for (JsonNode policy : Manifests.of(target).ofKind("NetworkPolicy")) {
            JsonNode spec = policy.path("spec");
            if (!selects(spec, "fks-execution")) {
                continue;
            }
            for (JsonNode rule : spec.path("ingress")) {
                assertThat(rule.path("from").isEmpty()).as("a rule without 'from' admits every source: %s", policy.at("/metadata/name").asText()).isFalse();
                assertThat(rule.path("ports").isEmpty()).as("a rule without ports admits every port: %s", policy.at("/metadata/name").asText()).isFalse();
                for (JsonNode from : rule.path("from")) {
                    assertThat(from.has("ipBlock")).as("address-based ingress to fks-execution").isFalse();
                    String source = from.at("/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText("fks-trading")
                            + "/" + from.at("/podSelector/matchLabels/app.kubernetes.io~1name").asText("*");
                    for (JsonNode port : rule.path("ports")) {
                        allowed.add(source + " -> " + port.path("port").asText());
                    }
                }
            }
        }
        assertThat(allowed).containsExactlyInAnyOrder("ingress-nginx/ingress-nginx -> 8000", "fks-trading/prometheus -> 9090");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldLetTheExecutionServiceReachItsDatastoresDnsAndExchanges(String target) {
        Manifests manifests = Manifests.of(target);
        List<Integer> ports = new ArrayList<>();
        for (JsonNode policy : manifests.ofKind("NetworkPolicy")) {
            JsonNode spec = policy.path("spec");
            if (!selects(spec, "fks-execution") && !spec.path("podSelector").isEmpty()) {
                continue;
            }
            spec.path("egress").forEach(rule -> rule.path("ports").forEach(p -> ports.add(p.path("port").asInt())));
        }
        assertThat(ports).contains(53, 5432, 6379, 443);
        // and the datastores of the minikube overlay accept it
        if (manifests.find("StatefulSet", "postgres").isPresent()) {
            JsonNode postgres = manifests.get("NetworkPolicy", "postgres").path("spec");
            assertThat(postgres.at("/ingress/0/from/0/podSelector/matchLabels/app.kubernetes.io~1name").asText()).isEqualTo("fks-execution");
            assertThat(postgres.at("/ingress/0/ports/0/port").asInt()).isEqualTo(5432);
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldLetGrafanaReachPrometheusAndPrometheusReachAlertmanager(String target) {
        Manifests manifests = Manifests.of(target);
        JsonNode prometheus = manifests.get("NetworkPolicy", "prometheus").path("spec");
        assertThat(prometheus.path("ingress").toString()).contains("grafana").contains("9090");
        assertThat(prometheus.path("egress").toString()).contains("alertmanager").contains("9093").contains("fks-execution");
        JsonNode alertmanager = manifests.get("NetworkPolicy", "alertmanager").path("spec");
        assertThat(alertmanager.path("ingress").toString()).contains("prometheus").contains("9093");
        JsonNode grafana = manifests.get("NetworkPolicy", "grafana").path("spec");
        assertThat(grafana.path("egress").toString()).contains("prometheus").contains("9090");
    }

    private static boolean selects(JsonNode spec, String app) {
        return app.equals(spec.at("/podSelector/matchLabels/app.kubernetes.io~1name").asText());
    }
}
