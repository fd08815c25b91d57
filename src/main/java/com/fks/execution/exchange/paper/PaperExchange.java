package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeClient;
import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.InstrumentRules;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The built-in exchange: a paper account to rehearse a strategy on. Its market is the last price each symbol's
 * alerts carried ({@link #observePrice}); its account holds PAPER_BALANCES, moved by every fill and kept in its
 * book ({@link PaperBook}) with its orders, so both survive a restart.
 *
 * <ul>
 *   <li>A market order fills at once at the last price (the order's reference price while none was seen);
 *       one sized in the quote currency buys or sells that amount's worth, rounded down to 8 decimals.</li>
 *   <li>A limit order the last price already crosses fills at once at its limit; any other rests, its amount
 *       locked, and fills at its limit when a later price crosses it. With no price known at all it rests: a
 *       venue does not fill a limit order without a market that reaches it.</li>
 *   <li>Stop-loss, take-profit and OCO orders sell and rest until a price crosses them (a take-profit at its
 *       price, a stop-loss at the price that triggered it; an OCO by whichever leg is crossed). One the last
 *       price already crosses is refused ({@code would_trigger_immediately}), as Binance refuses it.</li>
 *   <li>An order the free balance cannot pay for is REJECTED {@code insufficient_balance}.</li>
 * </ul>
 *
 * Latency and failures can be injected (PAPER_LATENCY_MS, PAPER_FAILURE_RATE) into every call the engine
 * makes (place, lookup, cancel, balance) to show the breaker and the retries without a real exchange. Half the
 * injected failures of a place or a cancel lose the response after the book changed, like a real timeout: only
 * a lookup tells. Prices observed are the market's feed, not calls, and are never delayed or failed.
 */
public final class PaperExchange implements ExchangeClient {
    public static final String NAME = "paper";
    /** Quote-sized market orders are worked out to this many decimals of the base asset (Binance's most). */
    static final int QUANTITY_DECIMALS = 8;
    private static final Logger log = LoggerFactory.getLogger(PaperExchange.class);

    private final PaperBook book;
    private final Duration latency;
    private final double failureRate;
    private final Clock clock;
    /** The last price of each symbol, as its alerts brought it; this process's own (not kept across restarts). */
    private final Map<String, BigDecimal> lastPrices = new ConcurrentHashMap<>();
    private final RestingBands bands = new RestingBands();

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
        ExchangeOrder placed;
        try {
            placed = placeNow(request);
        } catch (ExchangeException e) {
            if (loseResponse) {
                throw ExchangeException.unknownOutcome("paper exchange: injected lost response", e);
            }
            throw e;
        }
        if (loseResponse) {
            throw ExchangeException.unknownOutcome("paper exchange: injected lost response", null);
        }
        return placed;
    }

    private ExchangeOrder placeNow(OrderRequest request) throws ExchangeException {
        String symbol = request.symbol();
        PaperSymbols.Assets assets = PaperSymbols.assets(symbol).orElseThrow(() -> ExchangeException.rejected(
                "unknown_symbol", "paper exchange: " + symbol + " ends with no quote asset it knows"));
        BigDecimal seen = lastPrices.get(symbol);
        BigDecimal market = seen != null ? seen : request.referencePrice();
        BigDecimal quantity = request.quantity();
        BigDecimal fillPrice;
        if (request.type() == OrderType.MARKET) {
            if (market == null) {
                throw ExchangeException.rejected("no_price", "paper exchange: a market order needs a price, and "
                        + "no alert brought one for " + symbol);
            }
            if (quantity == null) {
                quantity = request.quoteQuantity().divide(market, QUANTITY_DECIMALS, RoundingMode.DOWN);
            }
            fillPrice = market;
        } else if (request.type() == OrderType.LIMIT) {
            fillPrice = market == null ? null
                    : PaperTriggers.fillPrice(request.side(), OrderType.LIMIT, request.limitPrice(), null, market)
                    .orElse(null);
        } else {
            refuseProtection(request, market);
            fillPrice = null;
        }
        if (quantity.signum() <= 0) {
            throw ExchangeException.rejected("invalid_quantity", "paper exchange: the order's quantity is "
                    + quantity.toPlainString() + " " + assets.base());
        }
        ExchangeOrder placed = book.place(new PaperBook.NewOrder(request, "paper-" + UUID.randomUUID(), assets,
                quantity.stripTrailingZeros(), fillPrice, clock.instant()));
        if (placed.status() != ExchangeOrderStatus.OPEN) {
            return placed;
        }
        bands.changed(symbol);
        // A price observed while this order was being placed found it not yet in the book: check it here.
        BigDecimal now = lastPrices.get(symbol);
        if (now != null && !Objects.equals(now, seen)) {
            fillCrossed(symbol, now);
            return book.find(request.clientOrderId()).orElse(placed);
        }
        return placed;
    }

    private static void refuseProtection(OrderRequest request, BigDecimal market) throws ExchangeException {
        if (request.side() != Side.SELL) {
            throw ExchangeException.rejected("unsupported_order", "paper exchange: a " + request.type()
                    + " order protects a long, so it sells");
        }
        if (request.type() == OrderType.OCO && request.limitPrice().compareTo(request.stopPrice()) <= 0) {
            throw ExchangeException.rejected("invalid_prices", "paper exchange: an OCO's take-profit must be "
                    + "above its stop-loss");
        }
        if (market != null && PaperTriggers.fillPrice(request.side(), request.type(), request.limitPrice(),
                request.stopPrice(), market).isPresent()) {
            throw ExchangeException.rejected("would_trigger_immediately", "paper exchange: the last price "
                    + market.toPlainString() + " already crosses the " + request.type() + " order");
        }
    }

    /**
     * The symbol's market moved: resting orders the price crosses fill. Never throws (the caller is taking an
     * alert): an order the book could not fill now fills at a later price that crosses it.
     */
    @Override
    public void observePrice(String symbol, BigDecimal price) {
        if (symbol == null || price == null || price.signum() <= 0) {
            return;
        }
        lastPrices.put(symbol, price);
        fillCrossed(symbol, price);
    }

    private void fillCrossed(String symbol, BigDecimal price) {
        if (!bands.mayCross(symbol, price)) {
            return;
        }
        try {
            long version = bands.versionBeforeRead(symbol);
            List<PaperBook.Resting> stillResting = new ArrayList<>();
            for (PaperBook.Resting order : book.resting(symbol)) {
                Optional<BigDecimal> fill = PaperTriggers.fillPrice(order, price);
                if (fill.isPresent()) {
                    book.fillResting(order.clientOrderId(), fill.get(), clock.instant());
                } else {
                    stillResting.add(order);
                }
            }
            bands.read(symbol, version, stillResting);
        } catch (ExchangeException | RuntimeException e) {
            log.warn("paper exchange: resting orders of {} not checked against the price {}: {}", symbol,
                    price.toPlainString(), e.getMessage());
        }
    }

    @Override
    public Optional<ExchangeOrder> lookup(String symbol, String clientOrderId) throws ExchangeException {
        simulateLatency();
        if (injectFailure()) {
            throw ExchangeException.unavailable("paper exchange: injected connection failure", null);
        }
        return book.find(clientOrderId);
    }

    /** A resting order ends CANCELED and its lock is released; a filled one is refused, as a venue refuses it. */
    @Override
    public ExchangeOrder cancel(String symbol, String clientOrderId) throws ExchangeException {
        simulateLatency();
        boolean fail = injectFailure();
        boolean loseResponse = fail && ThreadLocalRandom.current().nextBoolean();
        if (fail && !loseResponse) {
            throw ExchangeException.unavailable("paper exchange: injected connection failure", null);
        }
        Optional<ExchangeOrder> order = book.cancel(clientOrderId, clock.instant());
        if (loseResponse) {
            throw ExchangeException.unknownOutcome("paper exchange: injected lost response", null);
        }
        if (order.isEmpty()) {
            throw ExchangeException.rejected("unknown_order", "paper exchange: no such order");
        }
        if (order.get().status() == ExchangeOrderStatus.FILLED) {
            throw ExchangeException.rejected("already_filled", "paper exchange: the order is filled");
        }
        return order.get();
    }

    @Override
    public BigDecimal freeBalance(String asset) throws ExchangeException {
        simulateLatency();
        if (injectFailure()) {
            throw ExchangeException.unavailable("paper exchange: injected connection failure", null);
        }
        return book.freeBalance(asset.toUpperCase(Locale.ROOT));
    }

    @Override
    public InstrumentRules instrumentRules(String symbol) {
        PaperSymbols.Assets assets = PaperSymbols.assets(symbol).orElse(null);
        return new InstrumentRules(symbol, null, null, null, null, null, null, null, false,
                assets == null ? null : assets.base(), assets == null ? null : assets.quote());
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
}
