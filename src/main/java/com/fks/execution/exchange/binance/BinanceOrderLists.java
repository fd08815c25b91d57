package com.fks.execution.exchange.binance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import java.math.BigDecimal;
import java.util.List;

/**
 * Maps a Binance order list (an OCO: {@code listStatusType}, {@code listOrderStatus}, {@code orderListId}) and the
 * states of its legs to one {@link ExchangeOrder}, the list as a whole.
 *
 * <p>A leg that executed anything decides: its status and fill are the list's (FILLED when the take-profit or the
 * triggered stop filled; the other leg then ends EXPIRED, which says nothing about the position). With no fill the
 * list is OPEN while Binance still executes it, and when it is done CANCELED (a leg was canceled), EXPIRED (every
 * leg expired) or REJECTED.
 */
final class BinanceOrderLists {

    private BinanceOrderLists() {
    }

    static ExchangeOrder toExchangeOrder(JsonNode list, List<JsonNode> legs, String requestedListClientOrderId) {
        String listClientOrderId = list.path("listClientOrderId").asText(requestedListClientOrderId);
        String listId = list.hasNonNull("orderListId") ? list.get("orderListId").asText() : null;

        ExchangeOrder winner = null;
        boolean anyCanceled = false;
        boolean allExpired = !legs.isEmpty();
        boolean anyRejected = false;
        for (JsonNode leg : legs) {
            ExchangeOrder order = BinanceOrders.toExchangeOrder(leg, null);
            if (order.executedQuantity().signum() > 0
                    && (winner == null || order.executedQuantity().compareTo(winner.executedQuantity()) > 0)) {
                winner = order;
            }
            anyCanceled |= order.status() == ExchangeOrderStatus.CANCELED;
            anyRejected |= order.status() == ExchangeOrderStatus.REJECTED;
            allExpired &= order.status() == ExchangeOrderStatus.EXPIRED;
        }
        if (winner != null) {
            return new ExchangeOrder(listClientOrderId, listId, winner.status(), winner.executedQuantity(),
                    winner.averagePrice());
        }

        ExchangeOrderStatus status;
        String listOrderStatus = list.path("listOrderStatus").asText("");
        if ("REJECT".equals(listOrderStatus) || "REJECT".equals(list.path("listStatusType").asText(""))) {
            status = ExchangeOrderStatus.REJECTED;
        } else if (!isDone(list)) {
            status = ExchangeOrderStatus.OPEN;
        } else if (anyCanceled) {
            status = ExchangeOrderStatus.CANCELED;
        } else if (allExpired) {
            status = ExchangeOrderStatus.EXPIRED;
        } else if (anyRejected) {
            status = ExchangeOrderStatus.REJECTED;
        } else {
            // Done, nothing filled, legs not readable (archived): the list ended without trading.
            status = ExchangeOrderStatus.CANCELED;
        }
        return new ExchangeOrder(listClientOrderId, listId, status, BigDecimal.ZERO, null);
    }

    /** Binance's list is done when its listOrderStatus (or listStatusType) is ALL_DONE. */
    static boolean isDone(JsonNode list) {
        return "ALL_DONE".equals(list.path("listOrderStatus").asText(""))
                || "ALL_DONE".equals(list.path("listStatusType").asText(""));
    }
}
