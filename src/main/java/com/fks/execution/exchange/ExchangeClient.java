package com.fks.execution.exchange;

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

    /** Cancels an open order; returns its final state. */
    ExchangeOrder cancel(String symbol, String clientOrderId) throws ExchangeException;

    /** Lot step, tick, limits and minimum notional of a symbol (adapters cache these). */
    InstrumentRules instrumentRules(String symbol) throws ExchangeException;

    /** Succeeds when the exchange answers; used for execution_exchange_connections. */
    void ping() throws ExchangeException;
}
