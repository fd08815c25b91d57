package com.fks.execution.order;

/** The store could not do what was asked (down, full disk, read-only): nothing was recorded. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
