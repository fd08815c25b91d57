package com.fks.execution.traffic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The end-of-run summary: a table for people, JSON (--json) for scripts. */
public final class TrafficReport {
    private final TrafficStats stats;
    private final double seconds;
    private final String mode;

    public TrafficReport(TrafficStats stats, double seconds, String mode) {
        this.stats = stats;
        this.seconds = seconds;
        this.mode = mode;
    }

    public double throughput() {
        return seconds <= 0 ? 0 : stats.sent() / seconds;
    }

    public String table() {
        StringBuilder s = new StringBuilder();
        TrafficStats.LatencySummary l = stats.latency();
        s.append(String.format(Locale.ROOT, "sent               %d in %.2f s (%s)%n", stats.sent(), seconds, mode));
        s.append(String.format(Locale.ROOT, "throughput         %.1f requests/s%n", throughput()));
        s.append("responses\n");
        stats.responses().forEach((status, reasons) -> {
            if (status == 0) {
                return;
            }
            reasons.forEach((reason, count) -> s.append(String.format(Locale.ROOT, "  %3d %-32s %8d%n",
                    status, reason, count)));
        });
        s.append(String.format(Locale.ROOT, "connection errors  %d%n", stats.connectionErrors()));
        Map<String, Long> errors = stats.responses().getOrDefault(0, Map.of());
        errors.forEach((reason, count) -> s.append(String.format(Locale.ROOT, "  %-36s %8d%n", reason, count)));
        s.append(String.format(Locale.ROOT, "latency ms         p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  (%d answers)%n",
                ms(l.p50()), ms(l.p90()), ms(l.p99()), ms(l.max()), l.count()));
        return s.toString();
    }

    public String json() {
        TrafficStats.LatencySummary l = stats.latency();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("mode", mode);
        root.put("sent", stats.sent());
        root.put("seconds", round(seconds));
        root.put("throughput_per_second", round(throughput()));
        Map<String, Object> responses = new LinkedHashMap<>();
        stats.responses().forEach((status, reasons) -> {
            if (status != 0) {
                responses.put(Integer.toString(status), reasons);
            }
        });
        root.put("responses", responses);
        Map<String, Long> kinds = new LinkedHashMap<>();
        stats.byKind().forEach((k, v) -> kinds.put(k.label(), v));
        root.put("sent_by_kind", kinds);
        root.put("server_errors", stats.serverErrors());
        root.put("connection_errors", stats.connectionErrors());
        root.put("connection_errors_by_kind", stats.responses().getOrDefault(0, Map.of()));
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("answers", l.count());
        latency.put("p50", round(ms(l.p50())));
        latency.put("p90", round(ms(l.p90())));
        latency.put("p99", round(ms(l.p99())));
        latency.put("max", round(ms(l.max())));
        root.put("latency_ms", latency);
        try {
            return new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report", e);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
