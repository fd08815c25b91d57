package com.fks.execution.traffic;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The --out file: one tab-separated line per alert sent, after a header line, so a check can hold every
 * 202 against the exchange's own record:
 * {@code alert_id  kind  status  reason  order_id  latency_ms}; "-" where there is no value, status 0 for no answer.
 */
public final class OutcomeLog implements AutoCloseable {
    public static final String HEADER = "alert_id\tkind\tstatus\treason\torder_id\tlatency_ms";

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
                    o.latencyNanos() / 1e6));
            writer.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the --out file", e);
        }
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

    /** One parsed line of an --out file. */
    public record Line(String alertId, String kind, int status, String reason, String orderId) {
        public static Line parse(String line) {
            String[] f = line.split("\t", -1);
            if (f.length < 5) {
                throw new IllegalArgumentException("not an --out line: " + line);
            }
            return new Line(f[0], f[1], Integer.parseInt(f[2]), f[3], f[4].equals("-") ? null : f[4]);
        }
    }
}
