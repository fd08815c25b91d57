package com.fks.execution.exchange;

import java.math.BigDecimal;

/**
 * The exchange's view of one order.
 *
 * @param exchangeOrderId  the venue's own id (null for paper before it fills)
 * @param executedQuantity base units filled so far (zero when nothing filled)
 * @param averagePrice     average fill price, or null when nothing filled
 */
public record ExchangeOrder(String clientOrderId, String exchangeOrderId, ExchangeOrderStatus status,
                            BigDecimal executedQuantity, BigDecimal averagePrice) {
}
