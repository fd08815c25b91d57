package com.fks.execution.order;

/** The outcome of recording an accepted alert: a new order, or the order an earlier alert with the same id made. */
public sealed interface RecordResult {
    String orderId();

    record Recorded(String orderId) implements RecordResult {
    }

    record Duplicate(String orderId) implements RecordResult {
    }
}
