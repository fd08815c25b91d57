package com.fks.execution.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Every metric the service exports, under the names docs/metrics.md lists (the alert rules and the dashboard
 * are written against them). Label values come from closed sets, except NaN field names, which are bounded.
 */
public final class ExecutionMetrics implements AutoCloseable {
    static final int MAX_NAN_FIELD_LABELS = 50;
    private static final int MAX_FIELD_LABEL_LENGTH = 40;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();
    /*
     * The counters every webhook touches, found by their label value alone: building the general key (name and
     * tags joined) cost each request a String, a varargs array and a boxed status. Reasons and validation
     * reasons are closed sets; a NaN field gets an entry only once it has a label of its own (at most
     * MAX_NAN_FIELD_LABELS), so names a sender invents cannot grow these maps.
     */
    private final Map<String, StatusCounter[]> requestsByReason = new ConcurrentHashMap<>();
    private final Map<String, Counter> validationFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> nanReplacements = new ConcurrentHashMap<>();
    private final Map<String, Timer> ackDelays = new ConcurrentHashMap<>();
    private final Set<String> nanFields = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> positions = new ConcurrentHashMap<>();
    private final AtomicInteger activeRequests = new AtomicInteger();
    private final Timer webhookDuration;
    private final Counter signatureFailures;
    private final Counter ipRejections;
    private final Counter rateLimitRejections;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    public ExecutionMetrics() {
        // Two of Micrometer's names break Prometheus' naming rules (promtool check metrics refuses them).
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count")
                || id.getName().equals("process.cpu.time")));
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new ProcessMemoryMetrics().bindTo(registry);
        webhookDuration = Timer.builder("execution.webhook.duration")
                .description("Time from the webhook request's arrival to its answer")
                .serviceLevelObjectives(buckets())
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
        signatureFailures = Counter.builder("execution.webhook.signature.failures")
                .description("Webhooks refused for a missing or wrong secret or signature").register(registry);
        ipRejections = Counter.builder("execution.ip.whitelist.rejections")
                .description("Webhooks refused because the client address is not allowed").register(registry);
        rateLimitRejections = Counter.builder("execution.rate.limit.rejections")
                .description("Webhooks refused by the rate limit (429: TradingView does not resend them)")
                .register(registry);
        Gauge.builder("execution.active.requests", activeRequests, AtomicInteger::get)
                .description("Webhook requests being handled now").register(registry);
    }

    private static Duration[] buckets() {
        long[] millis = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};
        Duration[] result = new Duration[millis.length];
        for (int i = 0; i < millis.length; i++) {
            result[i] = Duration.ofMillis(millis[i]);
        }
        return result;
    }

    /**
     * Buckets of the alert-to-acknowledgement delay: milliseconds for a healthy venue, and on to
     * ORDER_MAX_WAIT_SECONDS' default (120 s) for an order that waited out retries or an open breaker. The
     * SlowOrderPlacement threshold (1 s) is a bucket bound, so its p99 is read without interpolation error there.
     */
    private static Duration[] ackDelayBuckets() {
        long[] millis = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 120_000};
        Duration[] result = new Duration[millis.length];
        for (int i = 0; i < millis.length; i++) {
            result[i] = Duration.ofMillis(millis[i]);
        }
        return result;
    }

    /**
     * Creates the request and order counters at zero for every label value that can occur, so rate() and
     * increase() see the first event of each (a counter born at 1 loses it).
     */
    public void preRegister(Map<Integer, List<String>> reasonsByStatus, List<String> validationReasons,
                            List<String> exchanges) {
        reasonsByStatus.forEach((status, reasons) -> reasons.forEach(reason -> counter("execution.webhook.requests",
                "Webhook requests by answer", "status", Integer.toString(status), "reason", reason)));
        validationReasons.forEach(reason -> counter("execution.webhook.validation.failures",
                "Webhooks refused as unparseable, invalid or over a risk limit", "reason", reason));
        for (String exchange : exchanges) {
            ackDelay(exchange);
            for (String side : List.of("buy", "sell")) {
                for (String status : List.of("filled", "partially_filled", "canceled", "rejected", "failed")) {
                    counter("execution.orders", "Orders that reached a final state", "exchange", exchange,
                            "side", side, "status", status, "kind", "entry");
                }
            }
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    public void requestStarted() {
        activeRequests.incrementAndGet();
    }

    public void requestFinished(int status, String reason, long durationNanos) {
        activeRequests.decrementAndGet();
        webhookDuration.record(durationNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        requests(status, reason).increment();
    }

    private record StatusCounter(int status, Counter counter) {
    }

    private Counter requests(int status, String reason) {
        StatusCounter[] known = requestsByReason.get(reason);
        if (known != null) {
            for (StatusCounter c : known) {
                if (c.status() == status) {
                    return c.counter();
                }
            }
        }
        Counter counter = counter("execution.webhook.requests", "Webhook requests by answer", "status",
                Integer.toString(status), "reason", reason);
        requestsByReason.compute(reason, (r, old) -> {
            StatusCounter[] grown = old == null ? new StatusCounter[1] : java.util.Arrays.copyOf(old, old.length + 1);
            for (StatusCounter c : grown) {
                if (c != null && c.status() == status) {
                    return old;
                }
            }
            grown[grown.length - 1] = new StatusCounter(status, counter);
            return grown;
        });
        return counter;
    }

    public void validationFailure(String reason) {
        Counter counter = validationFailures.get(reason);
        if (counter == null) {
            counter = validationFailures.computeIfAbsent(reason, r -> counter("execution.webhook.validation.failures",
                    "Webhooks refused as unparseable, invalid or over a risk limit", "reason", r));
        }
        counter.increment();
    }

    public void signatureFailure() {
        signatureFailures.increment();
    }

    public void ipRejection() {
        ipRejections.increment();
    }

    public void rateLimitRejection() {
        rateLimitRejections.increment();
    }

    /** A NaN, Infinity or null replaced by null in an optional numeric field. */
    public void nanReplacement(String field) {
        Counter counter = nanReplacements.get(field);
        if (counter == null) {
            String label = nanFieldLabel(field);
            counter = counter("execution.nan.replacements", "NaN, Infinity or null values replaced by null, by field",
                    "field", label);
            if (label.equals(field)) {
                nanReplacements.putIfAbsent(field, counter);
            }
        }
        counter.increment();
    }

    /** Field names come from the sender: only the first few well-formed ones get their own label. */
    private String nanFieldLabel(String field) {
        if (!isFieldLabel(field)) {
            return "other";
        }
        if (nanFields.contains(field)) {
            return field;
        }
        if (nanFields.size() >= MAX_NAN_FIELD_LABELS) {
            return "other";
        }
        nanFields.add(field);
        return field;
    }

    /** [a-z0-9_]{1,40}, without a regex (this runs for a NaN field of every alert). */
    static boolean isFieldLabel(String field) {
        int n = field.length();
        if (n == 0 || n > MAX_FIELD_LABEL_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = field.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The service's position in a symbol for a strategy (base units, from its own fills), as the engine last read
     * it from the store. Strategies come from the trader's own alerts: a bounded set.
     */
    public void position(String exchange, String symbol, String strategy, double quantity) {
        String label = strategy == null ? "" : strategy;
        positions.computeIfAbsent(exchange + '\u0000' + symbol + '\u0000' + label, key -> {
            AtomicLong bits = new AtomicLong();
            Gauge.builder("execution.position.quantity", bits, b -> Double.longBitsToDouble(b.get()))
                    .description("The service's position from its own fills, base units")
                    .tags("exchange", exchange, "symbol", symbol, "strategy", label)
                    .register(registry);
            return bits;
        }).set(Double.doubleToLongBits(quantity));
    }

    public void orderFinished(String exchange, String side, String status, String kind) {
        counter("execution.orders", "Orders that reached a final state", "exchange", exchange, "side", side,
                "status", status, "kind", kind).increment();
    }

    /**
     * The order-placement SLI: from the alert's arrival (the order's received time) to the exchange's
     * acknowledgement of its order, as the engine learns it.
     */
    public void orderAcknowledged(String exchange, Duration sinceReceived) {
        ackDelay(exchange).record(sinceReceived);
    }

    private Timer ackDelay(String exchange) {
        return ackDelays.computeIfAbsent(exchange, e -> Timer.builder("execution.order.ack.delay")
                .description("Time from an alert's arrival to the exchange's acknowledgement of its order")
                .tags("exchange", e)
                .serviceLevelObjectives(ackDelayBuckets())
                .register(registry));
    }

    /**
     * What records the order store's durable writes, labelled by store (journal: the embedded one; postgresql: the
     * replicas'): how long each group's write took, and how many changes the groups held (their ratio is the
     * mean group). Every accepted alert waits for one such write before its 202.
     */
    public StoreCommits storeCommits(String store) {
        return new StoreCommits(Timer.builder("execution.store.commit.duration")
                .description("Time of one durable write of the order store: a group of changes forced or committed")
                .tags("store", store)
                .serviceLevelObjectives(commitBuckets())
                .register(registry),
                Counter.builder("execution.store.committed.changes")
                        .description("Changes (recorded alerts, order transitions) the order store made durable")
                        .tags("store", store).register(registry));
    }

    /** Records one durable group of the order store. */
    public record StoreCommits(Timer duration, Counter changes) {
        public void committed(int count, long nanos) {
            duration.record(nanos, TimeUnit.NANOSECONDS);
            changes.increment(count);
        }
    }

    /** Sub-millisecond first: a healthy disk forces in well under a millisecond, a slow one in tens. */
    private static Duration[] commitBuckets() {
        long[] micros = {250, 500, 1000, 2000, 5000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000, 2_500_000};
        Duration[] result = new Duration[micros.length];
        for (int i = 0; i < micros.length; i++) {
            result[i] = Duration.ofNanos(micros[i] * 1000);
        }
        return result;
    }

    public Timer exchangeCallTimer(String exchange, String operation) {
        return Timer.builder("execution.exchange.api.duration")
                .description("Duration of calls to an exchange's API")
                .tags("exchange", exchange, "operation", operation)
                .serviceLevelObjectives(buckets())
                .register(registry);
    }

    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).description(description).tags(tags).strongReference(true).register(registry);
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(new CounterKey(name, tags), k -> Counter.builder(name)
                .description(description).tags(tags).register(registry));
    }

    /** A counter's name and tags as a map key without joining them into a new string at each increment. */
    private record CounterKey(String name, String[] tags) {
        @Override
        public boolean equals(Object o) {
            return o instanceof CounterKey other && name.equals(other.name) && Arrays.equals(tags, other.tags);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + Arrays.hashCode(tags);
        }

        @Override
        public String toString() {
            return name + Arrays.toString(tags);
        }
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
