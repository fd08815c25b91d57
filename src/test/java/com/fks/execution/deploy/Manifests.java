package com.fks.execution.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testsupport.ExternalCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The Kubernetes objects of one kustomization as the cluster would receive them: built with the
 * kubectl on PATH, checked against the Kubernetes API schema by tools/k8s-validate (Node), and
 * handed to the tests as JSON trees. Builds are cached per kustomization for the test run.
 */
record Manifests(String target, List<JsonNode> objects, String schemaReport, int schemaExitCode) {

    static final String NAMESPACE = "fks-trading";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Manifests> CACHE = new ConcurrentHashMap<>();
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    static Path root() {
        return ExternalCommand.projectRoot();
    }

    /** Every folder under k8s/overlays that holds a kustomization.yaml, by name. */
    static List<String> overlays() {
        try (Stream<Path> dirs = Files.list(root().resolve("k8s/overlays"))) {
            return dirs.filter(d -> Files.exists(d.resolve("kustomization.yaml")))
                    .map(d -> "k8s/overlays/" + d.getFileName())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base and every overlay. */
    static List<String> kustomizations() {
        List<String> all = new ArrayList<>();
        all.add("k8s/manifests");
        all.addAll(overlays());
        return all;
    }

    /** Builds, schema-checks and parses the kustomization in {@code target} (relative to the root). */
    static Manifests of(String target) {
        return CACHE.computeIfAbsent(target, Manifests::load);
    }

    /** Schema-checks and parses a plain multi-document YAML file (the secrets template). */
    static Manifests ofFile(String relativePath) {
        return CACHE.computeIfAbsent("file:" + relativePath, key -> validate(relativePath, root().resolve(relativePath)));
    }

    static String kustomize(String target) {
        ExternalCommand.require("kubectl", "kubectl v1.32 or newer (Debian's kubernetes-client 1.20 is too old for components)");
        return ExternalCommand.run(root(), TIMEOUT, "kubectl", "kustomize", target)
                .assertSuccess("kubectl kustomize " + target)
                .output();
    }

    private static Manifests load(String target) {
        String yaml = kustomize(target);
        try {
            Path file = Files.createTempFile("fks-manifests-", ".yaml");
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            return validate(target, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Manifests validate(String target, Path yamlFile) {
        Path tool = validatorDir();
        try {
            Path json = Files.createTempFile("fks-manifests-", ".json");
            ExternalCommand.Result result = ExternalCommand.run(root(), TIMEOUT,
                    "node", tool.resolve("validate.js").toString(), yamlFile.toString(), "--json-out", json.toString());
            List<JsonNode> objects = new ArrayList<>();
            if (Files.size(json) > 0) {
                JSON.readTree(json.toFile()).forEach(objects::add);
            }
            if (objects.isEmpty()) {
                throw new AssertionError("the validator read no objects from " + target + ":\n" + result.output());
            }
            return new Manifests(target, List.copyOf(objects), result.output(), result.exitCode());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** tools/k8s-validate with its node_modules installed (npm ci from the committed lock file). */
    static synchronized Path validatorDir() {
        ExternalCommand.require("node", "nodejs (Node 20)");
        Path dir = root().resolve("tools/k8s-validate");
        if (!Files.isDirectory(dir.resolve("node_modules/kubernetes-models"))) {
            ExternalCommand.require("npm", "npm");
            ExternalCommand.run(dir, Duration.ofMinutes(5), "npm", "ci", "--no-audit", "--no-fund")
                    .assertSuccess("npm ci in tools/k8s-validate");
        }
        return dir;
    }

    /** A YAML file (one document) as a JSON tree, read by the Node yaml package. */
    static JsonNode yamlFile(Path file) {
        String json = ExternalCommand.run(root(), TIMEOUT,
                        "node", validatorDir().resolve("yaml2json.js").toString(), file.toString())
                .assertSuccess("yaml2json " + file)
                .output();
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(file + " is not valid YAML: " + json, e);
        }
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return objects.stream()
                .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.path("metadata").path("name").asText()))
                .findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(target + " has no " + kind + " " + name));
    }

    /** A ConfigMap by the name it is given in the sources; generated ones carry a hash suffix. */
    JsonNode configMap(String baseName) {
        return ofKind("ConfigMap").stream()
                .filter(o -> o.path("metadata").path("name").asText().matches(java.util.regex.Pattern.quote(baseName) + "(-[a-z0-9]{10})?"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(target + " has no ConfigMap " + baseName));
    }

    /** Deployments and StatefulSets: every object with a pod template. */
    List<JsonNode> workloads() {
        return objects.stream().filter(o -> o.path("spec").path("template").path("spec").has("containers")).toList();
    }

    boolean isProduction() {
        return target.contains("production") || target.equals("k8s/manifests");
    }

    @Override
    public String toString() {
        return target;
    }
}
