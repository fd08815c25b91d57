package com.fks.execution.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every pod of every build meets Pod Security "restricted", which the namespace enforces (a pod
 * that does not would be refused by the cluster, found here instead), and has resource limits.
 */
final class PodSecurityContractTest {

    static List<String> kustomizations() {
        return Manifests.kustomizations();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldEnforceRestrictedOnTheNamespace(String target) {
        JsonNode labels = Manifests.of(target).get("Namespace", Manifests.NAMESPACE).at("/metadata/labels");
        assertThat(labels.path("pod-security.kubernetes.io/enforce").asText()).isEqualTo("restricted");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldRunEveryContainerRestricted(String target) {
        List<String> problems = new ArrayList<>();
        for (JsonNode workload : Manifests.of(target).workloads()) {
            String name = workload.path("kind").asText() + "/" + workload.at("/metadata/name").asText();
            JsonNode pod = workload.at("/spec/template/spec");
            JsonNode podContext = pod.path("securityContext");
            for (String forbidden : List.of("hostNetwork", "hostPID", "hostIPC")) {
                if (pod.path(forbidden).asBoolean(false)) {
                    problems.add(name + ": " + forbidden);
                }
            }
            pod.path("volumes").forEach(v -> {
                if (v.has("hostPath")) {
                    problems.add(name + ": hostPath volume " + v.path("name").asText());
                }
            });
            List<JsonNode> containers = new ArrayList<>();
            pod.path("initContainers").forEach(containers::add);
            pod.path("containers").forEach(containers::add);
            for (JsonNode container : containers) {
                String where = name + " container " + container.path("name").asText();
                JsonNode context = container.path("securityContext");
                boolean nonRoot = context.path("runAsNonRoot").asBoolean(podContext.path("runAsNonRoot").asBoolean(false));
                int user = context.path("runAsUser").asInt(podContext.path("runAsUser").asInt(-1));
                String seccomp = context.at("/seccompProfile/type").asText(podContext.at("/seccompProfile/type").asText(""));
                if (!nonRoot) {
                    problems.add(where + ": runAsNonRoot is not true");
                }
                if (user <= 0) {
                    problems.add(where + ": no numeric non-root runAsUser");
                }
                if (!seccomp.equals("RuntimeDefault") && !seccomp.equals("Localhost")) {
                    problems.add(where + ": seccompProfile is not RuntimeDefault");
                }
                if (context.path("allowPrivilegeEscalation").asBoolean(true)) {
                    problems.add(where + ": allowPrivilegeEscalation is not false");
                }
                if (context.path("privileged").asBoolean(false)) {
                    problems.add(where + ": privileged");
                }
                List<String> dropped = new ArrayList<>();
                context.at("/capabilities/drop").forEach(c -> dropped.add(c.asText()));
                if (!dropped.contains("ALL")) {
                    problems.add(where + ": capabilities not dropped (drop: [ALL])");
                }
                if (!context.at("/capabilities/add").isMissingNode() && !context.at("/capabilities/add").isEmpty()) {
                    problems.add(where + ": adds capabilities");
                }
                if (!context.path("readOnlyRootFilesystem").asBoolean(false)) {
                    problems.add(where + ": root filesystem is writable");
                }
                if (container.at("/resources/limits/memory").isMissingNode() || container.at("/resources/limits/cpu").isMissingNode()) {
                    problems.add(where + ": no CPU and memory limits");
                }
                if (container.at("/resources/requests/memory").isMissingNode() || container.at("/resources/requests/cpu").isMissingNode()) {
                    problems.add(where + ": no CPU and memory requests");
                }
                if (container.path("image").asText().endsWith(":latest") || !container.path("image").asText().contains(":")) {
                    problems.add(where + ": image without a fixed tag");
                }
                if (container.path("readinessProbe").isMissingNode() || container.path("livenessProbe").isMissingNode()) {
                    problems.add(where + ": no readiness and liveness probes");
                }
            }
        }
        assertThat(problems).isEmpty();
    }
}
