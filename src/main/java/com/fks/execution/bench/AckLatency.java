package com.fks.execution.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads GET /orders/{id} answers (one JSON per line) and prints the p50/p99/max of received → submitted,
 * the time from an alert's arrival to the exchange's acknowledgement, taken from each order's own history.
 */
public final class AckLatency {
    private AckLatency() {
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Long> micros = new ArrayList<>();
        int unfinished = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode order = json.readTree(line);
                JsonNode timestamps = order.path("timestamps");
                if (!timestamps.has("received") || !timestamps.has("submitted")) {
                    unfinished++;
                    continue;
                }
                Duration took = Duration.between(Instant.parse(timestamps.get("received").asText()),
                        Instant.parse(timestamps.get("submitted").asText()));
                micros.add(took.toNanos() / 1000);
            }
        }
        Collections.sort(micros);
        if (micros.isEmpty()) {
            System.out.println("no acknowledged orders (" + unfinished + " without an acknowledgement)");
            return;
        }
        System.out.printf("orders %d (not acknowledged: %d); received -> acknowledged p50 %.1f ms, p99 %.1f ms, max %.1f ms"
                        + " (store timestamps have millisecond resolution)%n",
                micros.size(), unfinished, at(micros, 0.50) / 1000.0, at(micros, 0.99) / 1000.0,
                micros.get(micros.size() - 1) / 1000.0);
    }

    private static long at(List<Long> sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
