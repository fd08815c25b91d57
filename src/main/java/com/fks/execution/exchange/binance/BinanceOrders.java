package com.fks.execution.exchange.binance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import java.math.BigDecimal;
import java.math.MathContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps Binance order answers (new order RESULT/FULL, query order, cancel order) to {@link ExchangeOrder}. */
final class BinanceOrders {

    private static final Logger log = LoggerFactory.getLogger(BinanceOrders.class);

    private BinanceOrders() {
    }

    static ExchangeOrder toExchangeOrder(JsonNode order, String requestedClientOrderId) {
        // A cancel answer names the cancel request clientOrderId and the order's own in origClientOrderId.
        String clientOrderId = order.hasNonNull("origClientOrderId") ? order.get("origClientOrderId").asText()
                : order.path("clientOrderId").asText(requestedClientOrderId);
        String orderId = order.hasNonNull("orderId") ? order.get("orderId").asText() : null;
        BigDecimal executed = decimal(order, "executedQty");
        BigDecimal quote = decimal(order, "cummulativeQuoteQty");
        BigDecimal average = null;
        if (executed.signum() > 0 && quote.signum() > 0) {
            average = quote.divide(executed, MathContext.DECIMAL64).stripTrailingZeros();
        }
        return new ExchangeOrder(clientOrderId, orderId, status(order.path("status").asText(), executed),
                executed, average);
    }

    /**
     * Binance order statuses (enums.md). Statuses unknown to this adapter are reported as still working, never
     * as final, so the engine keeps following the order instead of closing it on a guess.
     */
    static ExchangeOrderStatus status(String binanceStatus, BigDecimal executed) {
        switch (binanceStatus) {
            case "NEW", "PENDING_NEW", "PENDING_CANCEL":
                return executed.signum() > 0 ? ExchangeOrderStatus.PARTIALLY_FILLED : ExchangeOrderStatus.OPEN;
            case "PARTIALLY_FILLED":
                return ExchangeOrderStatus.PARTIALLY_FILLED;
            case "FILLED":
                return ExchangeOrderStatus.FILLED;
            case "CANCELED":
                return ExchangeOrderStatus.CANCELED;
            case "REJECTED":
                return ExchangeOrderStatus.REJECTED;
            case "EXPIRED", "EXPIRED_IN_MATCH":
                return ExchangeOrderStatus.EXPIRED;
            default:
                log.warn("unknown Binance order status {}; treating the order as still working", binanceStatus);
                return executed.signum() > 0 ? ExchangeOrderStatus.PARTIALLY_FILLED : ExchangeOrderStatus.OPEN;
        }
    }

    private static BigDecimal decimal(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            return BigDecimal.ZERO;
        }
        return new BigDecimal(value.asText());
    }
}
