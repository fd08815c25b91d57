package com.fks.execution.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

final class GcPausesTest {
    private static final List<String> SERIAL_LOG = List.of(
            "[2026-12-04T19:06:07.100+0000] Using Serial",
            "[2026-12-04T19:06:07.200+0000] GC(0) Pause Young (Allocation Failure) 25M->4M(92M) 20.000ms",
            "[2026-12-04T19:06:08.500+0000] GC(1) Pause Full (Allocation Failure) 73M->29M(92M) 150.000ms",
            "[2026-12-04T19:06:09.000+0000] GC(2) Pause Young (Normal) (G1 Evacuation Pause) 42M->36M(96M) 5.500ms",
            "[2026-12-04T19:06:09.100+0000] GC(3) Concurrent Mark Cycle 46.296ms");

    @Test
    void shouldReadEachPauseAsEndingWhenItsLineWasWritten() {
        List<GcPauses.Pause> pauses = GcPauses.parse(SERIAL_LOG).all();

        assertThat(pauses).extracting(GcPauses.Pause::kind).containsExactly("Pause Young", "Pause Full", "Pause Young");
        assertThat(pauses.get(1).end()).isEqualTo(Instant.parse("2026-12-04T19:06:08.500Z"));
        assertThat(pauses.get(1).start()).isEqualTo(Instant.parse("2026-12-04T19:06:08.350Z"));
    }

    @Test
    void shouldSumOnlyThePausesThatOverlapTheWindow() {
        GcPauses gc = GcPauses.parse(SERIAL_LOG);

        GcPauses.Window window = gc.within(Instant.parse("2026-12-04T19:06:08.400Z"),
                Instant.parse("2026-12-04T19:06:10Z"));

        assertThat(window.pauses()).isEqualTo(2);
        assertThat(window.pausedMillis()).isEqualTo(155.5);
        assertThat(window.longestMillis()).isEqualTo(150.0);
        assertThat(window.full()).isEqualTo(1);
        assertThat(window.keys()).isEqualTo("gc_pauses=2 gc_paused_ms=155.5 gc_longest_ms=150.0 gc_full=1");
        assertThat(gc.within(Instant.parse("2026-12-04T19:06:07.201Z"), Instant.parse("2026-12-04T19:06:08.349Z"))
                .pauses()).isZero();
    }

    @Test
    void shouldCountTheSlowestAlertsThatWaitedThroughAPause() {
        GcPauses gc = GcPauses.parse(SERIAL_LOG);
        Instant base = Instant.parse("2026-12-04T19:06:08Z");
        List<AckLatency.Waited> waits = new ArrayList<>();
        for (int i = 0; i < 99; i++) { // 99 fast alerts, 2 ms each, all before the full collection began
            Instant due = base.plusMillis(i);
            waits.add(new AckLatency.Waited(due, due.plusMillis(2)));
        }
        // the slowest: one waited through the full collection, one was slow with no pause under it
        waits.add(new AckLatency.Waited(Instant.parse("2026-12-04T19:06:08.340Z"),
                Instant.parse("2026-12-04T19:06:08.510Z")));
        waits.add(new AckLatency.Waited(Instant.parse("2026-12-04T19:06:08.600Z"),
                Instant.parse("2026-12-04T19:06:08.800Z")));

        assertThat(AckLatency.collector(gc, waits))
                .isEqualTo("gc_pauses=1 gc_paused_ms=150.0 gc_longest_ms=150.0 gc_full=1 slow=2 slow_through_gc=1");
    }

    @Test
    void shouldReadTheLogOfARealJvm(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path log = dir.resolve("gc.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx64m", "-Xlog:gc:file=" + log + ":utctime",
                "-cp", System.getProperty("java.class.path"), SystemGc.class.getName()).inheritIO().start();
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<GcPauses.Pause> pauses = GcPauses.read(log).all();

        assertThat(pauses).as(readable(log)).isNotEmpty();
        assertThat(pauses).extracting(GcPauses.Pause::kind).contains("Pause Full");
        assertThat(pauses).allSatisfy(p -> assertThat(p.end()).isAfterOrEqualTo(p.start()));
    }

    private static String readable(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }

    /** A JVM that collects once on request: its log has a full collection. */
    public static final class SystemGc {
        public static void main(String[] args) {
            System.gc();
        }
    }
}
