package com.fks.execution.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testsupport.ExternalCommand;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real Alertmanager (Debian's `prometheus-alertmanager`) on a free loopback port, clustering off. */
final class AlertmanagerServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ServerProcess process;

    private AlertmanagerServer(ServerProcess process) {
        this.process = process;
    }

    static AlertmanagerServer start(Path config, Path workDir, int port) {
        Path binary = ExternalCommand.require("prometheus-alertmanager", "prometheus-alertmanager");
        return new AlertmanagerServer(ServerProcess.start("alertmanager", List.of(binary.toString(),
                "--config.file=" + config,
                "--storage.path=" + workDir.resolve("alertmanager-data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=",
                "--log.level=debug"), workDir, port, "/-/ready", Duration.ofSeconds(30)));
    }

    int port() {
        return process.port();
    }

    String output() {
        return process.output();
    }

    /** POST alerts (a JSON array in the v2 API's form); fails unless Alertmanager answers 200. */
    void postAlerts(String jsonArray) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(process.uri("/api/v2/alerts"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(jsonArray)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("POST /api/v2/alerts: " + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new AssertionError("POST /api/v2/alerts failed: " + e.getMessage() + "\n" + output(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    JsonNode alerts() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(process.uri("/api/v2/alerts")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("GET /api/v2/alerts failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
