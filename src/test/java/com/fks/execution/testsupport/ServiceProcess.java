package com.fks.execution.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real service in a child JVM (same classes as the jar, from the test class path), on free loopback
 * ports with its own DATA_DIR, so tests can SIGTERM it, SIGKILL it and start it again on the same data.
 */
public final class ServiceProcess implements AutoCloseable {
    public static final String SECRET = "test-webhook-secret-0123456789";
    /**
     * The paper account of tests that are not about balances: more of every asset the tests trade than any of
     * them spends, so a sell finds coins and thousands of buys find money.
     */
    public static final String PAPER_BALANCES = "USDT=1000000000000,USD=1000000000000,USDC=1000000000000,"
            + "EUR=1000000000000,BTC=1000000000,ETH=1000000000,SOL=1000000000";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** Small and quick to start: most tests care about behaviour, not about the image's memory sizing. */
    private static final List<String> TEST_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");

    private final List<String> jvmOptions;
    private final Map<String, String> env;
    private final Path dataDir;
    private final Path log;
    private final int httpPort;
    private final int metricsPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;

    private ServiceProcess(List<String> jvmOptions, Map<String, String> env, Path dataDir, int httpPort,
                           int metricsPort) throws IOException {
        this.jvmOptions = List.copyOf(jvmOptions);
        this.env = env;
        this.dataDir = dataDir;
        this.httpPort = httpPort;
        this.metricsPort = metricsPort;
        this.log = Files.createTempFile("fks-service-", ".log");
    }

    /**
     * Starts the service and returns once /ready answers 200. Defaults (each can be overridden in env):
     * WEBHOOK_SECRET {@link #SECRET}, IP_WHITELIST loopback, {@link #PAPER_BALANCES}, a temporary DATA_DIR, free HTTP
     * and metrics ports.
     */
    public static ServiceProcess start(Map<String, String> overrides) throws IOException {
        return start(TEST_JVM_OPTIONS, overrides);
    }

    /** As {@link #start(Map)}, with these JVM options instead of the tests' small defaults. */
    public static ServiceProcess start(List<String> jvmOptions, Map<String, String> overrides) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("WEBHOOK_SECRET", SECRET);
        env.put("IP_WHITELIST", "127.0.0.1,::1");
        env.put("PAPER_BALANCES", PAPER_BALANCES);
        env.putAll(overrides);
        Path dataDir = env.containsKey("DATA_DIR") ? Path.of(env.get("DATA_DIR"))
                : Files.createTempDirectory("fks-data-");
        env.put("DATA_DIR", dataDir.toString());
        int http = env.containsKey("HTTP_PORT") ? Integer.parseInt(env.get("HTTP_PORT")) : freePort();
        int metrics = env.containsKey("METRICS_PORT") ? Integer.parseInt(env.get("METRICS_PORT")) : freePort();
        env.put("HTTP_PORT", Integer.toString(http));
        env.put("METRICS_PORT", Integer.toString(metrics));
        ServiceProcess service = new ServiceProcess(jvmOptions, env, dataDir, http, metrics);
        service.launch();
        return service;
    }

    /** How a {@code serve} run that should end by itself ended, and what it printed. */
    public record Exit(boolean exited, int code, String output) {
    }

    /**
     * Runs {@code serve} in a child JVM until it ends, for starts that should stop by themselves: a bad setting,
     * a locked or read-only store, {@code --exit-when-ready}. WEBHOOK_SECRET ({@link #SECRET}) and free ports are
     * set unless {@code env} gives them; a run still going after {@code timeout} is killed and reported so.
     */
    public static Exit runToExit(Map<String, String> env, Duration timeout, String... serveArgs) throws IOException,
            InterruptedException {
        return runToExit(System.getProperty("java.class.path"), List.of(), env, timeout, serveArgs);
    }

    /** As {@link #runToExit(Map, Duration, String...)}, on the given class path and with JVM options. */
    public static Exit runToExit(String classPath, List<String> jvmOptions, Map<String, String> env, Duration timeout,
                                 String... serveArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, "com.fks.execution.app.Main", "serve"));
        command.addAll(List.of(serveArgs));
        Path output = Files.createTempFile("fks-serve-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().put("WEBHOOK_SECRET", SECRET);
        builder.environment().put("HTTP_PORT", Integer.toString(freePort()));
        builder.environment().put("METRICS_PORT", Integer.toString(freePort()));
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try {
            return new Exit(exited, exited ? process.exitValue() : -1, Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Starts the service again on the same ports and DATA_DIR (after stop or kill). */
    public void restart() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("still running");
        }
        launch();
    }

    private void launch() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("com.fks.execution.app.Main");
        command.add("serve");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(env);
        starts++;
        process = builder.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited with " + process.exitValue() + " while starting:\n"
                        + output());
            }
            try {
                if (get("/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("service not ready within " + START_TIMEOUT + ":\n" + output());
    }

    public int httpPort() {
        return httpPort;
    }

    public int metricsPort() {
        return metricsPort;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    public int stop() {
        return stop(Duration.ofSeconds(40));
    }

    public int stop(Duration wait) {
        if (process == null) {
            return -1;
        }
        process.destroy();
        try {
            if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("service did not exit within " + wait + " of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.exitValue();
    }

    /** SIGKILL: no drain, no clean-up. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Everything the service printed (stdout and stderr) over all its starts. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    public HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** POSTs a body to the webhook as application/json, as is (authentication is the caller's). */
    public HttpResponse<String> postWebhook(String body, String... headers) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/webhook/tradingview"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    public int starts() {
        return starts;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(40, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
