package com.fks.execution.exchange;

/** Order states as the venues report them, mapped by each adapter. */
public enum ExchangeOrderStatus {
    /** Accepted and resting (open), nothing filled yet. */
    OPEN,
    PARTIALLY_FILLED,
    FILLED,
    CANCELED,
    REJECTED,
    /** Expired without a full fill (IOC/FOK remainder, time in force); final. */
    EXPIRED;

    public boolean isFinal() {
        return this == FILLED || this == CANCELED || this == REJECTED || this == EXPIRED;
    }
}
