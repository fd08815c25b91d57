package com.fks.execution.execution;

import com.fks.execution.exchange.ExchangeClient;
import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.InstrumentRules;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.metrics.ExecutionMetrics;
import com.fks.execution.order.OrderType;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Timer;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One exchange behind its circuit breaker, every call timed. Only failures that say something about the
 * exchange's health (timeouts, 5xx, refused connections, rate limiting) count against the breaker; an order
 * the exchange rejects shows the exchange is working.
 */
final class GuardedExchange {
    private final ExchangeClient client;
    private final CircuitBreaker breaker;
    private final ExecutionMetrics metrics;
    private final Timer placeTimer;
    private final Timer lookupTimer;
    private final Timer cancelTimer;
    private final Timer balanceTimer;
    private final Timer rulesTimer;
    private final Timer pingTimer;
    /** 0 until the first ping answers: a connection is reported only once seen. */
    private final AtomicInteger connected = new AtomicInteger(0);

    GuardedExchange(ExchangeClient client, int threshold, Duration openFor, ExecutionMetrics metrics) {
        this.client = client;
        this.metrics = metrics;
        // A count-based window of N calls that opens at a 100 % failure rate opens after N consecutive failures.
        this.breaker = CircuitBreaker.of(client.name(), CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(threshold)
                .minimumNumberOfCalls(threshold)
                .failureRateThreshold(100f)
                .waitDurationInOpenState(openFor)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
        this.placeTimer = metrics.exchangeCallTimer(client.name(), "place");
        this.lookupTimer = metrics.exchangeCallTimer(client.name(), "lookup");
        this.cancelTimer = metrics.exchangeCallTimer(client.name(), "cancel");
        this.balanceTimer = metrics.exchangeCallTimer(client.name(), "balance");
        this.rulesTimer = metrics.exchangeCallTimer(client.name(), "rules");
        this.pingTimer = metrics.exchangeCallTimer(client.name(), "ping");
        metrics.gauge("execution.circuit.breaker.state", "Circuit breaker per exchange: 0 closed, 1 open, 2 half-open",
                this::breakerStateValue, "exchange", client.name());
        metrics.gauge("execution.exchange.connections", "1 while the exchange answers its ping, else 0",
                connected::get, "exchange", client.name());
    }

    String name() {
        return client.name();
    }

    CircuitBreaker.State state() {
        return breaker.getState();
    }

    private int breakerStateValue() {
        switch (breaker.getState()) {
            case OPEN:
            case FORCED_OPEN:
                return 1;
            case HALF_OPEN:
                return 2;
            default:
                return 0;
        }
    }

    ExchangeOrder place(OrderRequest request) throws ExchangeException, CircuitOpenException {
        return call(placeTimer, () -> client.place(request));
    }

    Optional<ExchangeOrder> lookup(String symbol, String clientOrderId, OrderType type)
            throws ExchangeException, CircuitOpenException {
        return call(lookupTimer, () -> client.lookup(symbol, clientOrderId, type));
    }

    ExchangeOrder cancel(String symbol, String clientOrderId, OrderType type)
            throws ExchangeException, CircuitOpenException {
        return call(cancelTimer, () -> client.cancel(symbol, clientOrderId, type));
    }

    BigDecimal freeBalance(String asset) throws ExchangeException, CircuitOpenException {
        return call(balanceTimer, () -> client.freeBalance(asset));
    }

    InstrumentRules instrumentRules(String symbol) throws ExchangeException, CircuitOpenException {
        return call(rulesTimer, () -> client.instrumentRules(symbol));
    }

    void observePrice(String symbol, BigDecimal price) {
        client.observePrice(symbol, price);
    }

    /** Pings outside the breaker: it measures the connection whatever the breaker says. */
    void ping() {
        long start = System.nanoTime();
        try {
            client.ping();
            connected.set(1);
        } catch (ExchangeException | RuntimeException e) {
            connected.set(0);
        } finally {
            pingTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private interface Call<T> {
        T run() throws ExchangeException;
    }

    private <T> T call(Timer timer, Call<T> call) throws ExchangeException, CircuitOpenException {
        if (!breaker.tryAcquirePermission()) {
            throw new CircuitOpenException(client.name());
        }
        long start = System.nanoTime();
        try {
            T result = call.run();
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return result;
        } catch (ExchangeException e) {
            long took = System.nanoTime() - start;
            if (e.countsAgainstExchange()) {
                breaker.onError(took, TimeUnit.NANOSECONDS, e);
            } else if (e.kind() == ExchangeException.Kind.REJECTED) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            } else {
                breaker.releasePermission();
            }
            throw e;
        } catch (RuntimeException e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            throw ExchangeException.unknownOutcome("adapter failed: " + e.getClass().getSimpleName(), e);
        } finally {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
