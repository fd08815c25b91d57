package com.fks.execution.order;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What intake records for an accepted alert.
 *
 * @param price     the limit price, or for a market order the alert's close price (risk and min-notional use it)
 * @param alertJson the alert as received, secret removed and NaNs replaced, kept with the order
 * @param quantity  in the unit {@code terms.quantityType()} says (an exit: percent of the position, 100 for all;
 *                  a cancel: zero)
 * @param terms     kind, sizing and protection ({@link OrderTerms#ENTRY} for a plain entry)
 */
public record NewOrder(String orderId, String alertId, String clientOrderId, String exchange, String symbol,
                       Side side, OrderType type, BigDecimal quantity, BigDecimal price, BigDecimal confidence,
                       String strategy, String alertJson, Instant receivedAt, OrderTerms terms) {

    public NewOrder {
        terms = terms == null ? OrderTerms.ENTRY : terms;
    }

    public NewOrder(String orderId, String alertId, String clientOrderId, String exchange, String symbol,
                    Side side, OrderType type, BigDecimal quantity, BigDecimal price, BigDecimal confidence,
                    String strategy, String alertJson, Instant receivedAt) {
        this(orderId, alertId, clientOrderId, exchange, symbol, side, type, quantity, price, confidence, strategy,
                alertJson, receivedAt, OrderTerms.ENTRY);
    }
}
