package com.fks.execution.order;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of an order, with the one table of allowed transitions: any pair not in it is a bug, never a
 * silent no-op. PARTIALLY_FILLED is final: the exchange closed the order with part of it filled (an order
 * still open with a partial fill stays SUBMITTED, its executed quantity updated). DONE ends an order that trades
 * nothing itself (a cancel alert) once its work is done; ACCEPTED -> CANCELED is an order cancelled before it was
 * sent (a protection not yet placed when its position's exit came).
 */
public enum OrderStatus {
    ACCEPTED, SUBMITTING, SUBMITTED, FILLED, PARTIALLY_FILLED, CANCELED, REJECTED, FAILED, DONE;

    private static final Map<OrderStatus, Set<OrderStatus>> ALLOWED = Map.of(
            ACCEPTED, EnumSet.of(SUBMITTING, FAILED, CANCELED),
            SUBMITTING, EnumSet.of(SUBMITTED, FILLED, PARTIALLY_FILLED, CANCELED, REJECTED, FAILED, DONE),
            SUBMITTED, EnumSet.of(SUBMITTED, FILLED, PARTIALLY_FILLED, CANCELED, REJECTED),
            FILLED, EnumSet.noneOf(OrderStatus.class),
            PARTIALLY_FILLED, EnumSet.noneOf(OrderStatus.class),
            CANCELED, EnumSet.noneOf(OrderStatus.class),
            REJECTED, EnumSet.noneOf(OrderStatus.class),
            FAILED, EnumSet.noneOf(OrderStatus.class),
            DONE, EnumSet.noneOf(OrderStatus.class));

    public boolean canBecome(OrderStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    public boolean isFinal() {
        return ALLOWED.get(this).isEmpty();
    }

    /** Statuses an executing replica still has work for. */
    public static Set<OrderStatus> open() {
        return EnumSet.of(ACCEPTED, SUBMITTING, SUBMITTED);
    }

    /** Checked form of {@link #canBecome}: throws for a transition the table does not allow. */
    public void checkTransition(OrderStatus next) {
        if (!canBecome(next)) {
            throw new IllegalStateException("order status cannot go from " + this + " to " + next);
        }
    }
}
