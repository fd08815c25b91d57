package com.fks.execution.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fks.execution.config.EnvironmentVariable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The execution Deployment against the service it deploys: the environment it sets is the one the
 * service reads (EnvironmentVariable), the secrets it references exist in the template, the probes
 * and the scrape annotations point at the ports the service listens on.
 */
final class ExecutionDeploymentContractTest {

    private static final Set<String> REQUIRED = Set.of("WEBHOOK_SECRET", "ADMIN_TOKEN", "DATABASE_URL", "DATABASE_USER",
            "POSTGRES_PASSWORD", "REDIS_URL", "REDIS_PASSWORD", "TRUSTED_PROXIES", "IP_WHITELIST", "DATA_DIR");
    private static final Set<String> FROM_SECRET = Set.of("WEBHOOK_SECRET", "ADMIN_TOKEN", "POSTGRES_PASSWORD", "REDIS_PASSWORD",
            "BINANCE_API_KEY", "BINANCE_API_SECRET", "COINBASE_API_KEY", "COINBASE_API_SECRET");
    private static final Set<String> OPTIONAL_SECRETS = Set.of("BINANCE_API_KEY", "BINANCE_API_SECRET", "COINBASE_API_KEY", "COINBASE_API_SECRET");

    static List<String> kustomizations() {
        return Manifests.kustomizations();
    }

    static JsonNode deployment(Manifests manifests) {
        return manifests.get("Deployment", "fks-execution");
    }

    static JsonNode container(Manifests manifests) {
        JsonNode containers = deployment(manifests).at("/spec/template/spec/containers");
        assertThat(containers.size()).as("containers of fks-execution").isEqualTo(1);
        return containers.get(0);
    }

    /** Name -> value of every variable the container gets: env entries and envFrom ConfigMaps. */
    static Map<String, JsonNode> environment(Manifests manifests) {
        JsonNode container = container(manifests);
        Map<String, JsonNode> env = new HashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            assertThat(from.has("prefix")).as("envFrom with a prefix renames variables").isFalse();
            assertThat(from.has("secretRef")).as("secrets come one key at a time (secretKeyRef), never a whole secret").isFalse();
            String name = from.at("/configMapRef/name").asText();
            JsonNode data = manifests.get("ConfigMap", name).path("data");
            data.fieldNames().forEachRemaining(key -> env.put(key, data.get(key)));
        }
        for (JsonNode entry : container.path("env")) {
            env.put(entry.path("name").asText(), entry.has("value") ? entry.get("value") : entry.get("valueFrom"));
        }
        return env;
    }

    static String configValue(Manifests manifests, String name) {
        JsonNode value = environment(manifests).get(name);
        assertThat(value).as("%s in %s", name, manifests).isNotNull();
        assertThat(value.isTextual()).as("%s is a plain value", name).isTrue();
        return value.asText();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldSetOnlyVariablesTheServiceReads(String target) {
        Set<String> known = Arrays.stream(EnvironmentVariable.values()).map(Enum::name).collect(Collectors.toSet());
        assertThat(environment(Manifests.of(target)).keySet())
                .as("every variable set for fks-execution is an EnvironmentVariable constant")
                .isSubsetOf(known);
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldSetEveryProductionSetting(String target) {
        Map<String, JsonNode> env = environment(Manifests.of(target));
        assertThat(env.keySet()).containsAll(REQUIRED);
        for (String name : REQUIRED) {
            JsonNode value = env.get(name);
            if (value.isTextual()) {
                assertThat(value.asText()).as("%s must not be empty", name).isNotBlank();
            }
        }
        for (String name : FROM_SECRET) {
            JsonNode ref = env.get(name).path("secretKeyRef");
            assertThat(ref.isMissingNode()).as("%s comes from a secretKeyRef", name).isFalse();
            assertThat(ref.path("optional").asBoolean(false))
                    .as("%s optional (only exchange keys may be absent)", name)
                    .isEqualTo(OPTIONAL_SECRETS.contains(name));
        }
        assertThat(configValue(Manifests.of(target), "DATABASE_URL")).startsWith("jdbc:postgresql://");
        assertThat(configValue(Manifests.of(target), "REDIS_URL")).matches("rediss?://.+");
        assertThat(Integer.parseInt(configValue(Manifests.of(target), "WEBHOOK_MAX_AGE_SECONDS"))).isPositive();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldCarryTheSettingsOfTheIssue(String target) {
        Manifests manifests = Manifests.of(target);
        Map<String, String> expected = Map.of("MIN_CONFIDENCE", "0.6", "MAX_ORDER_SIZE_USD", "100000",
                "RATE_LIMIT_REQUESTS", "100", "RATE_LIMIT_WINDOW", "60", "CIRCUIT_BREAKER_THRESHOLD", "5",
                "CIRCUIT_BREAKER_TIMEOUT", "60", "HTTP_PORT", "8000", "METRICS_PORT", "9090");
        expected.forEach((name, value) -> assertThat(configValue(manifests, name)).as(name).isEqualTo(value));
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldReferenceOnlySecretKeysOfTheTemplate(String target) {
        Map<String, Set<String>> template = secretsTemplate();
        List<String> missing = new ArrayList<>();
        for (String reference : secretReferences(Manifests.of(target))) {
            String[] parts = reference.split("/", 2);
            Set<String> keys = template.get(parts[0]);
            if (keys == null || (parts.length == 2 && !keys.contains(parts[1]))) {
                missing.add(reference);
            }
        }
        assertThat(missing).as("secret references not in k8s/manifests/secrets.yaml.template").isEmpty();
    }

    @Test
    void shouldKeepTheSecretsTemplateFreeOfValues() throws Exception {
        Map<String, Set<String>> template = secretsTemplate();
        assertThat(template.get("fks-execution-secrets")).containsExactlyInAnyOrder("webhook-secret", "admin-token",
                "postgres-password", "redis-password", "binance-api-key", "binance-api-secret", "coinbase-api-key", "coinbase-api-secret");
        assertThat(template.get("fks-monitoring-secrets")).containsExactlyInAnyOrder("grafana-admin-user", "grafana-admin-password");
        assertThat(template.get("alertmanager-slack")).containsExactlyInAnyOrder("critical-url", "warnings-url", "info-url");
        for (JsonNode secret : Manifests.ofFile("k8s/manifests/secrets.yaml.template").objects()) {
            assertThat(secret.has("data")).as("template uses stringData placeholders only").isFalse();
            secret.path("stringData").fields().forEachRemaining(field ->
                    assertThat(field.getValue().asText()).as("placeholder of %s", field.getKey()).contains("CHANGE_ME"));
        }
        String gitignore = Files.readString(Manifests.root().resolve(".gitignore"));
        assertThat(gitignore.lines()).contains("k8s/manifests/secrets.yaml");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldProbeTheServicesHealthEndpointsOnItsHttpPort(String target) {
        Manifests manifests = Manifests.of(target);
        JsonNode container = container(manifests);
        int httpPort = Integer.parseInt(configValue(manifests, "HTTP_PORT"));
        int metricsPort = Integer.parseInt(configValue(manifests, "METRICS_PORT"));
        assertThat(containerPort(container, "http")).isEqualTo(httpPort);
        assertThat(containerPort(container, "metrics")).isEqualTo(metricsPort);

        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/ready");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isIn("/health", "/ready");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(resolvePort(container, container.path(probe).at("/httpGet/port"))).as(probe).isEqualTo(httpPort);
        }
        // the startup probe must allow more than the liveness probe would before it takes over
        JsonNode startup = container.path("startupProbe");
        assertThat(startup.path("periodSeconds").asInt(10) * startup.path("failureThreshold").asInt(3)).isGreaterThanOrEqualTo(60);

        JsonNode service = manifests.get("Service", "fks-execution");
        Map<String, Integer> servicePorts = new HashMap<>();
        for (JsonNode port : service.at("/spec/ports")) {
            servicePorts.put(port.path("name").asText(), resolvePort(container, port.path("targetPort")));
            assertThat(port.path("port").asInt()).isEqualTo(resolvePort(container, port.path("targetPort")));
        }
        assertThat(servicePorts).containsEntry("http", httpPort).containsEntry("metrics", metricsPort);
        assertThat(service.at("/spec/type").asText("ClusterIP")).isEqualTo("ClusterIP");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldPointTheScrapeAnnotationsAtTheMetricsPort(String target) {
        Manifests manifests = Manifests.of(target);
        JsonNode annotations = deployment(manifests).at("/spec/template/metadata/annotations");
        assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
        assertThat(annotations.path("prometheus.io/port").asInt())
                .isEqualTo(Integer.parseInt(configValue(manifests, "METRICS_PORT")))
                .isEqualTo(containerPort(container(manifests), "metrics"));
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldOutwaitTheServicesDrain(String target) {
        JsonNode pod = deployment(Manifests.of(target)).at("/spec/template/spec");
        int preStopSleep = 0;
        JsonNode command = container(Manifests.of(target)).at("/lifecycle/preStop/exec/command");
        if (command.size() == 2 && command.get(0).asText().equals("sleep")) {
            preStopSleep = command.get(1).asInt();
        }
        // The service drains and exits within 30 s of SIGTERM, which comes after the preStop hook.
        assertThat(pod.path("terminationGracePeriodSeconds").asInt(30)).isGreaterThan(preStopSleep + 30);
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldRunHardened(String target) {
        Manifests manifests = Manifests.of(target);
        JsonNode pod = deployment(manifests).at("/spec/template/spec");
        JsonNode container = container(manifests);
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
        assertThat(manifests.get("ServiceAccount", pod.path("serviceAccountName").asText()).path("automountServiceAccountToken").asBoolean(true)).isFalse();
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);

        // DATA_DIR and /tmp are writable volumes (the root filesystem is not)
        String dataDir = configValue(manifests, "DATA_DIR");
        Map<String, String> mounts = new HashMap<>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
        for (String path : List.of(dataDir, "/tmp")) {
            assertThat(mounts).as("a volume mounted at %s", path).containsKey(path);
            JsonNode volume = volume(pod, mounts.get(path));
            assertThat(volume.has("emptyDir")).as("%s is an emptyDir", path).isTrue();
        }
        assertThat(container.at("/resources/requests/cpu").asText()).isNotBlank();
        assertThat(container.at("/resources/limits/memory").asText()).isNotBlank();
        assertThat(container.path("image").asText()).isEqualTo("nuniesmith/fks:execution-" + pomVersion());
    }

    @Test
    void shouldDeployTheProductionShape() {
        for (String target : List.of("k8s/manifests", "k8s/overlays/production", "k8s/overlays/production-mtls")) {
            Manifests manifests = Manifests.of(target);
            JsonNode deployment = deployment(manifests);
            assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
            assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
            assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
            JsonNode resources = container(manifests).path("resources");
            assertThat(resources.at("/requests/cpu").asText()).isEqualTo("200m");
            assertThat(resources.at("/requests/memory").asText()).isEqualTo("512Mi");
            assertThat(resources.at("/limits/cpu").asText()).isEqualTo("1000m");
            assertThat(resources.at("/limits/memory").asText()).isEqualTo("1Gi");
            assertThat(deployment.at("/spec/template/spec/affinity/podAntiAffinity").isMissingNode()).isFalse();

            JsonNode hpa = manifests.get("HorizontalPodAutoscaler", "fks-execution").path("spec");
            assertThat(hpa.at("/scaleTargetRef/name").asText()).isEqualTo("fks-execution");
            assertThat(hpa.path("minReplicas").asInt()).isEqualTo(2);
            assertThat(hpa.path("maxReplicas").asInt()).isEqualTo(10);
            Map<String, Integer> utilisation = new HashMap<>();
            hpa.path("metrics").forEach(m -> utilisation.put(m.at("/resource/name").asText(), m.at("/resource/target/averageUtilization").asInt()));
            // CPU only: the JVM's memory is bounded by its flags and does not follow load (ContainerMemoryBudgetTest)
            assertThat(utilisation).containsExactlyInAnyOrderEntriesOf(Map.of("cpu", 70));
            assertThat(hpa.at("/behavior/scaleUp/selectPolicy").asText()).isEqualTo("Min");
            assertThat(policies(hpa.at("/behavior/scaleUp/policies"))).containsExactlyInAnyOrder("Percent 100/30", "Pods 2/30");
            assertThat(policies(hpa.at("/behavior/scaleDown/policies"))).containsExactly("Percent 50/60");
            assertThat(hpa.at("/behavior/scaleDown/stabilizationWindowSeconds").asInt()).isEqualTo(300);

            assertThat(manifests.get("PodDisruptionBudget", "fks-execution").at("/spec/minAvailable").asInt()).isEqualTo(1);
        }
    }

    @Test
    void shouldRunOneReplicaOnMinikube() {
        Manifests minikube = Manifests.of("k8s/overlays/minikube");
        for (JsonNode workload : minikube.workloads()) {
            assertThat(workload.at("/spec/replicas").asInt(1)).as("replicas of %s", workload.at("/metadata/name").asText()).isEqualTo(1);
        }
        assertThat(minikube.get("HorizontalPodAutoscaler", "fks-execution").at("/spec/minReplicas").asInt()).isEqualTo(1);
        // and the datastores it names exist there
        assertThat(minikube.find("Service", "postgres")).isPresent();
        assertThat(minikube.find("Service", "redis")).isPresent();
        assertThat(configValue(minikube, "DATABASE_URL")).startsWith("jdbc:postgresql://postgres:5432/");
        assertThat(configValue(minikube, "REDIS_URL")).startsWith("redis://redis:6379");
    }

    private static List<String> policies(JsonNode policies) {
        List<String> result = new ArrayList<>();
        policies.forEach(p -> result.add(p.path("type").asText() + " " + p.path("value").asInt() + "/" + p.path("periodSeconds").asInt()));
        return result;
    }

    static JsonNode volume(JsonNode podSpec, String name) {
        for (JsonNode volume : podSpec.path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    static int containerPort(JsonNode container, String name) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText().equals(name)) {
                return port.path("containerPort").asInt();
            }
        }
        throw new AssertionError("container " + container.path("name").asText() + " has no port named " + name);
    }

    static int resolvePort(JsonNode container, JsonNode port) {
        return port.isInt() ? port.asInt() : containerPort(container, port.asText());
    }

    /** Secret name -> keys, from k8s/manifests/secrets.yaml.template. */
    static Map<String, Set<String>> secretsTemplate() {
        Map<String, Set<String>> secrets = new HashMap<>();
        for (JsonNode secret : Manifests.ofFile("k8s/manifests/secrets.yaml.template").objects()) {
            Set<String> keys = new HashSet<>();
            secret.path("stringData").fieldNames().forEachRemaining(keys::add);
            secret.path("data").fieldNames().forEachRemaining(keys::add);
            secrets.put(secret.at("/metadata/name").asText(), keys);
        }
        return secrets;
    }

    /**
     * Every secret the build references, as "name/key" (or "name" for a whole secret): env
     * secretKeyRefs, secret volumes, the ingress annotations that name secrets. TLS secrets of
     * ingresses are left out: cert-manager creates them.
     */
    static Set<String> secretReferences(Manifests manifests) {
        Set<String> references = new HashSet<>();
        for (JsonNode workload : manifests.workloads()) {
            JsonNode pod = workload.at("/spec/template/spec");
            for (String list : List.of("containers", "initContainers")) {
                for (JsonNode container : pod.path(list)) {
                    for (JsonNode env : container.path("env")) {
                        JsonNode ref = env.at("/valueFrom/secretKeyRef");
                        if (!ref.isMissingNode()) {
                            references.add(ref.path("name").asText() + "/" + ref.path("key").asText());
                        }
                    }
                    for (JsonNode from : container.path("envFrom")) {
                        if (from.has("secretRef")) {
                            references.add(from.at("/secretRef/name").asText());
                        }
                    }
                }
            }
            for (JsonNode volume : pod.path("volumes")) {
                JsonNode secret = volume.path("secret");
                if (!secret.isMissingNode()) {
                    if (secret.path("items").isEmpty()) {
                        references.add(secret.path("secretName").asText());
                    }
                    secret.path("items").forEach(item -> references.add(secret.path("secretName").asText() + "/" + item.path("key").asText()));
                }
            }
        }
        Pattern named = Pattern.compile("(?:[a-z0-9-]+/)?([a-z0-9-]+)");
        for (JsonNode ingress : manifests.ofKind("Ingress")) {
            JsonNode annotations = ingress.at("/metadata/annotations");
            if (annotations.has("nginx.ingress.kubernetes.io/auth-secret")) {
                references.add(annotations.path("nginx.ingress.kubernetes.io/auth-secret").asText() + "/auth");
            }
            if (annotations.has("nginx.ingress.kubernetes.io/auth-tls-secret")) {
                Matcher m = named.matcher(annotations.path("nginx.ingress.kubernetes.io/auth-tls-secret").asText());
                assertThat(m.matches()).isTrue();
                references.add(m.group(1) + "/ca.crt");
            }
        }
        return references;
    }

    static String pomVersion() {
        try {
            String pom = Files.readString(Manifests.root().resolve("pom.xml"));
            Matcher m = Pattern.compile("<artifactId>fks-execution</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
            assertThat(m.find()).as("project version in pom.xml").isTrue();
            return m.group(1);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
