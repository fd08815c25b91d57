package com.fks.execution.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fks.execution.testsupport.ServiceProcess;
import com.fks.execution.traffic.AlertFactory;
import com.fks.execution.traffic.AuthMode;
import com.fks.execution.traffic.TrafficMix;
import com.fks.execution.traffic.TrafficRunner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pod's memory under load, as the HPA and the kubelet see it: the service started with exactly the JVM
 * options of the image's ENTRYPOINT (read from the Dockerfile, so they cannot drift) inside the Deployment's
 * budget (its memory limit as {@code -XX:MaxRAM}, since no cgroup can be made here, and its CPU limit as
 * {@code -XX:ActiveProcessorCount}), under a minute of signed, valid webhooks, stays below 80 % of the
 * memory request in resident memory and in what the JVM has committed, and is still alive at the end.
 */
final class ContainerMemoryBudgetTest {
    private static final long MIB = 1024 * 1024;
    private static final Duration LOAD = Duration.ofSeconds(60);
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern COMMITTED = Pattern.compile(
            "(?m)^jvm_memory_committed_bytes\\{area=\"(heap|nonheap)\",[^}]*} ([0-9.eE+]+)$");

    @Test
    void shouldStayBelowEightyPercentOfTheMemoryRequestUnderAMinuteOfWebhooks() throws Exception {
        // given the Deployment's budget and the image's JVM options
        JsonNode resources = ExecutionDeploymentContractTest.container(Manifests.of("k8s/manifests")).path("resources");
        long request = bytes(resources.at("/requests/memory").asText());
        long limit = bytes(resources.at("/limits/memory").asText());
        long cpus = Math.max(1, millicores(resources.at("/limits/cpu").asText()) / 1000);
        long threshold = request * 80 / 100;
        List<String> jvm = new ArrayList<>(imageJvmOptions());
        jvm.addAll(List.of("-XX:MaxRAM=" + limit, "-XX:ActiveProcessorCount=" + cpus,
                "-XX:NativeMemoryTracking=summary"));

        try (ServiceProcess service = ServiceProcess.start(jvm, Map.of("RATE_LIMIT_REQUESTS", "100000000",
                "LOG_LEVEL", "WARN"))) {
            long rssAtReady = residentKb(service.pid(), "VmRSS") * 1024;
            AtomicLong peakCommitted = new AtomicLong();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> peakCommitted.accumulateAndGet(jvmCommitted(service), Math::max),
                    0, 2, TimeUnit.SECONDS);

            // when a minute of signed, valid alerts (unique ids) arrives from 8 clients at once
            TrafficRunner traffic = new TrafficRunner(new TrafficRunner.Plan(
                    URI.create(service.baseUrl() + "/webhook/tradingview"), Long.MAX_VALUE, LOAD, 8, null,
                    Duration.ofSeconds(10), TrafficMix.allValid(), 42),
                    new AlertFactory(ServiceProcess.SECRET, AuthMode.MIXED, "memory", Clock.systemUTC()), null);
            traffic.run(null);
            sampler.shutdownNow();
            sampler.awaitTermination(10, TimeUnit.SECONDS);

            long rssEnd = residentKb(service.pid(), "VmRSS") * 1024;
            long rssPeak = residentKb(service.pid(), "VmHWM") * 1024;
            long nmtCommitted = nativeMemoryCommitted(service.pid());
            String gc = gcSummary(service);
            String report = String.format("request %d MiB, threshold %d MiB; RSS at ready %d MiB, after load %d MiB, "
                            + "peak %d MiB; JVM committed (NMT total) %d MiB, heap+non-heap peak %d MiB; %d alerts, "
                            + "%d accepted in %.0f s; %s",
                    request / MIB, threshold / MIB, rssAtReady / MIB, rssEnd / MIB, rssPeak / MIB,
                    nmtCommitted / MIB, peakCommitted.get() / MIB, traffic.stats().sent(),
                    traffic.stats().withStatus(202), traffic.elapsedSeconds(), gc);
            System.out.println(report + "\nanswers: " + traffic.stats().responses());

            // then the load was real, and the process stayed below 80 % of its memory request, alive
            assertThat(traffic.stats().withStatus(202)).as(report).isGreaterThan(1000);
            assertThat(service.isAlive()).as(report).isTrue();
            assertThat(rssPeak).as(report).isLessThan(threshold);
            assertThat(nmtCommitted).as(report).isLessThan(threshold);
            assertThat(peakCommitted.get()).as(report).isPositive().isLessThan(threshold);
            assertThat(service.get("/ready").statusCode()).as(report).isEqualTo(200);
        }
    }

    /**
     * The options between {@code java} and {@code -jar} in the ENTRYPOINT, less the class-data archive: it is
     * made at image build time and does not exist here (it changes start time, not the heap).
     */
    static List<String> imageJvmOptions() throws IOException {
        String entrypoint = DockerfileTest.runtimeStage().stream().filter(i -> i.startsWith("ENTRYPOINT "))
                .findFirst().orElseThrow();
        JsonNode array = Manifests.JSON.readTree(entrypoint.substring("ENTRYPOINT ".length()));
        List<String> options = new ArrayList<>();
        assertThat(array.get(0).asText()).isEqualTo("java");
        for (int i = 1; i < array.size() && !array.get(i).asText().equals("-jar"); i++) {
            String option = array.get(i).asText();
            if (!option.startsWith("-XX:SharedArchiveFile=")) {
                options.add(option);
            }
        }
        assertThat(options).isNotEmpty();
        return options;
    }

    private static long bytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi)").matcher(quantity);
        assertThat(m.matches()).as("memory quantity %s", quantity).isTrue();
        long unit = switch (m.group(2)) {
            case "Ki" -> 1024L;
            case "Mi" -> MIB;
            default -> 1024 * MIB;
        };
        return Long.parseLong(m.group(1)) * unit;
    }

    private static long millicores(String quantity) {
        return quantity.endsWith("m") ? Long.parseLong(quantity.substring(0, quantity.length() - 1))
                : Long.parseLong(quantity) * 1000;
    }

    private static long residentKb(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new AssertionError("no " + field + " in /proc/" + pid + "/status");
    }

    /** Heap plus non-heap committed, from the service's own /metrics; 0 when it does not answer in time. */
    private static long jvmCommitted(ServiceProcess service) {
        try {
            Matcher m = COMMITTED.matcher(service.get("/metrics").body());
            double sum = 0;
            while (m.find()) {
                sum += Double.parseDouble(m.group(2));
            }
            return (long) sum;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** How many collections and how long they paused the service, from its /metrics: the price of a small heap. */
    private static String gcSummary(ServiceProcess service) throws IOException {
        Matcher m = Pattern.compile("(?m)^jvm_gc_pause_seconds_(count|sum)\\{[^}]*} ([0-9.eE+]+)$")
                .matcher(service.get("/metrics").body());
        double count = 0;
        double seconds = 0;
        while (m.find()) {
            if (m.group(1).equals("count")) {
                count += Double.parseDouble(m.group(2));
            } else {
                seconds += Double.parseDouble(m.group(2));
            }
        }
        return String.format("%.0f GC pauses, %.1f s in total", count, seconds);
    }

    /** Everything the JVM has committed (heap, metaspace, code, threads, GC, ...), by its native memory tracking. */
    private static long nativeMemoryCommitted(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.println(output);
        Matcher m = NMT_TOTAL.matcher(output);
        assertThat(m.find()).as(output).isTrue();
        return Long.parseLong(m.group(2)) * 1024;
    }
}
