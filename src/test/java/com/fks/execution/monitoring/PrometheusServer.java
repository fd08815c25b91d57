package com.fks.execution.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testsupport.ExternalCommand;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real Prometheus (Debian's `prometheus` package) on a free loopback port, with temp storage. */
final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ServerProcess process;

    private PrometheusServer(ServerProcess process) {
        this.process = process;
    }

    /** Starts Prometheus with the given config; workDir holds its storage and log. */
    static PrometheusServer start(Path config, Path workDir, int port) {
        Path binary = ExternalCommand.require("prometheus", "prometheus");
        return new PrometheusServer(ServerProcess.start("prometheus", List.of(binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + workDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=info"), workDir, port, "/-/ready", Duration.ofSeconds(30)));
    }

    int port() {
        return process.port();
    }

    String output() {
        return process.output();
    }

    /** GET an API path; returns the parsed body whatever the status (Prometheus answers errors in JSON). */
    JsonNode get(String pathAndQuery) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(process.uri(pathAndQuery))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("GET " + pathAndQuery + " failed: " + e.getMessage() + "\n" + output(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** An instant query: the whole API answer ({"status":"success"|"error", ...}). */
    JsonNode query(String promql) {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    JsonNode rules() {
        return get("/api/v1/rules");
    }

    JsonNode targets() {
        return get("/api/v1/targets");
    }

    JsonNode alerts() {
        return get("/api/v1/alerts");
    }

    @Override
    public void close() {
        process.close();
    }
}
