package com.fks.execution.traffic;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The --out file: one tab-separated line per alert sent, after a header line, so a check can hold every
 * 202 against the exchange's own record:
 * {@code alert_id  kind  status  reason  order_id  latency_ms  due_at}; "-" where there is no value, status 0 for no
 * answer. {@code due_at} is when the alert was due (open loop) or sent (closed loop), an ISO-8601 instant in
 * microseconds: an order's own history on the same machine can be measured from it (alert due → acknowledged).
 */
public final class OutcomeLog implements AutoCloseable {
    public static final String HEADER = "alert_id\tkind\tstatus\treason\torder_id\tlatency_ms\tdue_at";

    private final BufferedWriter writer;

    private OutcomeLog(BufferedWriter writer) {
        this.writer = writer;
    }

    public static OutcomeLog open(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        writer.write(HEADER);
        writer.newLine();
        return new OutcomeLog(writer);
    }

    public synchronized void write(Outcome o) {
        try {
            writer.write(clean(o.alertId()) + '\t' + o.kind().label() + '\t' + o.status() + '\t' + clean(o.reason())
                    + '\t' + clean(o.orderId()) + '\t' + String.format(java.util.Locale.ROOT, "%.3f",
                    o.latencyNanos() / 1e6) + '\t' + dueAt(o.dueEpochMicros()));
            writer.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the --out file", e);
        }
    }

    static Instant dueAt(long epochMicros) {
        return Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000), Math.floorMod(epochMicros, 1_000_000) * 1_000L);
    }

    private static String clean(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        return value.replaceAll("[\\t\\r\\n]", " ");
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }

    /** One parsed line of an --out file; {@code dueAt} is null in a file written before that column existed. */
    public record Line(String alertId, String kind, int status, String reason, String orderId, Instant dueAt) {
        public static Line parse(String line) {
            String[] f = line.split("\t", -1);
            if (f.length < 5) {
                throw new IllegalArgumentException("not an --out line: " + line);
            }
            Instant due = f.length > 6 && !f[6].equals("-") ? Instant.parse(f[6]) : null;
            return new Line(f[0], f[1], Integer.parseInt(f[2]), f[3], f[4].equals("-") ? null : f[4], due);
        }
    }
}
