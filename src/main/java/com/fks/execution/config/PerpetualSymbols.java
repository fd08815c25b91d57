package com.fks.execution.config;

/**
 * What the webhook does with a symbol from a TradingView perpetual-futures chart ({@code BTCUSDT.P}). The
 * service trades spot only: a strategy written for a perpetual goes short with {@code sell} and sizes with
 * leverage, neither of which means the same on the spot pair, so such alerts are refused unless the operator
 * chose to trade the spot pair.
 */
public enum PerpetualSymbols {
    /** Refuse the alert: 422 perpetual_not_supported. */
    REFUSE,
    /** Trade the spot pair of the perpetual (BTCUSDT.P as BTCUSDT), on purpose. */
    SPOT;

    /** The value as written in PERPETUAL_SYMBOLS. */
    public String setting() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
