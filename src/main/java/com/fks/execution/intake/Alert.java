package com.fks.execution.intake;

import com.fks.execution.order.OrderTerms;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A validated alert, already in the shape of the order it asks for.
 *
 * @param action     what the alert asks once its sentiment is applied (a {@code sell} with {@code flat} is an exit)
 * @param sentiment  the strategy's position after this order, or null when the alert had none
 * @param side       an exit and a cancel are sells (the service only holds longs)
 * @param type       MARKET for exits and cancels, whatever the alert's order_type
 * @param quantity   in the unit {@code terms.quantityType()} says: for an exit the percent of the position (100 for
 *                   all of it), for a cancel zero
 * @param price      limit price, or the close price of a market order; null when a market order carried none
 * @param timestamp  the alert's own time, or null when it had none
 * @param storedJson the body without its secret, NaNs replaced: kept with the order as-is
 * @param terms      kind, quantity type and the protection a buy asks for
 */
public record Alert(String alertId, String symbol, AlertAction action, Sentiment sentiment, Side side,
                    OrderType type, BigDecimal quantity, BigDecimal price, BigDecimal confidence, Instant timestamp,
                    String exchange, String strategy, String storedJson, OrderTerms terms) {
}
