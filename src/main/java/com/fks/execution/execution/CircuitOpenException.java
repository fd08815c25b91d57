package com.fks.execution.execution;

/** The exchange's breaker is open: nothing was sent. */
final class CircuitOpenException extends Exception {
    CircuitOpenException(String exchange) {
        super("circuit breaker of " + exchange + " is open", null, false, false);
    }
}
