package com.fks.execution.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files under monitoring/ (written by the monitoring work, whatever is there at test time)
 * against the cluster that runs them: every rule file, template and dashboard is in its generated
 * ConfigMap byte for byte, and the paths, hosts and ports inside prometheus.yml, alertmanager.yml
 * and the dashboard resolve to what the manifests mount and serve.
 */
final class MonitoringWiringContractTest {

    private static final Path MONITORING = Manifests.root().resolve("monitoring");

    static List<String> kustomizations() {
        return Manifests.kustomizations();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void shouldCarryEveryMonitoringFileInItsConfigMapUnchanged(String target) throws IOException {
        Manifests manifests = Manifests.of(target);
        assertConfigMapHoldsExactly(manifests, "prometheus-config", List.of(MONITORING.resolve("prometheus/prometheus.yml")));
        assertConfigMapHoldsExactly(manifests, "prometheus-rules", files("prometheus/rules", "*.{yml,yaml}"));
        assertConfigMapHoldsExactly(manifests, "alertmanager-config", List.of(MONITORING.resolve("alertmanager/alertmanager.yml")));
        assertConfigMapHoldsExactly(manifests, "alertmanager-templates", files("alertmanager/templates", "*.tmpl"));
        assertConfigMapHoldsExactly(manifests, "grafana-dashboards", files("grafana/dashboards", "*.json"));
    }

    @Test
    void shouldLoadPrometheusRulesFromWhereTheyAreMounted() {
        Manifests manifests = Manifests.of("k8s/manifests");
        JsonNode config = Manifests.yamlFile(MONITORING.resolve("prometheus/prometheus.yml"));
        Map<String, String> mounts = mountedFiles(manifests, "prometheus");
        Set<String> ruleFiles = new TreeSet<>();
        mounts.forEach((path, source) -> {
            if (source.startsWith("prometheus-rules/")) {
                ruleFiles.add(path);
            }
        });
        assertThat(ruleFiles).isNotEmpty();
        Set<String> loaded = new HashSet<>();
        for (JsonNode pattern : config.path("rule_files")) {
            // relative rule_files are resolved against the folder of the config file
            String absolute = pattern.asText().startsWith("/") ? pattern.asText() : "/etc/prometheus/" + pattern.asText();
            var matcher = FileSystems.getDefault().getPathMatcher("glob:" + absolute);
            ruleFiles.stream().filter(f -> matcher.matches(Path.of(f))).forEach(loaded::add);
        }
        assertThat(loaded).as("rule files mounted in the Prometheus pod that rule_files %s loads", config.path("rule_files")).isEqualTo(ruleFiles);
        assertThat(mounts).as("prometheus.yml at the path of --config.file").containsEntry("/etc/prometheus/prometheus.yml", "prometheus-config/prometheus.yml");
        assertThat(manifests.get("Deployment", "prometheus").at("/spec/template/spec/containers/0/args").toString())
                .contains("--config.file=/etc/prometheus/prometheus.yml")
                .contains("--storage.tsdb.retention.time=15d");
    }

    @Test
    void shouldSendAlertsToTheAlertmanagerService() {
        Manifests manifests = Manifests.of("k8s/manifests");
        JsonNode config = Manifests.yamlFile(MONITORING.resolve("prometheus/prometheus.yml"));
        List<String> targets = new ArrayList<>();
        for (JsonNode alertmanagers : config.at("/alerting/alertmanagers")) {
            alertmanagers.path("static_configs").forEach(s -> s.path("targets").forEach(t -> targets.add(t.asText())));
        }
        assertThat(targets).as("Alertmanager targets in prometheus.yml").isNotEmpty();
        for (String target : targets) {
            String[] hostPort = target.split(":");
            String host = hostPort[0].replaceAll("\\.fks-trading(\\.svc(\\.cluster\\.local)?)?$", "");
            int port = Integer.parseInt(hostPort[1]);
            JsonNode service = manifests.find("Service", host)
                    .orElseThrow(() -> new AssertionError("prometheus.yml sends alerts to " + target + ": no Service " + host + " in the manifests"));
            assertThat(service.at("/spec/ports").findValues("port").stream().map(JsonNode::asInt)).as("ports of Service " + host).contains(port);
        }
    }

    @Test
    void shouldGrantPrometheusWhatItsServiceDiscoveryReads() {
        Manifests manifests = Manifests.of("k8s/manifests");
        JsonNode config = Manifests.yamlFile(MONITORING.resolve("prometheus/prometheus.yml"));
        Map<String, List<String>> needs = Map.of(
                "pod", List.of("/pods"),
                "service", List.of("/services"),
                "endpoints", List.of("/endpoints", "/services", "/pods"),
                "endpointslice", List.of("discovery.k8s.io/endpointslices", "/services", "/pods"),
                "node", List.of("/nodes"),
                "ingress", List.of("networking.k8s.io/ingresses"));
        Set<String> granted = new HashSet<>();
        for (JsonNode rule : manifests.get("ClusterRole", "fks-prometheus-discovery").path("rules")) {
            assertThat(rule.path("verbs").toString()).contains("get").contains("list").contains("watch");
            for (JsonNode verb : rule.path("verbs")) {
                assertThat(verb.asText()).as("Prometheus only reads").isIn("get", "list", "watch");
            }
            rule.path("apiGroups").forEach(g -> rule.path("resources").forEach(r -> granted.add(g.asText() + "/" + r.asText())));
        }
        Set<String> roles = new HashSet<>();
        config.path("scrape_configs").forEach(job -> job.path("kubernetes_sd_configs").forEach(sd -> roles.add(sd.path("role").asText())));
        assertThat(roles).as("kubernetes_sd_configs roles in prometheus.yml (pod discovery by annotation)").isNotEmpty();
        for (String role : roles) {
            assertThat(needs).containsKey(role);
            assertThat(granted).as("ClusterRole fks-prometheus-discovery for role %s", role).containsAll(needs.get(role));
        }
        JsonNode binding = manifests.get("ClusterRoleBinding", "fks-prometheus-discovery");
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(manifests.get("Deployment", "prometheus").at("/spec/template/spec/serviceAccountName").asText());
        assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(Manifests.NAMESPACE);
    }

    @Test
    void shouldGiveAlertmanagerItsTemplatesAndTheSlackUrlFromTheSecret() {
        Manifests manifests = Manifests.of("k8s/manifests");
        JsonNode config = Manifests.yamlFile(MONITORING.resolve("alertmanager/alertmanager.yml"));
        Map<String, String> mounts = mountedFiles(manifests, "alertmanager");
        assertThat(mounts).containsEntry("/etc/alertmanager/alertmanager.yml", "alertmanager-config/alertmanager.yml");

        Set<String> templates = new TreeSet<>();
        mounts.forEach((path, source) -> {
            if (source.startsWith("alertmanager-templates/")) {
                templates.add(path);
            }
        });
        Set<String> loaded = new HashSet<>();
        for (JsonNode pattern : config.path("templates")) {
            String absolute = pattern.asText().startsWith("/") ? pattern.asText() : "/etc/alertmanager/" + pattern.asText();
            var matcher = FileSystems.getDefault().getPathMatcher("glob:" + absolute);
            templates.stream().filter(f -> matcher.matches(Path.of(f))).forEach(loaded::add);
        }
        assertThat(loaded).as("templates mounted that alertmanager.yml's templates: %s loads", config.path("templates")).isEqualTo(templates);

        List<String> urlFiles = new ArrayList<>(config.findValuesAsText("slack_api_url_file"));
        urlFiles.addAll(config.findValuesAsText("api_url_file"));
        assertThat(urlFiles).as("the Slack URL is read from a file").isNotEmpty();
        Map<String, Set<String>> template = ExecutionDeploymentContractTest.secretsTemplate();
        for (String file : urlFiles) {
            String source = mounts.get(file);
            assertThat(source).as("%s (a Slack URL file of alertmanager.yml) is mounted from a secret", file).startsWith("secret:");
            String[] secretKey = source.substring("secret:".length()).split("/", 2);
            assertThat(template.get(secretKey[0])).as("secret %s in secrets.yaml.template", secretKey[0]).isNotNull().contains(secretKey[1]);
        }
        assertThat(config.toString()).as("no Slack URL written into alertmanager.yml").doesNotContain("hooks.slack.com");
    }

    @Test
    void shouldProvisionTheDatasourceTheDashboardsUse() {
        Manifests manifests = Manifests.of("k8s/manifests");
        String provisioning = manifests.configMap("grafana-datasources").path("data").elements().next().asText();
        Set<String> uids = new HashSet<>();
        for (String line : provisioning.split("\n")) {
            if (line.trim().startsWith("uid:")) {
                uids.add(line.trim().substring(4).trim());
            }
        }
        assertThat(provisioning).contains("url: http://prometheus:9090");
        for (Path dashboard : files("grafana/dashboards", "*.json")) {
            try {
                JsonNode json = Manifests.JSON.readTree(dashboard.toFile());
                for (JsonNode datasource : json.findValues("datasource")) {
                    String uid = datasource.isTextual() ? null : datasource.path("uid").asText(null);
                    if (uid != null && !uid.startsWith("$") && !uid.startsWith("-- ") && !uid.equals("grafana")) {
                        assertThat(uids).as("datasource uid %s used by %s", uid, dashboard.getFileName()).contains(uid);
                    }
                }
            } catch (IOException e) {
                throw new AssertionError(dashboard + " is not JSON", e);
            }
        }
        // the dashboard provider reads the folder the dashboards are mounted at
        String providers = manifests.configMap("grafana-dashboard-providers").path("data").elements().next().asText();
        Map<String, String> mounts = mountedFiles(manifests, "grafana");
        String dashboardDir = mounts.entrySet().stream().filter(e -> e.getValue().startsWith("grafana-dashboards/"))
                .map(e -> Path.of(e.getKey()).getParent().toString()).findFirst().orElseThrow();
        assertThat(providers).contains("path: " + dashboardDir);
    }

    @Test
    void shouldRunGrafanaLockedDown() {
        JsonNode container = Manifests.of("k8s/manifests").get("Deployment", "grafana").at("/spec/template/spec/containers/0");
        Map<String, JsonNode> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        assertThat(env.get("GF_AUTH_ANONYMOUS_ENABLED").path("value").asText()).isEqualTo("false");
        assertThat(env.get("GF_SERVER_ROOT_URL").path("value").asText()).isEqualTo("https://grafana.fks-trading.com");
        assertThat(env.get("GF_SECURITY_ADMIN_PASSWORD").at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("grafana-admin-password");
        assertThat(env.get("GF_SECURITY_ADMIN_USER").at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("grafana-admin-user");
        Manifests production = Manifests.of("k8s/overlays/production");
        assertThat(production.get("PersistentVolumeClaim", "prometheus-data").at("/spec/resources/requests/storage").asText()).isEqualTo("50Gi");
        assertThat(production.get("PersistentVolumeClaim", "grafana-data").at("/spec/resources/requests/storage").asText()).isEqualTo("10Gi");
    }

    private static void assertConfigMapHoldsExactly(Manifests manifests, String name, List<Path> files) throws IOException {
        JsonNode data = manifests.configMap(name).path("data");
        Set<String> keys = new TreeSet<>();
        data.fieldNames().forEachRemaining(keys::add);
        Set<String> expected = new TreeSet<>();
        for (Path file : files) {
            expected.add(file.getFileName().toString());
        }
        assertThat(keys).as("ConfigMap %s: add new files under monitoring/ to monitoring/kustomization.yaml", name).isEqualTo(expected);
        for (Path file : files) {
            assertThat(data.path(file.getFileName().toString()).asText())
                    .as("%s in ConfigMap %s", file, name)
                    .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
        }
    }

    private static List<Path> files(String dir, String glob) {
        Path folder = MONITORING.resolve(dir);
        assertThat(folder).as("monitoring files (they come from the monitoring work)").isDirectory();
        var matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(p -> matcher.matches(p.getFileName())).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Absolute path of every file the workload's container sees from a ConfigMap or Secret, mapped
     * to "configMapBaseName/key" or "secret:name/key".
     */
    static Map<String, String> mountedFiles(Manifests manifests, String deployment) {
        JsonNode pod = manifests.get("Deployment", deployment).at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        Map<String, String> files = new HashMap<>();
        for (JsonNode mount : container.path("volumeMounts")) {
            JsonNode volume = ExecutionDeploymentContractTest.volume(pod, mount.path("name").asText());
            String dir = mount.path("mountPath").asText();
            if (volume.has("configMap")) {
                String generated = volume.at("/configMap/name").asText();
                String baseName = generated.replaceAll("-[a-z0-9]{10}$", "");
                JsonNode data = manifests.configMap(baseName).path("data");
                data.fieldNames().forEachRemaining(key -> files.put(dir + "/" + key, baseName + "/" + key));
            } else if (volume.has("secret")) {
                String secret = volume.at("/secret/secretName").asText();
                volume.at("/secret/items").forEach(item -> files.put(dir + "/" + item.path("path").asText(), "secret:" + secret + "/" + item.path("key").asText()));
            }
        }
        return files;
    }
}
