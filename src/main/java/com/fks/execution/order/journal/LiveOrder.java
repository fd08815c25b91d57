package com.fks.execution.order.journal;

import com.fks.execution.order.NewOrder;
import com.fks.execution.order.Order;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderUpdate;

import java.time.Instant;
import java.util.List;

/**
 * An order held in memory: every open order, and a final one until the view has it. The engine reads only
 * these; none carries its alert or history (the view serves those).
 *
 * @param lastPosition the journal position just past its last event: the view has the order once it has
 *                     projected up to here
 */
record LiveOrder(Order order, long lastPosition, String leaseOwner, Instant leaseUntil) {

    static LiveOrder accepted(NewOrder o, Instant at, long end, String owner, Instant leaseUntil) {
        Order order = new Order(o.orderId(), o.alertId(), o.clientOrderId(), o.exchange(), o.symbol(), o.side(),
                o.type(), o.quantity(), o.price(), o.confidence(), o.strategy(), null, OrderStatus.ACCEPTED, null,
                null, null, null, null, 0, o.receivedAt(), at, List.of(), o.terms());
        return new LiveOrder(order, end, owner, leaseUntil);
    }

    OrderStatus status() {
        return order.status();
    }

    /** The order after the transition; a final status gives the lease up. */
    LiveOrder after(OrderUpdate u, Instant at, long end) {
        Order o = order;
        Order next = new Order(o.orderId(), o.alertId(), o.clientOrderId(), o.exchange(), o.symbol(), o.side(),
                o.type(), u.quantity() != null ? u.quantity() : o.quantity(), o.price(), o.confidence(), o.strategy(),
                null, u.to(),
                u.reason() != null ? u.reason() : o.reason(), u.detail() != null ? u.detail() : o.detail(),
                u.exchangeOrderId() != null ? u.exchangeOrderId() : o.exchangeOrderId(),
                u.executedQuantity() != null ? u.executedQuantity() : o.executedQuantity(),
                u.averagePrice() != null ? u.averagePrice() : o.averagePrice(),
                o.attempts() + (u.to() == OrderStatus.SUBMITTING ? 1 : 0), o.receivedAt(), at, List.of(),
                u.terms() != null ? u.terms() : o.terms());
        boolean release = u.to().isFinal();
        return new LiveOrder(next, end, release ? null : leaseOwner, release ? null : leaseUntil);
    }

    LiveOrder attempted(Instant at, long end) {
        Order o = order;
        Order next = new Order(o.orderId(), o.alertId(), o.clientOrderId(), o.exchange(), o.symbol(), o.side(),
                o.type(), o.quantity(), o.price(), o.confidence(), o.strategy(), null, o.status(), o.reason(),
                o.detail(), o.exchangeOrderId(), o.executedQuantity(), o.averagePrice(), o.attempts() + 1,
                o.receivedAt(), at, List.of(), o.terms());
        return new LiveOrder(next, end, leaseOwner, leaseUntil);
    }

    LiveOrder leased(String owner, Instant until) {
        return new LiveOrder(order, lastPosition, owner, until);
    }

    /** This state with the lease of {@code current} (leases change beside the writer: renewals, claims). */
    LiveOrder keepingLeaseOf(LiveOrder current) {
        if (current == null || order.status().isFinal()) {
            return this;
        }
        return new LiveOrder(order, lastPosition, current.leaseOwner, current.leaseUntil);
    }

    boolean leaseExpiredAt(Instant now) {
        return leaseUntil == null || leaseUntil.isBefore(now);
    }
}
