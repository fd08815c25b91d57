package com.fks.execution.order;

/** What an alert's {@code quantity} counts (its {@code quantity_type}). */
public enum QuantityType {
    /** Units of the base asset (BTC of BTCUSDT): the default. */
    BASE,
    /** An amount of the quote currency (500 USDT of BTCUSDT). */
    QUOTE,
    /** 0 < q <= 100 % of the free quote balance for a buy, of the free base balance for a sell. */
    PERCENT_OF_BALANCE,
    /** 0 < q <= 100 % of the service's position in the symbol, for a sell or an exit. */
    PERCENT_OF_POSITION
}
