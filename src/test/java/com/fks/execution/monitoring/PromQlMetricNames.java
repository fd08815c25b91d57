package com.fks.execution.monitoring;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, and the names the service (and Prometheus)
 * actually export. Prometheus 2.42 has no API that returns a parsed expression, so the
 * names are found lexically: drop string literals, label matchers, range selectors and
 * grouping label lists; what is left that is an identifier not followed by "(" and not a
 * keyword is a metric name. PromQlMetricNamesTest pins this down.
 */
final class PromQlMetricNames {

    /** Exported by the service: docs/metrics.md and issue 2. */
    static final Set<String> COUNTERS = Set.of(
            "execution_webhook_requests_total",
            "execution_webhook_validation_failures_total",
            "execution_webhook_signature_failures_total",
            "execution_ip_whitelist_rejections_total",
            "execution_rate_limit_rejections_total",
            "execution_nan_replacements_total",
            "execution_orders_total",
            "execution_store_committed_changes_total");
    static final Set<String> HISTOGRAMS = Set.of(
            "execution_webhook_duration_seconds",
            "execution_exchange_api_duration_seconds",
            "execution_order_ack_delay_seconds",
            "execution_store_commit_duration_seconds");
    static final Set<String> GAUGES = Set.of(
            "execution_active_requests",
            "execution_circuit_breaker_state",
            "execution_exchange_connections",
            "execution_order_queue_depth",
            "execution_store_view_backlog",
            "execution_rate_limit_backend",
            "execution_position_quantity");
    /** Micrometer's process metrics that exist on every JVM (process_resident_memory_bytes does not). */
    static final Set<String> PROCESS = Set.of(
            "process_cpu_usage", "process_uptime_seconds", "process_start_time_seconds");

    private static final Set<String> KEYWORDS = Set.of(
            "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
            "group_left", "group_right", "inf", "nan", "atan2");
    private static final Pattern STRINGS = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\\w])");

    private PromQlMetricNames() {
    }

    static Set<String> of(String promql) {
        String text = STRINGS.matcher(promql).replaceAll(" ");
        text = MATCHERS.matcher(text).replaceAll(" ");
        text = RANGES.matcher(text).replaceAll(" ");
        text = GROUPING.matcher(text).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(text);
        while (m.find()) {
            String name = m.group();
            String rest = text.substring(m.end()).stripLeading();
            boolean isCall = rest.startsWith("(");
            boolean isNumber = name.matches("(?i)(inf|nan|0x[0-9a-f]+)");
            if (!isCall && !isNumber && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    /** True for a name that exists on /metrics of the service or in Prometheus itself (`up`). */
    static boolean isExported(String name) {
        if (COUNTERS.contains(name) || GAUGES.contains(name) || PROCESS.contains(name) || name.equals("up")) {
            return true;
        }
        for (String histogram : HISTOGRAMS) {
            // Micrometer timers also export <name>_max
            for (String suffix : new String[] {"_bucket", "_sum", "_count", "_max"}) {
                if (name.equals(histogram + suffix)) {
                    return true;
                }
            }
        }
        return name.startsWith("jvm_");
    }
}
