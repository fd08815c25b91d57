package com.fks.execution.traffic;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code fks-execution traffic}: realistic TradingView alerts against a running service, with a summary of
 * what came back. Exit code 0, or 1 when any answer was a 5xx or a request got no answer (unless
 * --expect-errors), 2 for bad arguments.
 */
@Command(name = "traffic", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Send realistic TradingView alerts to a running service and report what came back.")
public final class TrafficCommand implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_ERRORS = 1;
    static final int EXIT_USAGE = 2;

    @Spec
    private CommandSpec spec;

    @Option(names = "--url", description = "Webhook URL (default: ${DEFAULT-VALUE}).",
            defaultValue = "http://localhost:8000/webhook/tradingview")
    private URI url;

    @Option(names = "--webhooks", description = "Alerts to send (default 100; unlimited with --duration alone).")
    private Long webhooks;

    @Option(names = "--concurrent", description = "Requests in flight at most (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    private int concurrent;

    @Option(names = "--secret", description = "Webhook secret (default: $WEBHOOK_SECRET, else DATA_DIR/webhook-secret).")
    private String secret;

    @Option(names = "--auth", description = "secret (field in the body), signature (X-Webhook-Signature) or mixed "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "secret", converter = AuthConverter.class)
    private AuthMode auth;

    @Option(names = "--rate", description = "Open loop: alerts per second, latency from each one's due time (e.g. 500 or 500/s).",
            converter = RateConverter.class)
    private Double rate;

    @Option(names = "--duration", description = "Stop sending after this long (30s, 5m, 1h, 500ms; a bare number is seconds).",
            converter = DurationConverter.class)
    private Duration duration;

    @Option(names = "--warmup", description = "First send the same way for this long, counting nothing and writing "
            + "nothing to --out, so the generator's own first seconds (its JIT) are not in the figures (e.g. 5s).",
            converter = DurationConverter.class)
    private Duration warmup;

    @Option(names = "--mix", description = "Shares of other kinds than valid alerts, e.g. bad-signature=0.05,replay=0.05,"
            + "duplicate=0.05,malformed=0.05; strategy sequences: strategy-entry (a buy with stop_loss and take_profit), "
            + "strategy-exit (the exit of an accepted strategy-entry), cancel.")
    private String mix;

    @Option(names = "--timeout", description = "Give up on one answer after this long (default: ${DEFAULT-VALUE}).",
            defaultValue = "10s", converter = DurationConverter.class)
    private Duration timeout;

    @Option(names = "--seed", description = "Random seed, to replay exactly the same alerts (default: random).")
    private Long seed;

    @Option(names = "--json", description = "Print the summary as one JSON object instead of a table.")
    private boolean json;

    @Option(names = "--out", description = "Write one tab-separated line per alert: alert_id kind status reason order_id latency_ms due_at.")
    private Path out;

    @Option(names = "--expect-errors", description = "Exit 0 even when answers were 5xx or requests got no answer.")
    private boolean expectErrors;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        TrafficRunner.Plan plan;
        String resolvedSecret;
        try {
            plan = plan();
            resolvedSecret = resolveSecret();
        } catch (IllegalArgumentException e) {
            stderr.println("traffic: " + e.getMessage());
            stderr.flush();
            return EXIT_USAGE;
        }
        String runId = Long.toString(System.currentTimeMillis(), 36) + Integer.toString(
                ThreadLocalRandom.current().nextInt(36 * 36), 36);
        AlertFactory factory = new AlertFactory(resolvedSecret, auth, runId, Clock.systemUTC());
        OutcomeLog outLog = out == null ? null : OutcomeLog.open(out);
        TrafficRunner runner = new TrafficRunner(plan, factory, outLog);
        try {
            if (warmup != null) {
                runner.warmUp(warmup);
            }
            // The progress line is for a person watching; piped or captured output gets only the summary.
            runner.run(System.console() != null ? System.err : null);
        } finally {
            if (outLog != null) {
                outLog.close();
            }
        }
        String mode = plan.openLoop()
                ? String.format(Locale.ROOT, "open loop at %s/s, up to %d in flight", trim(plan.ratePerSecond()), concurrent)
                : "closed loop, " + concurrent + " in flight";
        TrafficReport report = new TrafficReport(runner.stats(), runner.elapsedSeconds(), mode);
        stdout.print(json ? report.json() : report.table());
        stdout.flush();
        TrafficStats stats = runner.stats();
        boolean failed = stats.serverErrors() > 0 || stats.connectionErrors() > 0;
        if (failed && !expectErrors) {
            stderr.println("traffic: " + stats.serverErrors() + " answers were 5xx and " + stats.connectionErrors()
                    + " requests got no answer (use --expect-errors when that is the point of the run)");
            stderr.flush();
            return EXIT_ERRORS;
        }
        return EXIT_OK;
    }

    private TrafficRunner.Plan plan() {
        if (concurrent < 1 || concurrent > 10_000) {
            throw new IllegalArgumentException("--concurrent must be 1 to 10000");
        }
        if (webhooks != null && webhooks < 1) {
            throw new IllegalArgumentException("--webhooks must be at least 1");
        }
        if (rate != null && !(rate > 0 && rate <= 1_000_000)) {
            throw new IllegalArgumentException("--rate must be more than 0 and at most 1000000 per second");
        }
        if (duration != null && (duration.isZero() || duration.isNegative())) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (warmup != null && (warmup.isZero() || warmup.isNegative())) {
            throw new IllegalArgumentException("--warmup must be positive");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                || url.getHost() == null) {
            throw new IllegalArgumentException("--url must be an http:// or https:// URL with a host, got " + url);
        }
        long max = webhooks != null ? webhooks : duration != null ? Long.MAX_VALUE : 100;
        TrafficMix parsedMix = TrafficMix.parse(mix);
        return new TrafficRunner.Plan(url, max, duration, concurrent, rate, timeout, parsedMix,
                seed != null ? seed : ThreadLocalRandom.current().nextLong());
    }

    private String resolveSecret() {
        String value = secret;
        if (value == null || value.isEmpty()) {
            value = System.getenv("WEBHOOK_SECRET");
        }
        if (value == null || value.isEmpty()) {
            // The secret a local service generated on its first start (see the README).
            Path file = Path.of(System.getenv().getOrDefault("DATA_DIR", "./data"), "webhook-secret");
            try {
                if (Files.isReadable(file)) {
                    value = Files.readString(file, StandardCharsets.UTF_8).trim();
                }
            } catch (IOException e) {
                value = null;
            }
        }
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("no webhook secret: pass --secret, set WEBHOOK_SECRET, or run where "
                    + "DATA_DIR/webhook-secret exists");
        }
        return value;
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** 30s, 5m, 1h, 250ms, or a bare number of seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                }
                if (v.endsWith("m")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
                }
                if (v.endsWith("h")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 3_600_000));
                }
                return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("not a duration: '" + value + "' (use 30s, 5m, 1h or 500ms)");
            }
        }
    }

    /** 500, or 500/s. */
    static final class RateConverter implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.endsWith("/s")) {
                v = v.substring(0, v.length() - 2);
            }
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("not a rate: '" + value + "' (use 500 or 500/s)");
            }
        }
    }

    static final class AuthConverter implements CommandLine.ITypeConverter<AuthMode> {
        @Override
        public AuthMode convert(String value) {
            try {
                return AuthMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("--auth must be secret, signature or mixed, not '" + value + "'");
            }
        }
    }
}
