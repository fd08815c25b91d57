package com.fks.execution.intake;

/**
 * What an alert asks of the service once its {@link Sentiment} is applied: flat makes any alert an exit, and short
 * makes a sell an exit (spot holds no short, so the long is closed and no short is opened).
 */
public enum AlertAction {
    BUY, SELL, EXIT, CANCEL;

    /** Buys and sells open or add to risk; exits and cancels only reduce it. */
    public boolean isEntry() {
        return this == BUY || this == SELL;
    }
}
