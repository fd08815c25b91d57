package com.fks.execution.order;

/**
 * How an order is placed at its venue. MARKET and LIMIT come from alerts; STOP_LOSS, TAKE_PROFIT and OCO are the
 * protection the service places itself once an entry has filled (a stop-loss below, a take-profit above, or both
 * as one-cancels-the-other).
 */
public enum OrderType {
    MARKET, LIMIT, STOP_LOSS, TAKE_PROFIT, OCO;

    /** Protection orders rest on the exchange until the price crosses them. */
    public boolean isProtection() {
        return this == STOP_LOSS || this == TAKE_PROFIT || this == OCO;
    }
}
