package com.fks.execution.execution;

import com.fks.execution.order.NewOrder;
import com.fks.execution.order.Order;
import com.fks.execution.order.OrderKind;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderTerms;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.QuantityType;
import com.fks.execution.order.Side;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The stop-loss and take-profit an entry asked for, as an order of its own, placed once the entry has filled: one
 * OCO for both, else a single stop-loss or take-profit, a sell of the filled quantity.
 *
 * <p>Its ids are derived from the entry's, so recording it again (after a crash between the record and the entry's
 * final step) finds the same order: the alert id {@code protection:<entry>} is de-duplicated like an alert's, and
 * the client order id {@code fkp<entry>} is what the exchange is asked for before any re-send.
 */
final class Protections {
    private Protections() {
    }

    /** An entry that has filled (part of) its quantity and asked for protection gets its protection order. */
    static boolean wanted(Order entry, OrderStatus to, BigDecimal executed) {
        return entry.kind() == OrderKind.ENTRY && entry.side() == Side.BUY && entry.terms().wantsProtection()
                && (to == OrderStatus.FILLED || to == OrderStatus.PARTIALLY_FILLED)
                && executed != null && executed.signum() > 0;
    }

    static String orderId(String entryOrderId) {
        return entryOrderId + "p";
    }

    static NewOrder forFilledEntry(Order entry, BigDecimal executed, BigDecimal averagePrice, Instant now) {
        BigDecimal fill = averagePrice != null && averagePrice.signum() > 0 ? averagePrice : entry.price();
        OrderTerms asked = entry.terms();
        BigDecimal stop = asked.stopLoss() == null ? null : asked.stopLoss().resolve(fill, true);
        BigDecimal takeProfit = asked.takeProfit() == null ? null : asked.takeProfit().resolve(fill, false);
        OrderType type;
        OrderKind kind;
        if (stop != null && takeProfit != null) {
            type = OrderType.OCO;
            kind = OrderKind.PROTECTION;
        } else if (stop != null) {
            type = OrderType.STOP_LOSS;
            kind = OrderKind.STOP_LOSS;
        } else {
            type = OrderType.TAKE_PROFIT;
            kind = OrderKind.TAKE_PROFIT;
        }
        OrderTerms terms = new OrderTerms(kind, QuantityType.BASE, null, null, entry.orderId(), stop);
        String json = "{\"protects\":\"" + entry.orderId() + "\",\"fill_price\":" + plain(fill)
                + (stop == null ? "" : ",\"stop_loss\":" + plain(stop))
                + (takeProfit == null ? "" : ",\"take_profit\":" + plain(takeProfit)) + "}";
        return new NewOrder(orderId(entry.orderId()), "protection:" + entry.orderId(), "fkp" + entry.orderId(),
                entry.exchange(), entry.symbol(), Side.SELL, type, executed, takeProfit, null, entry.strategy(), json,
                now, terms);
    }

    private static String plain(BigDecimal value) {
        return value == null ? "null" : value.stripTrailingZeros().toPlainString();
    }
}
