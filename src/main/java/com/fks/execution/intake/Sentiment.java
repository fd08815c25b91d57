package com.fks.execution.intake;

/**
 * Where the strategy stands after the order the alert reports: TradingView's {@code {{strategy.market_position}}}
 * ({@code bullish} and {@code bearish} are accepted for long and short, as other bridges name them).
 */
public enum Sentiment {
    LONG, SHORT, FLAT
}
