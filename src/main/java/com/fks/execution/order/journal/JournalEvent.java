package com.fks.execution.order.journal;

import com.fks.execution.order.NewOrder;
import com.fks.execution.order.OrderUpdate;

import java.time.Instant;

/** One step of an order's life, or of the service's state, as one record of the journal. */
sealed interface JournalEvent {

    /** An alert accepted: the order as intake made it, with the alert as received. */
    record Accepted(NewOrder order, Instant acceptedAt) implements JournalEvent {
    }

    /** A transition of the order's status, with what came with it. */
    record Transitioned(String orderId, OrderUpdate update, Instant at) implements JournalEvent {
    }

    /** One more attempt at the exchange, and why the last one failed. */
    record Attempted(String orderId, String detail, Instant at) implements JournalEvent {
    }

    /** A service-wide switch (the kill switch). */
    record StateSet(String name, String value, Instant at) implements JournalEvent {
    }

    /** Written only to find out whether the disk takes writes again after a failure; carries nothing. */
    record Probe() implements JournalEvent {
    }
}
