package com.fks.execution.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.traffic.OutcomeLog;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * For scripts/bench/run: reads a traffic generator --out file, fetches each accepted alert's order
 * ({@code GET /orders/{id}}) and prints the p50/p99/max of two delays to the exchange's acknowledgement, both
 * from each order's own history: from the alert's arrival (received) and from the time the generator had the
 * alert due (the --out file's due_at, same machine, same clock). The acknowledgement is the order's first step
 * the engine counts as one (submitted, filled, partially filled or canceled).
 * <p>
 * With the service's collector log (GC_LOG, {@code -Xlog:gc:file=F:utctime}) it also prints the collector's
 * pauses in the window (from the first alert due to the last acknowledgement) and how many of the slowest
 * alerts (due -> acknowledged at or above its p99) waited through one of them, on its key=value line.
 * <p>
 * Usage: {@code AckLatency BASE_URL OUT_FILE [MAX_ORDERS] [GC_LOG]}. Prints one line for people, then one
 * {@code key=value} line for the script.
 */
public final class AckLatency {
    private static final List<String> ACKNOWLEDGED = List.of("submitted", "filled", "partially_filled", "canceled");
    /** Orders not yet acknowledged when first read (still queued) are read again for this long. */
    private static final Duration SETTLE = Duration.ofSeconds(15);

    private record Sent(String orderId, Instant due) {
    }

    record Waited(Instant due, Instant ack) {
        long micros() {
            return Duration.between(due, ack).toNanos() / 1_000;
        }
    }

    private AckLatency() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: AckLatency BASE_URL OUT_FILE [MAX_ORDERS] [GC_LOG]");
            System.exit(2);
        }
        String base = args[0];
        int max = args.length > 2 ? Integer.parseInt(args[2]) : Integer.MAX_VALUE;
        List<Sent> sent = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.equals(OutcomeLog.HEADER) || line.startsWith("alert_id\t")) {
                continue;
            }
            OutcomeLog.Line outcome = OutcomeLog.Line.parse(line);
            if (outcome.status() == 202 && outcome.orderId() != null && sent.size() < max) {
                sent.add(new Sent(outcome.orderId(), outcome.dueAt()));
            }
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        ObjectMapper json = new ObjectMapper();
        List<Long> fromReceived = new ArrayList<>();
        List<Long> fromDue = new ArrayList<>();
        List<Long> dueToReceived = new ArrayList<>();
        List<Waited> waits = new ArrayList<>();
        List<Sent> pending = sent;
        long settleUntil = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            List<Sent> notYet = new ArrayList<>();
            for (Sent s : pending) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/orders/" + s.orderId()))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                Instant ack = null;
                Instant received = null;
                if (answer.statusCode() == 200) {
                    JsonNode timestamps = json.readTree(answer.body()).path("timestamps");
                    received = timestamps.hasNonNull("received") ? Instant.parse(timestamps.get("received").asText()) : null;
                    for (String status : ACKNOWLEDGED) {
                        if (timestamps.hasNonNull(status)) {
                            Instant at = Instant.parse(timestamps.get(status).asText());
                            ack = ack == null || at.isBefore(ack) ? at : ack;
                        }
                    }
                }
                if (ack == null || received == null) {
                    notYet.add(s);
                    continue;
                }
                fromReceived.add(Duration.between(received, ack).toNanos() / 1_000);
                if (s.due() != null) {
                    fromDue.add(Duration.between(s.due(), ack).toNanos() / 1_000);
                    dueToReceived.add(Duration.between(s.due(), received).toNanos() / 1_000);
                    waits.add(new Waited(s.due(), ack));
                }
            }
            pending = notYet;
            if (pending.isEmpty() || System.nanoTime() > settleUntil) {
                break;
            }
            Thread.sleep(500);
        }
        Collections.sort(fromReceived);
        Collections.sort(fromDue);
        Collections.sort(dueToReceived);
        // due -> received is what came before the service had the alert: the generator's lateness, its HTTP
        // client, the socket and Jetty; a due -> ack tail without a received -> ack one is there.
        System.out.printf(Locale.ROOT, "orders %d (not acknowledged after %d s: %d); received -> acknowledged %s;"
                        + " alert due -> acknowledged %s; alert due -> received %s (order timestamps have millisecond"
                        + " resolution)%n", sent.size(), SETTLE.toSeconds(), pending.size(), describe(fromReceived),
                describe(fromDue), describe(dueToReceived));
        String gc = args.length > 3 ? " " + collector(GcPauses.read(Path.of(args[3])), waits) : "";
        System.out.printf(Locale.ROOT, "orders=%d unacknowledged=%d received_p50_ms=%s received_p99_ms=%s"
                        + " due_p50_ms=%s due_p99_ms=%s due_received_p99_ms=%s%s%n", sent.size(), pending.size(),
                ms(fromReceived, 0.50), ms(fromReceived, 0.99), ms(fromDue, 0.50), ms(fromDue, 0.99),
                ms(dueToReceived, 0.99), gc);
    }

    /**
     * The collector's pauses from the first alert due to the last acknowledgement, and how many of the alerts at
     * or above the p99 of due -> acknowledged waited through one: "gc_... slow=N slow_through_gc=K".
     */
    static String collector(GcPauses gc, List<Waited> waits) {
        if (waits.isEmpty()) {
            return "gc_pauses=- slow=0 slow_through_gc=0";
        }
        Instant from = waits.stream().map(Waited::due).min(Instant::compareTo).orElseThrow();
        Instant to = waits.stream().map(Waited::ack).max(Instant::compareTo).orElseThrow();
        List<Long> sorted = waits.stream().map(Waited::micros).sorted().toList();
        long p99 = at(sorted, 0.99);
        List<Waited> slow = waits.stream().filter(w -> w.micros() >= p99).toList();
        long through = slow.stream().filter(w -> gc.anyWithin(w.due(), w.ack())).count();
        return gc.within(from, to).keys() + " slow=" + slow.size() + " slow_through_gc=" + through;
    }

    private static String describe(List<Long> sorted) {
        if (sorted.isEmpty()) {
            return "(none)";
        }
        return "p50 " + ms(sorted, 0.50) + " ms, p99 " + ms(sorted, 0.99) + " ms, max "
                + String.format(Locale.ROOT, "%.1f", sorted.get(sorted.size() - 1) / 1000.0) + " ms";
    }

    private static String ms(List<Long> sorted, double quantile) {
        if (sorted.isEmpty()) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f", at(sorted, quantile) / 1000.0);
    }

    /** The value at a quantile of a sorted, non-empty list (nearest rank). */
    private static long at(List<Long> sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
