package com.fks.execution.order;

/** The outcome of recording an accepted alert: a new order, or the order an earlier alert with the same id made. */
public sealed interface RecordResult {
    String orderId();

    /**
     * A new order. {@code submitting}: recorded together with its step to SUBMITTING, in the same durable write
     * ({@link OrderStore#recordAndHandOver}); the engine sends it without asking the exchange first.
     */
    record Recorded(String orderId, boolean submitting) implements RecordResult {
        public Recorded(String orderId) {
            this(orderId, false);
        }
    }

    record Duplicate(String orderId) implements RecordResult {
    }
}
