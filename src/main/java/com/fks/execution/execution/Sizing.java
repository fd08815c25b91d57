package com.fks.execution.execution;

import com.fks.execution.order.Order;
import com.fks.execution.order.OrderTerms;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Position;
import com.fks.execution.order.QuantityType;
import com.fks.execution.order.Side;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Turns an order's quantity as the alert gave it (a quote amount, a percent of a balance or of the position) into
 * what is sent: base units, or a quote amount for a market order (the venue converts it: Binance quoteOrderQty,
 * Coinbase quote_size). Pure: the engine reads the balance and the position and records the result with the step
 * to SUBMITTING, before anything is sent, so a re-send after a crash sends the same.
 */
final class Sizing {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    /** Base quantities carry more digits than any venue's lot step; the adapter rounds down to the step. */
    private static final int BASE_SCALE = 12;

    /** The quantity to send in the unit of {@code terms}, or why there is none (a reason code and words). */
    record Sized(BigDecimal quantity, OrderTerms terms, String failureReason, String detail) {
        boolean failed() {
            return failureReason != null;
        }

        static Sized to(BigDecimal quantity, OrderTerms terms, String detail) {
            return new Sized(quantity, terms, null, detail);
        }

        static Sized failure(String reason, String detail) {
            return new Sized(null, null, reason, detail);
        }
    }

    private Sizing() {
    }

    /** Whether the engine must resolve the order's size before sending it. */
    static boolean needed(Order order) {
        return needed(order.terms(), order.type());
    }

    static boolean needed(OrderTerms terms, OrderType orderType) {
        QuantityType type = terms.quantityType();
        return type == QuantityType.PERCENT_OF_BALANCE || type == QuantityType.PERCENT_OF_POSITION
                || (type == QuantityType.QUOTE && orderType != OrderType.MARKET);
    }

    /** A quote amount as base units at the order's limit price (quoteOrderQty is for market orders only). */
    static Sized quoteAtLimit(Order order) {
        if (order.price() == null || order.price().signum() <= 0) {
            return Sized.failure("no_usable_price", "a quote-sized limit order needs its limit price");
        }
        BigDecimal base = order.quantity().divide(order.price(), BASE_SCALE, RoundingMode.DOWN);
        return Sized.to(base, order.terms().withQuantityType(QuantityType.BASE),
                "quote " + plain(order.quantity()) + " at limit " + plain(order.price()) + " = " + plain(base));
    }

    /**
     * A percent of the free balance: of the quote asset for a buy (a quote amount for a market buy, base units at
     * the limit for a limit buy), of the base asset for a sell.
     */
    static Sized percentOfBalance(Order order, String asset, BigDecimal free) {
        BigDecimal amount = percentOf(free, order.quantity());
        String detail = plain(order.quantity()) + " % of free " + asset + " " + plain(free) + " = " + plain(amount);
        if (amount.signum() <= 0) {
            return Sized.failure("insufficient_balance", detail);
        }
        if (order.side() == Side.SELL) {
            return Sized.to(amount, order.terms().withQuantityType(QuantityType.BASE), detail);
        }
        if (order.type() == OrderType.MARKET) {
            return Sized.to(amount, order.terms().withQuantityType(QuantityType.QUOTE), detail);
        }
        Sized atLimit = quoteAtLimit(withQuantity(order, amount));
        return atLimit.failed() ? atLimit : Sized.to(atLimit.quantity(), atLimit.terms(), detail + "; " + atLimit.detail());
    }

    /**
     * A percent of the service's position, less what its open sells already cover, and never more than the free
     * base balance: an exit sells at most what this service bought.
     *
     * @param freeBase the free base balance at the exchange, or null when it could not be known
     */
    static Sized percentOfPosition(Order order, Position position, BigDecimal freeBase) {
        BigDecimal available = position.quantity().subtract(position.openSellQuantity()).max(BigDecimal.ZERO);
        BigDecimal quantity = percentOf(available, order.quantity());
        String detail = plain(order.quantity()) + " % of position " + plain(position.quantity())
                + (position.openSellQuantity().signum() > 0 ? " less open sells " + plain(position.openSellQuantity()) : "")
                + " = " + plain(quantity);
        if (freeBase != null && quantity.compareTo(freeBase) > 0) {
            quantity = freeBase.max(BigDecimal.ZERO);
            detail += "; capped by the free balance " + plain(freeBase);
        }
        if (quantity.signum() <= 0) {
            return Sized.failure("no_position", detail);
        }
        return Sized.to(quantity, order.terms().withQuantityType(QuantityType.BASE), detail);
    }

    private static BigDecimal percentOf(BigDecimal value, BigDecimal percent) {
        return value.multiply(percent).divide(HUNDRED, BASE_SCALE, RoundingMode.DOWN).stripTrailingZeros();
    }

    private static Order withQuantity(Order o, BigDecimal quantity) {
        return o.sized(quantity, o.terms());
    }

    static String plain(BigDecimal value) {
        return value == null ? "none" : value.stripTrailingZeros().toPlainString();
    }

}
