package com.fks.execution.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the alerts. Closed loop (no --rate): {@code concurrent} workers each send, wait for the answer, send
 * again. Open loop (--rate): alert i is due at start + i/rate whatever the server does, and its latency runs
 * from that due time, so a server that falls behind shows its queueing in the percentiles instead of slowing
 * the generator down (coordinated omission).
 */
public final class TrafficRunner {
    /** How a run is shaped; {@code maxAlerts} and {@code duration} bound it, whichever comes first. */
    public record Plan(URI url, long maxAlerts, Duration duration, int concurrent, Double ratePerSecond,
                       Duration timeout, TrafficMix mix, long seed) {
        boolean openLoop() {
            return ratePerSecond != null;
        }
    }

    /** Duplicates resend one of the last few accepted alerts: recent, so still inside the replay window. */
    private static final int RECENT_ACCEPTED = 64;
    /** Accepted strategy entries waiting for their exit; beyond this many the oldest are left open. */
    static final int OPEN_ENTRIES = 1024;

    private final Plan plan;
    private final AlertFactory factory;
    private final OutcomeLog outLog;
    private final TrafficStats stats = new TrafficStats();
    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http;
    private final AtomicReferenceArray<OutgoingAlert> recentAccepted = new AtomicReferenceArray<>(RECENT_ACCEPTED);
    private final AtomicLong acceptedCount = new AtomicLong();
    private final BlockingDeque<AlertFactory.OpenEntry> openEntries = new LinkedBlockingDeque<>(OPEN_ENTRIES);
    private long startNanos;
    private long startEpochMicros;
    private long endNanos;
    /** False while warming up: alerts go out and are answered, but are neither counted nor written out. */
    private volatile boolean recording = true;
    /** The number of the first alert of the measured run: the warm-up's alerts come before it. */
    private long firstSeq;

    public TrafficRunner(Plan plan, AlertFactory factory, OutcomeLog outLog) {
        this.plan = plan;
        this.factory = factory;
        this.outLog = outLog;
        // The client's own selector thread completes each exchange (the body is read whole, nothing blocks there)
        // instead of handing it to a pool thread that hands it to the waiting worker: the generator shares the
        // machine with the service it measures, and this took its CPU at 500 alerts/s from 9.9 s to 7.0-8.1 s.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Runnable::run)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public TrafficStats stats() {
        return stats;
    }

    public double elapsedSeconds() {
        return (endNanos - startNanos) / 1e9;
    }

    /**
     * Sends as the plan says for {@code warmup} before the run, counting nothing and writing nothing out: the
     * measured run then starts with this JVM's own code compiled, so its percentiles are the server's, not the
     * generator's first seconds. Its alerts are numbered before the run's, so no alert id repeats.
     */
    public void warmUp(Duration warmup) throws InterruptedException {
        recording = false;
        AtomicLong sent = new AtomicLong();
        try {
            drive(null, warmup.toNanos(), Long.MAX_VALUE, sent);
        } finally {
            recording = true;
            firstSeq = sent.get();
        }
    }

    /** Runs to the end; prints a progress line on {@code progress} once a second when it is not null. */
    public void run(PrintStream progress) throws InterruptedException {
        drive(progress, plan.duration() == null ? Long.MAX_VALUE : plan.duration().toNanos(), plan.maxAlerts(),
                new AtomicLong());
    }

    private void drive(PrintStream progress, long forNanos, long maxAlerts, AtomicLong sent)
            throws InterruptedException {
        ExecutorService workers = Executors.newFixedThreadPool(plan.concurrent(), daemonThreads("traffic-worker"));
        ScheduledExecutorService ticker = progress == null ? null
                : Executors.newSingleThreadScheduledExecutor(daemonThreads("traffic-progress"));
        startNanos = System.nanoTime();
        Instant wallStart = Instant.now();
        startEpochMicros = wallStart.getEpochSecond() * 1_000_000 + wallStart.getNano() / 1_000;
        long deadline = forNanos == Long.MAX_VALUE ? Long.MAX_VALUE : startNanos + forNanos;
        if (ticker != null) {
            ticker.scheduleAtFixedRate(() -> progress.print("\r" + progressLine()), 1, 1, TimeUnit.SECONDS);
        }
        try {
            if (plan.openLoop()) {
                openLoop(workers, deadline, maxAlerts, sent);
            } else {
                closedLoop(workers, deadline, maxAlerts, sent);
            }
            workers.shutdown();
            // Every alert sent gets its answer or its timeout: the run ends when the last one is in.
            while (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
                // still waiting for answers
            }
        } finally {
            workers.shutdownNow();
            endNanos = System.nanoTime();
            if (ticker != null) {
                ticker.shutdownNow();
                progress.print("\r" + progressLine() + "\n");
            }
        }
    }

    private void closedLoop(ExecutorService workers, long deadline, long maxAlerts, AtomicLong sent) {
        for (int w = 0; w < plan.concurrent(); w++) {
            workers.execute(() -> {
                while (true) {
                    long n = sent.getAndIncrement();
                    long now = System.nanoTime();
                    if (n >= maxAlerts || now >= deadline || Thread.currentThread().isInterrupted()) {
                        sent.decrementAndGet();
                        return;
                    }
                    sendOne(firstSeq + n, now);
                }
            });
        }
    }

    private void openLoop(ExecutorService workers, long deadline, long maxAlerts, AtomicLong sent) {
        double intervalNanos = 1e9 / plan.ratePerSecond();
        for (long n = 0; n < maxAlerts; n++) {
            long due = startNanos + (long) (n * intervalNanos);
            if (due >= deadline) {
                return;
            }
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            long dueAt = due;
            long s = firstSeq + n;
            sent.incrementAndGet();
            workers.execute(() -> sendOne(s, dueAt));
        }
    }

    private void sendOne(long seq, long dueNanos) {
        // Each alert's randomness comes from the seed and its number alone, so a seed replays a run exactly.
        SplittableRandom random = new SplittableRandom(plan.seed() ^ (seq * 0x9E3779B97F4A7C15L));
        AlertKind kind = plan.mix().pick(random);
        OutgoingAlert alert = null;
        if (kind == AlertKind.DUPLICATE) {
            long known = Math.min(acceptedCount.get(), RECENT_ACCEPTED);
            OutgoingAlert original = known == 0 ? null : recentAccepted.get(random.nextInt((int) known));
            if (original != null) {
                alert = new OutgoingAlert(original.alertId(), AlertKind.DUPLICATE, original.body(),
                        original.signatureHeader(), original.contentType());
            } else {
                kind = AlertKind.VALID; // nothing accepted yet to duplicate
            }
        }
        AlertFactory.OpenEntry opened = null;
        if (kind == AlertKind.STRATEGY_EXIT) {
            // Each accepted entry is exited once, by the first exit that finds it; an exit with none to close would
            // only be answered no_position, so an entry goes instead.
            AlertFactory.OpenEntry entry = openEntries.pollFirst();
            if (entry != null) {
                alert = factory.strategyExit(seq, entry, random);
            } else {
                kind = AlertKind.STRATEGY_ENTRY;
            }
        }
        if (kind == AlertKind.STRATEGY_ENTRY) {
            AlertFactory.StrategyEntry entry = factory.strategyEntry(seq, random);
            alert = entry.alert();
            opened = entry.open();
        }
        if (alert == null) {
            alert = factory.create(seq, kind, random);
        }
        Outcome outcome = send(alert, dueNanos);
        if (alert.kind() == AlertKind.VALID && outcome.status() == 202) {
            recentAccepted.set((int) (acceptedCount.getAndIncrement() % RECENT_ACCEPTED), alert);
        }
        if (opened != null && outcome.status() == 202 && !openEntries.offerLast(opened)) {
            openEntries.pollFirst();
            openEntries.offerLast(opened);
        }
        if (!recording) {
            return;
        }
        stats.record(outcome);
        if (outLog != null) {
            outLog.write(outcome);
        }
    }

    private Outcome send(OutgoingAlert alert, long dueNanos) {
        long dueMicros = startEpochMicros + (dueNanos - startNanos) / 1_000;
        HttpRequest.Builder request = HttpRequest.newBuilder(plan.url())
                .timeout(plan.timeout())
                .header("Content-Type", alert.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(alert.body()));
        if (alert.signatureHeader() != null) {
            request.header("X-Webhook-Signature", alert.signatureHeader());
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            long latency = System.nanoTime() - dueNanos;
            String reason = "-";
            String orderId = null;
            try {
                JsonNode body = mapper.readTree(response.body());
                if (body != null && body.isObject()) {
                    reason = body.hasNonNull("reason") ? body.get("reason").asText() : body.path("status").asText("-");
                    orderId = body.hasNonNull("order_id") ? body.get("order_id").asText() : null;
                }
            } catch (IOException e) {
                reason = "unreadable_answer";
            }
            return new Outcome(alert.alertId(), alert.kind(), response.statusCode(), reason, orderId, latency,
                    dueMicros);
        } catch (HttpTimeoutException e) {
            return new Outcome(alert.alertId(), alert.kind(), 0, Outcome.TIMEOUT, null, System.nanoTime() - dueNanos,
                    dueMicros);
        } catch (IOException e) {
            return new Outcome(alert.alertId(), alert.kind(), 0, Outcome.CONNECTION_ERROR, null,
                    System.nanoTime() - dueNanos, dueMicros);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(alert.alertId(), alert.kind(), 0, Outcome.CONNECTION_ERROR, null,
                    System.nanoTime() - dueNanos, dueMicros);
        }
    }

    String progressLine() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return String.format(Locale.ROOT, "sent %d  2xx %d  4xx %d  5xx %d  errors %d  %.0f/s   ",
                stats.sent(), stats.withStatus(200) + stats.withStatus(202), countRange(400, 499),
                stats.serverErrors(), stats.connectionErrors(), seconds <= 0 ? 0 : stats.sent() / seconds);
    }

    private long countRange(int from, int to) {
        return stats.responses().entrySet().stream().filter(e -> e.getKey() >= from && e.getKey() <= to)
                .flatMap(e -> e.getValue().values().stream()).mapToLong(Long::longValue).sum();
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
