package com.fks.execution.intake;

import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A validated alert.
 *
 * @param price      limit price, or the close price of a market order; null when a market order carried none
 * @param timestamp  the alert's own time, or null when it had none
 * @param storedJson the body without its secret, NaNs replaced: kept with the order as-is
 */
public record Alert(String alertId, String symbol, Side side, OrderType type, BigDecimal quantity,
                    BigDecimal price, BigDecimal confidence, Instant timestamp, String exchange, String strategy,
                    String storedJson) {
}
