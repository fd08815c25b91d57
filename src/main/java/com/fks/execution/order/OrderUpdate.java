package com.fks.execution.order;

import java.math.BigDecimal;

/**
 * A transition with what came with it. Null fields leave the stored value as it was.
 *
 * @param reason a closed-set code (docs/exchanges.md), for REJECTED and FAILED
 * @param detail words for a person: the exchange's code and message, or why the engine gave up
 */
public record OrderUpdate(OrderStatus from, OrderStatus to, String reason, String detail, String exchangeOrderId,
                          BigDecimal executedQuantity, BigDecimal averagePrice) {

    public static OrderUpdate of(OrderStatus from, OrderStatus to) {
        return new OrderUpdate(from, to, null, null, null, null, null);
    }

    public static OrderUpdate failed(OrderStatus from, OrderStatus to, String reason, String detail) {
        return new OrderUpdate(from, to, reason, detail, null, null, null);
    }
}
