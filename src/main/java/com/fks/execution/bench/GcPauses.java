package com.fks.execution.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stop-the-world pauses of a JVM's collector, read from its log ({@code -Xlog:gc:file=F:utctime}): which of
 * them fell in a measured window, and whether an alert's wait overlapped one. The bench uses it to say how much
 * of an open-loop window's tail was the service's collector (docs/benchmarks.md, "Stalls in the open-loop
 * windows"). A line is written when its pause ends, so a pause runs from that time less its duration.
 */
public final class GcPauses {
    // [2026-12-04T19:06:07.173+0000] GC(5) Pause Young (Allocation Failure) 31M->19M(92M) 8.123ms
    private static final Pattern PAUSE = Pattern.compile(
            "^\\[(\\S+)]\\s*(?:\\[[^]]*]\\s*)*GC\\(\\d+\\) (Pause \\w+).* ([0-9.]+)ms$");
    private static final DateTimeFormatter UTCTIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    /** One pause: when it began and ended, and its kind as the log names it ("Pause Young", "Pause Full"). */
    public record Pause(Instant start, Instant end, String kind) {
        boolean overlaps(Instant from, Instant to) {
            return start.isBefore(to) && end.isAfter(from);
        }

        double millis() {
            return Duration.between(start, end).toNanos() / 1e6;
        }
    }

    /** What fell in one window: how many pauses, their sum, the longest, and how many were full collections. */
    public record Window(int pauses, double pausedMillis, double longestMillis, int full) {
        public String keys() {
            return String.format(Locale.ROOT, "gc_pauses=%d gc_paused_ms=%.1f gc_longest_ms=%.1f gc_full=%d",
                    pauses, pausedMillis, longestMillis, full);
        }
    }

    private final List<Pause> pauses;

    private GcPauses(List<Pause> pauses) {
        this.pauses = List.copyOf(pauses);
    }

    public static GcPauses read(Path log) throws IOException {
        return parse(Files.readAllLines(log, StandardCharsets.UTF_8));
    }

    static GcPauses parse(List<String> lines) {
        List<Pause> pauses = new ArrayList<>();
        for (String line : lines) {
            Matcher m = PAUSE.matcher(line.strip());
            if (m.matches()) {
                Instant end = OffsetDateTime.parse(m.group(1), UTCTIME).toInstant();
                long nanos = Math.round(Double.parseDouble(m.group(3)) * 1e6);
                pauses.add(new Pause(end.minusNanos(nanos), end, m.group(2)));
            }
        }
        return new GcPauses(pauses);
    }

    public List<Pause> all() {
        return pauses;
    }

    /** The pauses that overlap [from, to). */
    public Window within(Instant from, Instant to) {
        int count = 0;
        int full = 0;
        double sum = 0;
        double longest = 0;
        for (Pause p : pauses) {
            if (p.overlaps(from, to)) {
                count++;
                sum += p.millis();
                longest = Math.max(longest, p.millis());
                full += p.kind().equals("Pause Full") ? 1 : 0;
            }
        }
        return new Window(count, sum, longest, full);
    }

    /** Whether any pause overlaps [from, to): something that waited over that span waited through it. */
    public boolean anyWithin(Instant from, Instant to) {
        return pauses.stream().anyMatch(p -> p.overlaps(from, to));
    }
}
