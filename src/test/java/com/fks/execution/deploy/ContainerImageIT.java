package com.fks.execution.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.ExternalCommand;
import com.fks.execution.testsupport.ServiceProcess;
import com.fks.execution.traffic.AlertFactory;
import com.fks.execution.traffic.AuthMode;
import com.fks.execution.traffic.TrafficMix;
import com.fks.execution.traffic.TrafficRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real image, built by scripts/build-image (podman, bases made by mmdebstrap from Debian packages, the
 * project's Dockerfile) and run as the production overlay's Deployment runs it: read-only root filesystem,
 * /tmp and /data as volumes, no capabilities, its memory and CPU limits; the image's own USER, ENTRYPOINT and
 * class-data archive. An integration test (failsafe): {@code mvn verify} runs it, as root (scripts/test
 * installs podman, runc and mmdebstrap).
 */
final class ContainerImageIT {
    private static final String IMAGE = "localhost/fks-execution:image-it";
    private static final String PRODUCTION = "k8s/overlays/production";
    private static final long MIB = 1024 * 1024;
    /** "A few seconds": the archive makes it 1-2 s here; the margin is for a machine busy with other builds. */
    private static final Duration READY_WITHIN = Duration.ofSeconds(10);
    private static final Duration LOAD = Duration.ofSeconds(60);
    /**
     * A minute at the rate one pod is meant to take (1,000 alerts/s, docs/benchmarks.md), sent as fast as the
     * pod answers 8 clients: the store's page cache grows with what was written, so a cap on the count keeps the
     * measure from depending on how busy the machine is (a quiet one took 93,000 alerts in the minute).
     */
    private static final long LOAD_ALERTS = 60_000;
    /** The margin ContainerMemoryBudgetTest keeps when the HPA has no memory target (it scales on CPU only). */
    private static final int DEFAULT_MEMORY_PERCENT = 80;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static JsonNode deployment;
    private static JsonNode container;

    @TempDir
    Path tmp;

    private final List<String> started = new ArrayList<>();

    @BeforeAll
    static void buildTheImage() {
        ExternalCommand.require("podman", "podman");
        ExternalCommand.require("runc", "runc");
        ExternalCommand.require("mmdebstrap", "mmdebstrap");
        assertThat(System.getProperty("user.name")).as("podman runs the image checks as root (scripts/test)")
                .isEqualTo("root");
        // one left by an interrupted run would be left untagged, taking space, once the new one takes its tag
        Podman.run("rmi", "--force", "--ignore", IMAGE);
        long start = System.nanoTime();
        ExternalCommand.run(Manifests.root(), Duration.ofMinutes(10), "scripts/build-image", IMAGE)
                .assertSuccess("scripts/build-image " + IMAGE).output().lines()
                .filter(l -> l.startsWith("scripts/build-image:")).forEach(System.out::println);
        System.out.printf("image %s built in %d s%n", IMAGE, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
        Manifests production = Manifests.of(PRODUCTION);
        deployment = ExecutionDeploymentContractTest.deployment(production);
        container = ExecutionDeploymentContractTest.container(production);
    }

    @AfterEach
    void removeContainers() {
        started.forEach(Podman::remove);
    }

    /** The image is rebuilt every run (about 15 s); the bases stay, tagged by their package set. */
    @AfterAll
    static void removeTheImage() {
        Podman.run("rmi", "--force", IMAGE);
    }

    @Test
    void shouldRunAsItsNonRootUserOnAReadOnlyRootFilesystemAndBeReadyWithinSeconds() throws Exception {
        // given the image started as the Deployment starts it
        long begin = System.nanoTime();
        Running service = start(dataDirOwnedBy(10001), Map.of());

        // then it is ready within a few seconds
        Duration ready = service.awaitReady(READY_WITHIN);
        System.out.printf("ready %d ms after podman run%n", ready.toMillis());
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("podman run to /ready 200").isLessThan(READY_WITHIN);

        // and its java runs as the image's USER, 10001, not root
        String status = Podman.ok("exec", service.name(), "cat", "/proc/1/status");
        assertThat(field(status, "Uid")).as("real, effective, saved, fs UID of PID 1:\n" + status)
                .isEqualTo("10001\t10001\t10001\t10001");
        assertThat(Podman.ok("exec", service.name(), "cat", "/proc/1/cmdline")).startsWith("java");
        // and its root filesystem is mounted read-only: a write is refused by the mount, before any permission
        String mounts = Podman.ok("exec", service.name(), "cat", "/proc/1/mounts");
        assertThat(mounts.lines().filter(l -> l.split(" ")[1].equals("/")).findFirst().orElseThrow())
                .as("mount of / in the container").containsPattern(" ro[ ,]");
        ExternalCommand.Result write = Podman.run("exec", service.name(), "sh", "-c", "echo x > /app/written");
        assertThat(write.exitCode()).as(write.output()).isNotZero();
        assertThat(write.output()).contains("Read-only file system");
    }

    @Test
    void shouldLoadTheServicesClassesFromTheImagesClassDataArchive() throws Exception {
        // given the image started with the JVM logging where every class comes from
        Running service = start(dataDirOwnedBy(10001),
                Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=/tmp/class-load.log"));
        service.awaitReady(READY_WITHIN);

        // then the service's own classes loaded to become ready came from the archive, not from the jar
        String log = Podman.ok("exec", service.name(), "cat", "/tmp/class-load.log");
        List<String> ours = log.lines().filter(l -> l.contains(" com.fks.")).toList();
        long shared = ours.stream().filter(l -> l.contains("source: shared objects file")).count();
        String summary = shared + " of " + ours.size() + " com.fks classes from the archive; not from it: "
                + ours.stream().filter(l -> !l.contains("source: shared objects file")).limit(10).toList();
        System.out.println(summary);
        assertThat(ours).as("com.fks classes loaded").hasSizeGreaterThan(50);
        assertThat(shared * 100 / ours.size()).as(summary).isGreaterThanOrEqualTo(90);
    }

    @Test
    void shouldFillAWebhookOnPaperThenDrainAndExitZeroWithinTheGracePeriodOnSigterm() throws Exception {
        // given the image, ready
        Running service = start(dataDirOwnedBy(10001), Map.of());
        service.awaitReady(READY_WITHIN);

        // when a signed alert arrives, then it is accepted and FILLED on the paper exchange
        String body = "{\"id\":\"" + Alerts.uniqueId() + "\",\"symbol\":\"BINANCE:BTCUSDT\",\"action\":\"buy\","
                + "\"quantity\":0.001,\"price\":65000,\"timestamp\":" + System.currentTimeMillis() + "}";
        HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(URI.create(service.url("/webhook/tradingview")))
                        .header("Content-Type", "application/json")
                        .header("X-Webhook-Signature", Alerts.signature(body))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String orderId = Manifests.JSON.readTree(accepted.body()).path("order_id").asText();
        JsonNode order = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> Manifests.JSON.readTree(get(service.url("/orders/" + orderId)).body()),
                        o -> o.path("status").asText().equals("FILLED"));
        assertThat(order.path("exchange").asText()).isEqualTo("paper");

        // when the kubelet's SIGTERM arrives
        long grace = deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asLong(30);
        long begin = System.nanoTime();
        Podman.ok("kill", "--signal", "TERM", service.name());
        String exitCode = Podman.run(Duration.ofSeconds(grace + 30), "wait", service.name()).output().trim();
        long stoppedIn = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        System.out.printf("stopped in %d ms (grace period %d s), exit code %s%n", stoppedIn, grace, exitCode);

        // then it drained, stopped and exited 0 within the Deployment's grace period
        assertThat(exitCode).as(Podman.run("logs", service.name()).output()).isEqualTo("0");
        assertThat(stoppedIn).as("SIGTERM to exit, ms").isLessThan(grace * 1000);
        // (conmon may write the last lines to the container's log a moment after the exit)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Podman.run("logs", service.name()).output())
                .contains("SIGTERM received: draining").contains("draining: no new webhooks").contains("\"stopped\""));
    }

    @Test
    void shouldExitOneWithItsReasonWhenDataIsNotWritable() throws Exception {
        // given a /data volume the service's user cannot write (owned by root, 0755)
        Path data = Files.createDirectories(tmp.resolve("root-data"));
        chown(data, 0);

        // when the image starts on it
        Running service = start(data, Map.of());
        String exitCode = Podman.run(Duration.ofSeconds(90), "wait", service.name()).output().trim();
        String logs = Podman.run("logs", service.name()).output();
        System.out.println(logs);

        // then it stops with 1 and one start-up line says why, naming the folder and the user
        assertThat(exitCode).as(logs).isEqualTo("1");
        assertThat(logs.lines().filter(l -> l.startsWith("fks-execution: start-up failed: ")).toList())
                .as(logs).singleElement().asString().contains("DATA_DIR /data is not writable by this process (user fks)");
    }

    @Test
    void shouldKeepItsWorkingSetBelowTheHpasMemoryTargetOfTheRequestUnderAMinuteOfWebhooks() throws Exception {
        // given the production overlay's memory request and the HPA's memory target
        long request = bytes(container.at("/resources/requests/memory").asText());
        int percent = hpaMemoryTarget();
        long budget = request * percent / 100;
        Running service = start(dataDirOwnedBy(10001), Map.of("RATE_LIMIT_REQUESTS", "100000000", "LOG_LEVEL", "WARN"));
        service.awaitReady(READY_WITHIN);
        Path cgroup = memoryCgroup(service.name());
        long atReady = workingSet(cgroup);
        AtomicLong peak = new AtomicLong(atReady);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(workingSetOrZero(cgroup), Math::max), 0, 1, TimeUnit.SECONDS);

        // when a minute of signed, valid alerts (at most a minute's worth at 1,000/s) arrives from 8 clients at once
        TrafficRunner traffic = new TrafficRunner(new TrafficRunner.Plan(URI.create(service.url("/webhook/tradingview")),
                LOAD_ALERTS, LOAD, 8, null, Duration.ofSeconds(10), TrafficMix.allValid(), 42),
                new AlertFactory(ServiceProcess.SECRET, AuthMode.MIXED, "image", Clock.systemUTC()), null);
        traffic.run(null);
        sampler.shutdownNow();
        assertThat(sampler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        long atEnd = workingSet(cgroup);
        String report = String.format("working set at ready %d MiB, after load %d MiB, peak %d MiB; budget %d MiB "
                        + "(%d %% of the %d MiB request); %d alerts, %d accepted in %.0f s; %s",
                atReady / MIB, atEnd / MIB, peak.get() / MIB, budget / MIB, percent, request / MIB,
                traffic.stats().sent(), traffic.stats().withStatus(202), traffic.elapsedSeconds(), memoryStat(cgroup));
        System.out.println(report);

        // then the load was real, and the pod's working set stayed below the target, the service ready
        assertThat(traffic.stats().withStatus(202)).as(report).isGreaterThan(1000);
        assertThat(peak.get()).as(report).isLessThan(budget);
        assertThat(get(service.url("/ready")).statusCode()).as(report).isEqualTo(200);
    }

    /** The HPA's averageUtilization for memory; without a memory metric, the margin ContainerMemoryBudgetTest keeps. */
    private static int hpaMemoryTarget() {
        JsonNode hpa = Manifests.of(PRODUCTION).get("HorizontalPodAutoscaler", "fks-execution");
        for (JsonNode metric : hpa.at("/spec/metrics")) {
            if (metric.at("/resource/name").asText().equals("memory")) {
                return metric.at("/resource/target/averageUtilization").asInt();
            }
        }
        System.out.println("the HPA has no memory target (it scales on CPU): the budget is " + DEFAULT_MEMORY_PERCENT
                + " % of the request, as in ContainerMemoryBudgetTest");
        return DEFAULT_MEMORY_PERCENT;
    }

    /** Starts the image detached as the Deployment runs it: its limits, a read-only root, /tmp and /data as volumes. */
    private Running start(Path data, Map<String, String> extraEnv) throws IOException {
        String name = "fks-image-it-" + UUID.randomUUID().toString().substring(0, 8);
        int httpPort = ServiceProcess.freePort();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WEBHOOK_SECRET", ServiceProcess.SECRET);
        env.put("IP_WHITELIST", "127.0.0.1,::1");
        env.put("HTTP_PORT", Integer.toString(httpPort));
        env.put("METRICS_PORT", Integer.toString(ServiceProcess.freePort()));
        env.putAll(extraEnv);
        List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", name, "--network", "host",
                "--read-only", "--tmpfs", "/tmp", "--volume", data + ":/data",
                "--cap-drop", "all", "--security-opt", "no-new-privileges",
                "--memory", Long.toString(bytes(container.at("/resources/limits/memory").asText())),
                "--cpus", Double.toString(millicores(container.at("/resources/limits/cpu").asText()) / 1000.0),
                "--ulimit", "nofile=1024:" + hardLimit("n"), "--ulimit", "nproc=1024:" + hardLimit("u")));
        env.forEach((key, value) -> args.addAll(List.of("--env", key + "=" + value)));
        args.add(IMAGE);
        started.add(name);
        Podman.ok(args.toArray(String[]::new));
        return new Running(name, httpPort, System.nanoTime());
    }

    private record Running(String name, int httpPort, long startedNanos) {
        String url(String path) {
            return "http://127.0.0.1:" + httpPort + path;
        }

        /** Waits for /ready 200, failing with the container's log if it stops first; answers how long it took. */
        Duration awaitReady(Duration within) {
            await().atMost(within.plusSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
                String state = Podman.ok("inspect", "--format", "{{.State.Status}}", name);
                assertThat(state).as("container state; log:\n" + Podman.run("logs", name).output()).isEqualTo("running");
                try {
                    return get(url("/ready")).statusCode() == 200;
                } catch (IOException notListeningYet) {
                    return false;
                }
            });
            return Duration.ofNanos(System.nanoTime() - startedNanos);
        }
    }

    /**
     * The machine's hard limit on open files (n) or processes (u), at most 4096: podman asks for more than this
     * machine allows by default, and runc then cannot start the container.
     */
    private static long hardLimit(String resource) {
        String limit = ExternalCommand.run(Manifests.root(), Duration.ofSeconds(10), "bash", "-c", "ulimit -H" + resource)
                .assertSuccess("ulimit -H" + resource).output().trim();
        return limit.equals("unlimited") ? 4096 : Math.min(4096, Long.parseLong(limit));
    }

    /** The container's memory cgroup on the host, from /proc/PID/cgroup of its PID 1. */
    private static Path memoryCgroup(String name) throws IOException {
        String pid = Podman.ok("inspect", "--format", "{{.State.Pid}}", name);
        List<String> lines = Files.readAllLines(Path.of("/proc", pid, "cgroup"));
        for (String line : lines) {
            String[] parts = line.split(":", 3);
            if (List.of(parts[1].split(",")).contains("memory")) {
                return Path.of("/sys/fs/cgroup/memory" + parts[2]);
            }
        }
        String unified = lines.stream().filter(l -> l.startsWith("0::")).findFirst()
                .orElseThrow(() -> new AssertionError("no memory cgroup in " + lines));
        return Path.of("/sys/fs/cgroup" + unified.substring(3));
    }

    /** What the kubelet and the HPA call the working set: usage minus inactive file pages (which can be dropped). */
    private static long workingSet(Path cgroup) throws IOException {
        if (Files.exists(cgroup.resolve("memory.usage_in_bytes"))) {
            long usage = Long.parseLong(Files.readString(cgroup.resolve("memory.usage_in_bytes")).trim());
            return usage - stat(cgroup, "total_inactive_file");
        }
        long usage = Long.parseLong(Files.readString(cgroup.resolve("memory.current")).trim());
        return usage - stat(cgroup, "inactive_file");
    }

    private static long workingSetOrZero(Path cgroup) {
        try {
            return workingSet(cgroup);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long stat(Path cgroup, String key) throws IOException {
        return Files.readAllLines(cgroup.resolve("memory.stat")).stream().filter(l -> l.startsWith(key + " "))
                .map(l -> Long.parseLong(l.substring(key.length() + 1).trim())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + " in " + cgroup.resolve("memory.stat")));
    }

    /** The parts of the working set, in MiB, for the report. */
    private static String memoryStat(Path cgroup) throws IOException {
        StringBuilder parts = new StringBuilder();
        for (String line : Files.readAllLines(cgroup.resolve("memory.stat"))) {
            String[] kv = line.split(" ");
            if (kv[0].matches("(total_)?(rss|anon|shmem|cache|file|active_file|inactive_file|active_anon|inactive_anon)")) {
                parts.append(kv[0]).append('=').append(Long.parseLong(kv[1]) / MIB).append(" MiB ");
            }
        }
        return parts.toString().trim();
    }

    private Path dataDirOwnedBy(int uid) throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data-" + UUID.randomUUID()));
        chown(data, uid);
        return data;
    }

    private static void chown(Path dir, int uid) {
        ExternalCommand.run(Manifests.root(), Duration.ofSeconds(10), "chown", uid + ":" + uid, dir.toString())
                .assertSuccess("chown " + dir);
        // the test's temporary folder is root's 0700: the container's user must pass through it to reach /data
        assertThat(dir.getParent().toFile().setExecutable(true, false)).isTrue();
    }

    private static String field(String status, String name) {
        return status.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).trim())
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + status));
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static long bytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi)").matcher(quantity);
        assertThat(m.matches()).as("memory quantity %s", quantity).isTrue();
        return Long.parseLong(m.group(1)) * switch (m.group(2)) {
            case "Ki" -> 1024L;
            case "Mi" -> MIB;
            default -> 1024 * MIB;
        };
    }

    private static long millicores(String quantity) {
        return quantity.endsWith("m") ? Long.parseLong(quantity.substring(0, quantity.length() - 1))
                : Long.parseLong(quantity) * 1000;
    }
}
