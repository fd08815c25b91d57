package com.fks.execution.exchange;

import com.fks.execution.order.OrderType;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The port every exchange adapter implements (paper, binance, coinbase).
 *
 * <p>Lifecycle and safety rules the execution engine relies on:
 * <ul>
 *   <li>{@link #place} is not idempotent at the exchange (Binance's client order id is unique only among
 *       open orders). After an {@link ExchangeException.Kind#UNKNOWN_OUTCOME} the engine calls
 *       {@link #lookup} with the same client order id and only places again when the exchange has no such
 *       order. Adapters never retry {@code place} themselves.</li>
 *   <li>An adapter prepares the order for its venue before sending (symbol mapping, rounding quantity to the
 *       lot step and the price to the tick, minimum-notional check) and throws
 *       {@link ExchangeException.Kind#REJECTED} locally when the order cannot be valid.</li>
 *   <li>An adapter that was told to back off (HTTP 429/418 with Retry-After) refuses calls until then with
 *       {@link ExchangeException.Kind#RATE_LIMITED}, without sending anything.</li>
 *   <li>Protection orders (STOP_LOSS, TAKE_PROFIT, OCO) are placed, looked up and cancelled through the same
 *       methods, with their type: an OCO is one list at Binance (looked up and cancelled by its list client
 *       id) and one bracket order at Coinbase. An OCO's {@link ExchangeOrder} is the list as a whole: FILLED (or
 *       partly) when a leg filled, with that leg's quantity and price; CANCELED when no leg filled and the list
 *       is done.</li>
 *   <li>Implementations are thread-safe; no method blocks longer than the adapter's request timeout.</li>
 * </ul>
 */
public interface ExchangeClient {

    /** The exchange's name as used in alerts, metrics and the store: paper, binance or coinbase. */
    String name();

    /** Sends a new order. Returns the exchange's view of it right after acceptance. */
    ExchangeOrder place(OrderRequest request) throws ExchangeException;

    /** The order with this client order id, or empty when the exchange has none. */
    Optional<ExchangeOrder> lookup(String symbol, String clientOrderId) throws ExchangeException;

    /** As {@link #lookup(String, String)}, for an order of the given type (an OCO is looked up as a list). */
    default Optional<ExchangeOrder> lookup(String symbol, String clientOrderId, OrderType type)
            throws ExchangeException {
        return lookup(symbol, clientOrderId);
    }

    /** Cancels an open order; returns its final state. */
    ExchangeOrder cancel(String symbol, String clientOrderId) throws ExchangeException;

    /** As {@link #cancel(String, String)}, for an order of the given type (an OCO is cancelled as a list). */
    default ExchangeOrder cancel(String symbol, String clientOrderId, OrderType type) throws ExchangeException {
        return cancel(symbol, clientOrderId);
    }

    /**
     * The free (not locked in open orders) balance of one asset in the account, read from the exchange on each
     * call (Binance GET /api/v3/account, Coinbase GET /api/v3/brokerage/accounts); zero when the account has none.
     */
    BigDecimal freeBalance(String asset) throws ExchangeException;

    /** Lot step, tick, limits, minimum notional, base and quote asset of a symbol (adapters cache these). */
    InstrumentRules instrumentRules(String symbol) throws ExchangeException;

    /**
     * The price an accepted alert carried for a symbol. Only the paper exchange uses it: it is its market, and
     * its resting orders fill when it crosses them.
     */
    default void observePrice(String symbol, BigDecimal price) {
    }

    /** Succeeds when the exchange answers; used for execution_exchange_connections. */
    void ping() throws ExchangeException;
}
