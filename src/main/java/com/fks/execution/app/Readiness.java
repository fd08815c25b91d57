package com.fks.execution.app;

import com.fks.execution.order.OrderStore;
import com.fks.execution.order.StoreUnavailableException;

/** Whether the process should get traffic: started, not draining, and its store answering. */
final class Readiness {
    enum Phase { STARTING, SERVING, DRAINING }

    private final OrderStore store;
    private volatile Phase phase = Phase.STARTING;

    Readiness(OrderStore store) {
        this.store = store;
    }

    void serving() {
        phase = Phase.SERVING;
    }

    void draining() {
        phase = Phase.DRAINING;
    }

    Phase phase() {
        return phase;
    }

    /** Cheap check for the webhook path: the store's health is checked by the recording itself. */
    boolean acceptsWork() {
        return phase == Phase.SERVING;
    }

    /** Null when ready, else why not (for /ready's body). */
    String notReadyReason() {
        if (phase == Phase.STARTING) {
            return "starting";
        }
        if (phase == Phase.DRAINING) {
            return "draining";
        }
        try {
            store.ping();
            return null;
        } catch (StoreUnavailableException e) {
            return "store_unavailable";
        }
    }
}
