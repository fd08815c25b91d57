package com.fks.execution.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;

/**
 * Stages monitoring/prometheus/prometheus.yml for Debian's Prometheus, which is built
 * without Kubernetes discovery: the one `kubernetes_sd_configs:` block becomes a
 * `file_sd_configs:` reading pods.json, in which a test lists pods as the Kubernetes
 * discovery would (the same __meta_kubernetes_* labels). Everything else - relabelling,
 * rule files, Alertmanager targets - is the real file.
 */
final class KubernetesConfig {

    /** A pod as Kubernetes discovery would report it: target address plus its meta labels. */
    record Pod(String address, Map<String, String> metaLabels) {
    }

    private KubernetesConfig() {
    }

    /** Returns the folder holding prometheus.yml, rules/ and pods.json. */
    static Path stage(Path dir, List<Pod> pods) {
        MonitoringFiles.copyTree(MonitoringFiles.prometheusDir().resolve("rules"), dir.resolve("rules"));
        String original = MonitoringFiles.read(MonitoringFiles.prometheusDir().resolve("prometheus.yml"));
        MonitoringFiles.write(dir.resolve("prometheus.yml"), swapDiscovery(original));
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < pods.size(); i++) {
            Pod pod = pods.get(i);
            json.append(i == 0 ? "" : ",").append("{\"targets\":[\"").append(pod.address()).append("\"],\"labels\":{");
            int j = 0;
            for (Map.Entry<String, String> label : pod.metaLabels().entrySet()) {
                json.append(j++ == 0 ? "" : ",").append('"').append(label.getKey()).append("\":\"")
                        .append(label.getValue()).append('"');
            }
            json.append("}}");
        }
        MonitoringFiles.write(dir.resolve("pods.json"), json.append("]").toString());
        return dir;
    }

    /** The discovery block of the real file, as written (for assertions on it). */
    static String discoveryBlock(String config) {
        return String.join("\n", split(config).get(1));
    }

    static String swapDiscovery(String config) {
        List<List<String>> parts = split(config);
        String indent = parts.get(1).get(0).replaceAll("\\S.*", "");
        List<String> out = new ArrayList<>(parts.get(0));
        out.add(indent + "file_sd_configs:");
        out.add(indent + "  - files:");
        out.add(indent + "      - pods.json");
        out.addAll(parts.get(2));
        return String.join("\n", out) + "\n";
    }

    /** [lines before, the kubernetes_sd_configs block, lines after]; exactly one block expected. */
    private static List<List<String>> split(String config) {
        String[] lines = config.split("\n", -1);
        int start = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].trim().equals("kubernetes_sd_configs:")) {
                if (start >= 0) {
                    throw new AssertionError("more than one kubernetes_sd_configs block in prometheus.yml");
                }
                start = i;
            }
        }
        if (start < 0) {
            throw new AssertionError("no kubernetes_sd_configs block in prometheus.yml");
        }
        int indent = lines[start].indexOf('k');
        int end = start + 1;
        while (end < lines.length) {
            String line = lines[end];
            int lineIndent = line.length() - line.stripLeading().length();
            boolean inside = line.isBlank() || lineIndent > indent
                    || (lineIndent == indent && line.stripLeading().startsWith("- "));
            if (!inside) {
                break;
            }
            end++;
        }
        return List.of(List.of(lines).subList(0, start), List.of(lines).subList(start, end),
                List.of(lines).subList(end, lines.length));
    }
}
