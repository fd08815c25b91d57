import com.sun.net.httpserver.HttpServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/**
 * Stands in for Slack's incoming webhooks on a laptop: prints every message Alertmanager
 * posts (channel, title, text) and answers "ok". Started by monitoring/local/run as
 * `java monitoring/local/SlackCatcher.java PORT` (single-file source launch, JDK 11+).
 */
public final class SlackCatcher {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                System.out.println("---- Slack " + exchange.getRequestURI().getPath() + " at "
                        + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " ----");
                System.out.println("channel: " + field(body, "channel"));
                System.out.println("title:   " + field(body, "title"));
                System.out.println(field(body, "text"));
                System.out.flush();
                byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, ok.length);
                exchange.getResponseBody().write(ok);
            }
        });
        server.start();
        System.out.println("Slack catcher listening on http://127.0.0.1:" + port);
    }

    /** The first string value of a JSON field, unescaped enough for reading in a terminal. */
    private static String field(String json, String name) {
        int key = json.indexOf("\"" + name + "\":\"");
        if (key < 0) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (int i = key + name.length() + 4; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '"') {
                break;
            }
            if (c == '\\' && i + 1 < json.length()) {
                char next = json.charAt(++i);
                if (next == 'u' && i + 4 < json.length()) {
                    out.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                    i += 4;
                } else {
                    out.append(next == 'n' ? '\n' : next);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
