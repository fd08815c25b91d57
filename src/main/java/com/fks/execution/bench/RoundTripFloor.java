package com.fks.execution.bench;

import com.fks.execution.exchange.ExchangeHttp;
import com.fks.execution.traffic.Percentiles;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * For scripts/bench/run: the anchor of the Binance row. Open loop at RATE calls/s, each timed from its due time, a
 * bare {@code GET} of URL through the HTTP client the exchange adapters use ({@link ExchangeHttp}), from a pool of
 * blocking callers as the engine's workers call: what a round trip to the same exchange process costs on this
 * machine at the same rate, before the service adds anything (no webhook, no journal, no signing).
 * <p>
 * Usage: {@code RoundTripFloor URL RATE SECONDS [WARMUP_SECONDS]}. The warm-up runs at the same rate, uncounted.
 * Prints one line for people, then one {@code key=value} line for the script.
 */
public final class RoundTripFloor {
    private static final int CALLERS = 8;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** The calls of one window: nanoseconds from due to answered, and the calls that failed. */
    record Window(long[] nanos, int failures) {
        Percentiles percentiles() {
            return Percentiles.of(nanos, nanos.length);
        }
    }

    private RoundTripFloor() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 3) {
            System.err.println("usage: RoundTripFloor URL RATE SECONDS [WARMUP_SECONDS]");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        HttpClient http = ExchangeHttp.newClient(TIMEOUT);
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            if (warmup > 0) {
                run(http, callers, url, rate, warmup);
            }
            Window window = run(http, callers, url, rate, seconds);
            Percentiles p = window.percentiles();
            System.out.printf(Locale.ROOT, "GET %s, open loop at %d/s for %d s (%d callers, after %d s uncounted): "
                            + "%d calls, %d failed; p50 %s ms, p99 %s ms, max %s ms%n", url.getPath(), rate, seconds,
                    CALLERS, warmup, p.count(), window.failures(), ms(p.at(0.50)), ms(p.at(0.99)), ms(p.max()));
            System.out.printf(Locale.ROOT, "calls=%d failed=%d p50_ms=%s p99_ms=%s%n", p.count(), window.failures(),
                    ms(p.at(0.50)), ms(p.at(0.99)));
        } finally {
            callers.shutdownNow();
        }
    }

    /** One window: call i is due at start + i / rate; a call that waits for a free caller counts the wait. */
    static Window run(HttpClient http, ExecutorService callers, URI url, int rate, int seconds)
            throws InterruptedException {
        int n = rate * seconds;
        long[] nanos = new long[n];
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(n);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 10_000_000L;
        for (int i = 0; i < n; i++) {
            long due = start + i * interval;
            long early = due - System.nanoTime();
            if (early > 0) {
                LockSupport.parkNanos(early);
            }
            int call = i;
            callers.execute(() -> {
                try {
                    HttpResponse<Void> answer = http.send(request, HttpResponse.BodyHandlers.discarding());
                    if (answer.statusCode() != 200) {
                        failures.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.incrementAndGet();
                }
                nanos[call] = System.nanoTime() - due;
                done.countDown();
            });
        }
        done.await();
        return new Window(nanos, failures.get());
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
