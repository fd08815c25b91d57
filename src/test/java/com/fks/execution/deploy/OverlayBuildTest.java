package com.fks.execution.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** kubectl kustomize builds the base and every overlay, into namespace fks-trading. */
final class OverlayBuildTest {

    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding", "ClusterIssuer");

    static List<String> kustomizations() {
        return Manifests.kustomizations();
    }

    @Test
    void shouldHaveTheMinikubeAndProductionOverlays() {
        assertThat(Manifests.overlays()).contains("k8s/overlays/minikube", "k8s/overlays/production", "k8s/overlays/production-mtls");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldBuildWithKubectlKustomize(String target) {
        String yaml = Manifests.kustomize(target);
        assertThat(yaml).contains("kind: Deployment").contains("name: fks-execution");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldPutEveryNamespacedObjectIntoFksTrading(String target) {
        Manifests manifests = Manifests.of(target);
        for (JsonNode object : manifests.objects()) {
            String kind = object.path("kind").asText();
            String namespace = object.path("metadata").path("namespace").asText(null);
            if (kind.equals("ClusterIssuer")) {
                // kustomize cannot know this custom kind is cluster-scoped and sets the namespace;
                // the API server drops it for cluster-scoped objects.
                assertThat(namespace).isIn(null, Manifests.NAMESPACE);
            } else if (CLUSTER_SCOPED.contains(kind)) {
                assertThat(namespace).as("%s %s is cluster-scoped", kind, object.at("/metadata/name").asText()).isNull();
            } else {
                assertThat(namespace).as("namespace of %s %s", kind, object.at("/metadata/name").asText()).isEqualTo(Manifests.NAMESPACE);
            }
            assertThat(object.at("/metadata/labels/app.kubernetes.io~1part-of").asText())
                    .as("part-of label of %s %s", kind, object.at("/metadata/name").asText()).isEqualTo("fks-trading");
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldGiveEveryObjectADeployStepTheScriptApplies(String target) {
        Set<String> steps = Set.of("namespace", "monitoring", "execution", "ingress");
        for (JsonNode object : Manifests.of(target).objects()) {
            assertThat(object.at("/metadata/labels/fks-trading.com~1deploy-step").asText())
                    .as("deploy-step label of %s %s (deploy-phase5.sh applies objects by it; without one it is never applied)",
                            object.path("kind").asText(), object.at("/metadata/name").asText())
                    .isIn(steps);
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldNotContainTwoObjectsOfTheSameKindAndName(String target) {
        List<String> ids = Manifests.of(target).objects().stream()
                .map(o -> o.path("kind").asText() + "/" + o.at("/metadata/name").asText())
                .toList();
        assertThat(ids).doesNotHaveDuplicates();
    }
}
