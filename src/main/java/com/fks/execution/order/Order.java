package com.fks.execution.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An order as the store holds it; the alert (alertJson) and history (events) only when read whole.
 *
 * @param quantity in the unit {@code terms.quantityType()} says until the order is sent; the engine records the
 *                 quantity it sends (base units, or a quote amount for a market order sized so) with SUBMITTING
 */
public record Order(String orderId, String alertId, String clientOrderId, String exchange, String symbol,
                   Side side, OrderType type, BigDecimal quantity, BigDecimal price, BigDecimal confidence,
                   String strategy, String alertJson, OrderStatus status, String reason, String detail,
                   String exchangeOrderId, BigDecimal executedQuantity, BigDecimal averagePrice, int attempts,
                   Instant receivedAt, Instant updatedAt, List<OrderEvent> events, OrderTerms terms) {

    public Order {
        terms = terms == null ? OrderTerms.ENTRY : terms;
    }

    public Order(String orderId, String alertId, String clientOrderId, String exchange, String symbol,
                 Side side, OrderType type, BigDecimal quantity, BigDecimal price, BigDecimal confidence,
                 String strategy, String alertJson, OrderStatus status, String reason, String detail,
                 String exchangeOrderId, BigDecimal executedQuantity, BigDecimal averagePrice, int attempts,
                 Instant receivedAt, Instant updatedAt, List<OrderEvent> events) {
        this(orderId, alertId, clientOrderId, exchange, symbol, side, type, quantity, price, confidence, strategy,
                alertJson, status, reason, detail, exchangeOrderId, executedQuantity, averagePrice, attempts,
                receivedAt, updatedAt, events, OrderTerms.ENTRY);
    }

    /** This order with the quantity and terms it is sent with. */
    public Order sized(BigDecimal newQuantity, OrderTerms newTerms) {
        return new Order(orderId, alertId, clientOrderId, exchange, symbol, side, type, newQuantity, price, confidence,
                strategy, alertJson, status, reason, detail, exchangeOrderId, executedQuantity, averagePrice, attempts,
                receivedAt, updatedAt, events, newTerms);
    }

    public OrderKind kind() {
        return terms.kind();
    }
}
