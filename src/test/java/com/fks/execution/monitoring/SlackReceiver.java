package com.fks.execution.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server standing in for Slack's incoming webhooks: it records every message
 * posted to it (with the path, which tells which channel's webhook URL was used) and
 * answers "ok" as Slack does.
 */
final class SlackReceiver implements AutoCloseable {

    record Message(String path, JsonNode body) {
        String channel() {
            return body.path("channel").asText();
        }

        JsonNode attachment() {
            return body.path("attachments").path(0);
        }

        String title() {
            return attachment().path("title").asText();
        }

        String text() {
            return attachment().path("text").asText();
        }

        @Override
        public String toString() {
            return path + " " + body;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Message> messages = new CopyOnWriteArrayList<>();

    SlackReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String path = exchange.getRequestURI().getPath();
                try {
                    messages.add(new Message(path, JSON.readTree(body)));
                } catch (IOException notJson) {
                    messages.add(new Message(path, JSON.createObjectNode()
                            .put("unparseable", new String(body, StandardCharsets.UTF_8))));
                }
                byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, ok.length);
                exchange.getResponseBody().write(ok);
            }
        });
        server.start();
    }

    /** The webhook URL a channel's secret file holds, e.g. url("/critical"). */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Message> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
