package com.fks.execution.intake;

/** Thrown by a pipeline step that refuses an alert: the reason code and words for the sender. */
public final class AlertRejectedException extends Exception {
    private final RejectionReason reason;

    public AlertRejectedException(RejectionReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public RejectionReason reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }
}
