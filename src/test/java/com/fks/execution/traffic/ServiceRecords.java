package com.fks.execution.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.app.Main;
import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.paper.MapPaperBook;
import com.fks.execution.exchange.paper.PaperBook;
import com.fks.execution.testsupport.ServiceProcess;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the tests hold the service's answers against: the paper exchange's own book (read from the DATA_DIR
 * of a stopped service, not through the service), /orders, and the request counter in /metrics.
 */
public final class ServiceRecords {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern REQUESTS = Pattern.compile(
            "^execution_webhook_requests_total\\{([^}]*)} ([0-9.eE+-]+)$", Pattern.MULTILINE);
    private static final Pattern REASON = Pattern.compile("reason=\"([^\"]*)\"");
    private static final Pattern STATUS = Pattern.compile("status=\"([^\"]*)\"");

    private ServiceRecords() {
    }

    /**
     * The paper exchange's fills, from its book opened as the service opens it (its file, and the log of changes
     * the file had not caught up with when the service stopped); the service must be stopped or killed.
     */
    public static List<PaperBook.Fill> paperFills(Path dataDir) throws ExchangeException {
        try (MapPaperBook book = MapPaperBook.in(dataDir, Map.of(), null)) {
            book.open();
            return book.fills();
        }
    }

    /** GET /orders?limit=1000 (with the bearer token when given). */
    public static JsonNode orders(ServiceProcess service, String adminToken) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.baseUrl() + "/orders?limit=1000")).GET();
        if (adminToken != null) {
            request.header("Authorization", "Bearer " + adminToken);
        }
        HttpResponse<String> response = service.send(request);
        if (response.statusCode() != 200) {
            throw new AssertionError("/orders answered " + response.statusCode() + ": " + response.body());
        }
        return MAPPER.readTree(response.body()).get("orders");
    }

    /** execution_webhook_requests_total, summed by "status reason", leaving out the ones still at zero. */
    public static Map<String, Long> webhookRequestsByStatusAndReason(String metrics) {
        Map<String, Long> result = new LinkedHashMap<>();
        Matcher m = REQUESTS.matcher(metrics);
        while (m.find()) {
            Matcher reason = REASON.matcher(m.group(1));
            Matcher status = STATUS.matcher(m.group(1));
            String key = (status.find() ? status.group(1) : "?") + " " + (reason.find() ? reason.group(1) : "?");
            long count = Math.round(Double.parseDouble(m.group(2)));
            if (count > 0) {
                // counters are registered at zero up front; only those that moved say something was counted
                result.merge(key, count, Long::sum);
            }
        }
        return result;
    }

    public static long webhookRequestsTotal(String metrics) {
        return webhookRequestsByStatusAndReason(metrics).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The output and exit code of {@code fks-execution traffic ...}, run in this JVM. */
    public record TrafficRun(int exitCode, String stdout, String stderr) {
        public JsonNode json() throws IOException {
            return MAPPER.readTree(stdout);
        }
    }

    public static TrafficRun traffic(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 1];
        full[0] = "traffic";
        System.arraycopy(args, 0, full, 1, args.length);
        int code = new CommandLine(new Main()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(full);
        return new TrafficRun(code, out.toString(), err.toString());
    }
}
