package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The paper exchange's record of its orders (fills, resting orders, their ends) and of the account's balances,
 * keyed by client order id like a real venue's, so a restart keeps them and a lookup after a lost response
 * finds them. An order and the balances it moves change together or not at all. The simulated venue asks only
 * this; how it is kept ({@link JdbcPaperBook}) is the book's business.
 */
public interface PaperBook extends AutoCloseable {
    /** One fill as the paper exchange recorded it. */
    record Fill(String clientOrderId, String symbol, String side, BigDecimal quantity, BigDecimal price) {
    }

    /**
     * An order the paper exchange takes: filled at once at {@code fillPrice}, or resting until a price crosses
     * it when {@code fillPrice} is null.
     *
     * @param quantity base units (a quote-sized market order's already worked out at its price)
     */
    record NewOrder(OrderRequest request, String exchangeOrderId, PaperSymbols.Assets assets, BigDecimal quantity,
                    BigDecimal fillPrice, Instant at) {
    }

    /** A resting order, as the paper market checks it against each price. */
    record Resting(String clientOrderId, Side side, OrderType type, BigDecimal quantity, BigDecimal limitPrice,
                   BigDecimal stopPrice) {
    }

    /**
     * Takes the order when the account can pay for it: a buy needs its cost in free quote, a sell its quantity
     * in free base; a resting order locks that amount until it fills or is cancelled. Otherwise REJECTED with
     * code {@code insufficient_balance}, and nothing is kept (a venue keeps no refused order). A client order
     * id already taken returns that order as it is now, as an idempotent venue would.
     */
    ExchangeOrder place(NewOrder order) throws ExchangeException;

    /**
     * Brings the book up to date (schema, replay of its log, balances worked out): what its first use would do,
     * done while the service starts instead of on the first alert.
     */
    void open() throws ExchangeException;

    Optional<ExchangeOrder> find(String clientOrderId) throws ExchangeException;

    /** The orders of a symbol still resting, oldest first. */
    List<Resting> resting(String symbol) throws ExchangeException;

    /**
     * Fills a resting order at {@code price} and moves the balances; returns the order as it is after (an order
     * no longer resting, filled or cancelled meanwhile, is left as it is); empty when there is no such order.
     */
    Optional<ExchangeOrder> fillResting(String clientOrderId, BigDecimal price, Instant at) throws ExchangeException;

    /**
     * Cancels a resting order and releases its lock; returns the order as it is after (a filled one stays
     * filled); empty when there is no such order.
     */
    Optional<ExchangeOrder> cancel(String clientOrderId, Instant at) throws ExchangeException;

    /** What the account holds of an asset and no resting order locks: PAPER_BALANCES moved by the fills. */
    BigDecimal freeBalance(String asset) throws ExchangeException;

    /** Every fill, oldest first: what tests compare the service's word against. */
    List<Fill> fills() throws ExchangeException;

    void ping() throws ExchangeException;

    @Override
    void close();
}
