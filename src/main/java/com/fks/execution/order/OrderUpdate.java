package com.fks.execution.order;

import java.math.BigDecimal;

/**
 * A transition with what came with it. Null fields leave the stored value as it was.
 *
 * @param reason a closed-set code (docs/exchanges.md), for REJECTED and FAILED
 * @param detail words for a person: the exchange's code and message, or why the engine gave up
 * @param quantity the quantity resolved when the order is sent (an exit's position, a percent or quote size),
 *                 in the unit of {@code terms}; null leaves it
 * @param terms    the order's terms after that resolution (its quantity type BASE or QUOTE); null leaves them
 */
public record OrderUpdate(OrderStatus from, OrderStatus to, String reason, String detail, String exchangeOrderId,
                          BigDecimal executedQuantity, BigDecimal averagePrice, BigDecimal quantity,
                          OrderTerms terms) {

    public OrderUpdate(OrderStatus from, OrderStatus to, String reason, String detail, String exchangeOrderId,
                       BigDecimal executedQuantity, BigDecimal averagePrice) {
        this(from, to, reason, detail, exchangeOrderId, executedQuantity, averagePrice, null, null);
    }

    /** The step to SUBMITTING that fixes what will be sent, before anything is. */
    public static OrderUpdate resolvedForSending(BigDecimal quantity, OrderTerms terms, String detail) {
        return new OrderUpdate(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING, null, detail, null, null, null, quantity,
                terms);
    }

    public static OrderUpdate of(OrderStatus from, OrderStatus to) {
        return new OrderUpdate(from, to, null, null, null, null, null);
    }

    public static OrderUpdate failed(OrderStatus from, OrderStatus to, String reason, String detail) {
        return new OrderUpdate(from, to, reason, detail, null, null, null);
    }

    /**
     * The exchange acknowledged and settled the order in one answer: the acknowledgement is still a step of
     * the order's history, recorded before this one.
     */
    public boolean acknowledgedWithoutSubmittedStep() {
        return from == OrderStatus.SUBMITTING && to != OrderStatus.SUBMITTED && to != OrderStatus.REJECTED
                && to != OrderStatus.FAILED;
    }

    /** The words of this step in the order's history: reason, detail, and what was executed. */
    public String historyDetail() {
        StringBuilder text = new StringBuilder();
        historyDetail(text);
        return text.length() == 0 ? null : text.toString();
    }

    /** {@link #historyDetail()} appended to an empty {@code text}, with no String of its own. */
    public void historyDetail(StringBuilder text) {
        if (reason != null) {
            text.append(reason);
        }
        if (detail != null) {
            text.append(text.length() > 0 ? ": " : "").append(detail);
        }
        if (executedQuantity != null && executedQuantity.signum() > 0) {
            text.append(text.length() > 0 ? "; " : "").append("executed ")
                    .append(executedQuantity.stripTrailingZeros().toPlainString());
            if (averagePrice != null) {
                text.append(" @ ").append(averagePrice.stripTrailingZeros().toPlainString());
            }
        }
    }
}
