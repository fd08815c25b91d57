package com.fks.execution.exchange.coinbase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import java.math.BigDecimal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps Coinbase Advanced Trade orders (List Orders / Get Order) to {@link ExchangeOrder}. */
final class CoinbaseOrders {

    private static final Logger log = LoggerFactory.getLogger(CoinbaseOrders.class);

    private CoinbaseOrders() {
    }

    static ExchangeOrder toExchangeOrder(JsonNode order) {
        BigDecimal filled = decimal(order, "filled_size");
        BigDecimal average = decimal(order, "average_filled_price");
        return new ExchangeOrder(order.path("client_order_id").asText(), order.path("order_id").asText(null),
                status(order.path("status").asText(), filled), filled,
                filled.signum() > 0 && average.signum() > 0 ? average.stripTrailingZeros() : null);
    }

    /**
     * Coinbase order statuses: PENDING, OPEN, FILLED, CANCELLED, EXPIRED, FAILED, UNKNOWN_ORDER_STATUS, QUEUED,
     * CANCEL_QUEUED, EDIT_QUEUED. Anything not final at Coinbase, or unknown here, is reported as still working.
     */
    static ExchangeOrderStatus status(String coinbaseStatus, BigDecimal filled) {
        switch (coinbaseStatus) {
            case "FILLED":
                return ExchangeOrderStatus.FILLED;
            case "CANCELLED":
                return ExchangeOrderStatus.CANCELED;
            case "EXPIRED":
                return ExchangeOrderStatus.EXPIRED;
            case "FAILED":
                return ExchangeOrderStatus.REJECTED;
            case "PENDING", "QUEUED", "OPEN", "CANCEL_QUEUED", "EDIT_QUEUED":
                return filled.signum() > 0 ? ExchangeOrderStatus.PARTIALLY_FILLED : ExchangeOrderStatus.OPEN;
            default:
                log.warn("Coinbase order status {} is not known here; treating the order as still working",
                        coinbaseStatus);
                return filled.signum() > 0 ? ExchangeOrderStatus.PARTIALLY_FILLED : ExchangeOrderStatus.OPEN;
        }
    }

    static BigDecimal decimal(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            return BigDecimal.ZERO;
        }
        return new BigDecimal(value.asText());
    }
}
