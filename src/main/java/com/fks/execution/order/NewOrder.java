package com.fks.execution.order;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What intake records for an accepted alert.
 *
 * @param price     the limit price, or for a market order the alert's close price (risk and min-notional use it)
 * @param alertJson the alert as received, secret removed and NaNs replaced, kept with the order
 */
public record NewOrder(String orderId, String alertId, String clientOrderId, String exchange, String symbol,
                       Side side, OrderType type, BigDecimal quantity, BigDecimal price, BigDecimal confidence,
                       String strategy, String alertJson, Instant receivedAt) {
}
