package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeClient;
import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.InstrumentRules;
import com.fks.execution.exchange.OrderRequest;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The built-in exchange: fills every order at once at its price (a market order at the alert's price), and
 * keeps its fills in its own book. Latency and failures can be injected (PAPER_LATENCY_MS,
 * PAPER_FAILURE_RATE) to show the breaker and the retries without a real exchange. Half the injected
 * failures lose the response after the order was filled, like a real timeout: only a lookup tells.
 */
public final class PaperExchange implements ExchangeClient {
    public static final String NAME = "paper";

    private final PaperBook book;
    private final Duration latency;
    private final double failureRate;
    private final Clock clock;

    public PaperExchange(PaperBook book, Duration latency, double failureRate, Clock clock) {
        this.book = book;
        this.latency = latency;
        this.failureRate = failureRate;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ExchangeOrder place(OrderRequest request) throws ExchangeException {
        simulateLatency();
        boolean fail = injectFailure();
        boolean loseResponse = fail && ThreadLocalRandom.current().nextBoolean();
        if (fail && !loseResponse) {
            throw ExchangeException.unavailable("paper exchange: injected connection failure", null);
        }
        BigDecimal price = request.limitPrice() != null ? request.limitPrice() : request.referencePrice();
        if (price == null) {
            throw ExchangeException.rejected("no_price", "paper exchange: a market order needs a reference price");
        }
        ExchangeOrder filled = book.fill(request, "paper-" + UUID.randomUUID(), price, clock.instant());
        if (loseResponse) {
            throw ExchangeException.unknownOutcome("paper exchange: injected lost response", null);
        }
        return filled;
    }

    @Override
    public Optional<ExchangeOrder> lookup(String symbol, String clientOrderId) throws ExchangeException {
        simulateLatency();
        if (injectFailure()) {
            throw ExchangeException.unavailable("paper exchange: injected connection failure", null);
        }
        return book.find(clientOrderId);
    }

    @Override
    public ExchangeOrder cancel(String symbol, String clientOrderId) throws ExchangeException {
        ExchangeOrder order = book.find(clientOrderId).orElseThrow(
                () -> ExchangeException.rejected("unknown_order", "paper exchange: no such order"));
        if (order.status() == ExchangeOrderStatus.FILLED) {
            throw ExchangeException.rejected("already_filled", "paper exchange: the order is filled");
        }
        return order;
    }

    @Override
    public InstrumentRules instrumentRules(String symbol) {
        return new InstrumentRules(symbol, null, null, null, null, null, null, null, false);
    }

    @Override
    public void ping() throws ExchangeException {
        book.ping();
    }

    private void simulateLatency() throws ExchangeException {
        if (latency.isZero()) {
            return;
        }
        try {
            Thread.sleep(latency.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ExchangeException.unavailable("paper exchange: interrupted", e);
        }
    }

    private boolean injectFailure() {
        return failureRate > 0 && ThreadLocalRandom.current().nextDouble() < failureRate;
    }

    @Override
    public java.math.BigDecimal freeBalance(String asset) throws ExchangeException {
        throw ExchangeException.rejected("balance_unavailable", "paper: balances are not read yet");
    }
}
