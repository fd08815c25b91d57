package com.fks.execution.testsupport;

import com.fks.execution.app.Application;
import com.fks.execution.config.SettingsLoader;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The real service in the test's JVM on ephemeral ports: faster than a child process, same HTTP stack. */
public final class InProcessService implements AutoCloseable {
    private final Application app;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private InProcessService(Application app, Path dataDir) {
        this.app = app;
        this.dataDir = dataDir;
    }

    public static InProcessService start(Map<String, String> overrides) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("WEBHOOK_SECRET", ServiceProcess.SECRET);
        env.put("IP_WHITELIST", "127.0.0.1,::1");
        env.put("HTTP_PORT", "0");
        env.put("METRICS_PORT", "0");
        env.put("PAPER_BALANCES", ServiceProcess.PAPER_BALANCES);
        env.putAll(overrides);
        Path dataDir = env.containsKey("DATA_DIR") ? Path.of(env.get("DATA_DIR")) : Files.createTempDirectory("fks-inproc-");
        env.put("DATA_DIR", dataDir.toString());
        return new InProcessService(Application.start(SettingsLoader.load(env)), dataDir);
    }

    public Application app() {
        return app;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + app.httpPort();
    }

    public HttpResponse<String> get(String path, String... headers) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    public HttpResponse<String> post(String path, String body, String... headers) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    /** POST to the webhook as application/json. */
    public HttpResponse<String> webhook(String body, String... headers) throws IOException {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return post("/webhook/tradingview", body, all);
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

    public String metrics() throws IOException {
        return get("/metrics").body();
    }

    @Override
    public void close() {
        app.close();
    }
}
