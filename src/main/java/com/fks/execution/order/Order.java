package com.fks.execution.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** An order as the store holds it; the alert (alertJson) and history (events) only when read whole. */
public record Order(String orderId, String alertId, String clientOrderId, String exchange, String symbol,
                   Side side, OrderType type, BigDecimal quantity, BigDecimal price, BigDecimal confidence,
                   String strategy, String alertJson, OrderStatus status, String reason, String detail,
                   String exchangeOrderId, BigDecimal executedQuantity, BigDecimal averagePrice, int attempts,
                   Instant receivedAt, Instant updatedAt, List<OrderEvent> events) {
}
