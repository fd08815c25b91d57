package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.OrderRequest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The paper exchange's record of fills, keyed by client order id like a real venue's, so a restart keeps them
 * and a lookup after a lost response finds them. The simulated venue asks only this; how the fills are kept
 * ({@link JdbcPaperBook}) is the book's business.
 */
public interface PaperBook extends AutoCloseable {
    /** One fill as the paper exchange recorded it. */
    record Fill(String clientOrderId, String symbol, String side, BigDecimal quantity, BigDecimal price) {
    }

    /** Fills the order; a client order id already filled returns the earlier fill, as an idempotent venue would. */
    ExchangeOrder fill(OrderRequest request, String exchangeOrderId, BigDecimal price, Instant at) throws ExchangeException;

    Optional<ExchangeOrder> find(String clientOrderId) throws ExchangeException;

    /** Every fill, oldest first: what tests compare the service's word against. */
    List<Fill> fills() throws ExchangeException;

    void ping() throws ExchangeException;

    @Override
    void close();
}
