package com.fks.execution.order;

import java.util.Locale;

/**
 * What an order is for: the {@code kind} label of execution_orders_total and a column of GET /orders.
 * An ENTRY is a buy or a sell as the alert asked; an EXIT closes (part of) the service's position; a CANCEL
 * cancels the open orders the service placed for a symbol and trades nothing; STOP_LOSS, TAKE_PROFIT and
 * PROTECTION (both, as one OCO) are placed by the service after an entry filled.
 */
public enum OrderKind {
    ENTRY, EXIT, CANCEL, STOP_LOSS, TAKE_PROFIT, PROTECTION;

    /** Made once: the engine labels every final order with it. */
    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }

    /** Orders of these kinds only reduce risk: they pass while the kill switch is on. */
    public boolean reducesRisk() {
        return this != ENTRY;
    }
}
