package com.fks.execution.exchange;

import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One order as the engine asks an adapter to place it.
 *
 * @param clientOrderId  fixed before the first attempt; the key of every lookup and of exactly-once placement
 * @param symbol         normalised, without separators: BTCUSDT, BTCUSD (adapters map it to their form)
 * @param quantity       base-asset units, before rounding to the venue's lot step
 * @param limitPrice     the limit price for LIMIT orders, null for MARKET
 * @param referencePrice the alert's price (close for a market order), used for minimum-notional checks; may be null
 */
public record OrderRequest(String clientOrderId, String symbol, Side side, OrderType type,
                           BigDecimal quantity, BigDecimal limitPrice, BigDecimal referencePrice) {
    public OrderRequest {
        Objects.requireNonNull(clientOrderId, "clientOrderId");
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(quantity, "quantity");
        if (type == OrderType.LIMIT && limitPrice == null) {
            throw new IllegalArgumentException("a limit order needs a limit price");
        }
    }
}
