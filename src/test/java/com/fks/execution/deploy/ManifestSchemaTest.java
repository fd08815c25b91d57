package com.fks.execution.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fks.execution.testsupport.ExternalCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every built object is checked two ways, since no API server can run here and neither check
 * alone catches both kinds of mistake:
 * the Kubernetes 1.27 API schema (kubernetes-models, in Node): wrong types, missing required
 * fields, bad enum values; and a strict parse into fabric8's typed model: misspelt or misplaced
 * fields, which the schema check lets through.
 */
final class ManifestSchemaTest {

    /** apiVersion/kind -> typed model. A kind not here fails the strict parse: add it deliberately. */
    private static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class));

    /**
     * cert-manager's model (io.fabric8:certmanager-model) is not served at 8.0.0: ClusterIssuers get
     * the schema check (cert-manager's CRD schema) only.
     */
    private static final String CLUSTER_ISSUER = "cert-manager.io/v1/ClusterIssuer";

    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    static List<String> kustomizations() {
        return Manifests.kustomizations();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldMatchTheKubernetesApiSchema(String target) {
        Manifests manifests = Manifests.of(target);
        assertThat(manifests.schemaExitCode())
                .as("kubernetes-models validation of %s:\n%s", target, manifests.schemaReport())
                .isZero();
        assertThat(manifests.schemaReport()).contains(manifests.objects().size() + " objects, 0 invalid");
    }

    @Test
    void shouldMatchTheKubernetesApiSchemaInTheSecretsTemplate() {
        Manifests template = Manifests.ofFile("k8s/manifests/secrets.yaml.template");
        assertThat(template.schemaExitCode()).as(template.schemaReport()).isZero();
        template.objects().forEach(ManifestSchemaTest::parseStrictly);
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldParseStrictlyIntoTheTypedModel(String target) {
        for (JsonNode object : Manifests.of(target).objects()) {
            parseStrictly(object);
        }
    }

    @Test
    void shouldRejectAMisspeltFieldInTheStrictParse() {
        ObjectNode deployment = Manifests.of("k8s/manifests").get("Deployment", "fks-execution").deepCopy();
        ((ObjectNode) deployment.at("/spec/template/spec/containers/0")).set("readinesProbe", deployment.at("/spec/template/spec/containers/0/readinessProbe"));
        assertThatThrownBy(() -> parseStrictly(deployment)).hasMessageContaining("readinesProbe");

        ObjectNode service = Manifests.of("k8s/manifests").get("Service", "fks-execution").deepCopy();
        ((ObjectNode) service.at("/spec")).put("selectr", "x");
        assertThatThrownBy(() -> parseStrictly(service)).hasMessageContaining("selectr");
    }

    @Test
    void shouldRejectAWrongTypeInTheSchemaCheck() throws Exception {
        Path file = Files.createTempFile("fks-bad-", ".yaml");
        Files.writeString(file, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: bad}
                spec:
                  replicas: "two"
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers: [{name: c, image: i, imagePullPolicy: Sometimes}]
                """);
        ExternalCommand.Result result = ExternalCommand.run(Manifests.root(), Duration.ofMinutes(1),
                "node", Manifests.validatorDir().resolve("validate.js").toString(), file.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("replicas must be integer").contains("imagePullPolicy");
    }

    static Object parseStrictly(JsonNode object) {
        String key = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        String what = key + " " + object.at("/metadata/name").asText();
        if (key.equals(CLUSTER_ISSUER)) {
            return object;
        }
        Class<?> model = MODELS.get(key);
        if (model == null) {
            throw new AssertionError(what + ": no typed model registered for this kind in ManifestSchemaTest");
        }
        Object parsed;
        try {
            parsed = STRICT.readValue(object.toString(), model);
        } catch (RuntimeException e) {
            throw new AssertionError(what + " does not parse strictly: " + e.getMessage(), e);
        }
        // fabric8 keeps fields it does not know in an "additionalProperties" map instead of failing:
        // any entry there is a field Kubernetes does not have.
        List<String> unknown = new ArrayList<>();
        collectAdditionalProperties(parsed, "", unknown, new IdentityHashMap<>());
        if (!unknown.isEmpty()) {
            throw new AssertionError(what + " has fields unknown to the Kubernetes API: " + unknown);
        }
        return parsed;
    }

    private static void collectAdditionalProperties(Object value, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object item : collection) {
                collectAdditionalProperties(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectAdditionalProperties(v, path + "." + k, unknown, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> type = value.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object fieldValue;
                try {
                    fieldValue = field.get(value);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
                if (field.getName().equals("additionalProperties") && fieldValue instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(k -> unknown.add(path + "." + k));
                } else {
                    collectAdditionalProperties(fieldValue, path + "." + field.getName(), unknown, seen);
                }
            }
        }
    }
}
