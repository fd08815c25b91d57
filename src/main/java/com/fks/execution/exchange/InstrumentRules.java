package com.fks.execution.exchange;

import com.fks.execution.order.Side;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Trading rules of one symbol at one venue: Binance's LOT_SIZE, PRICE_FILTER and (MIN_)NOTIONAL filters,
 * Coinbase's base_increment, quote_increment and base_min_size. A null field means "no such rule".
 */
public record InstrumentRules(String symbol, BigDecimal stepSize, BigDecimal minQuantity, BigDecimal maxQuantity,
                              BigDecimal tickSize, BigDecimal minPrice, BigDecimal maxPrice,
                              BigDecimal minNotional, boolean minNotionalAppliesToMarket) {

    /** Quantity rounded down to the lot step: never trade more than the alert asked for. */
    public BigDecimal roundQuantity(BigDecimal quantity) {
        return roundDown(quantity, stepSize);
    }

    /**
     * Price rounded to the tick in the trader's favour: a buy rounds down (never pays more than asked),
     * a sell rounds up (never sells for less).
     */
    public BigDecimal roundPrice(BigDecimal price, Side side) {
        if (tickSize == null || tickSize.signum() == 0) {
            return price;
        }
        RoundingMode mode = side == Side.BUY ? RoundingMode.FLOOR : RoundingMode.CEILING;
        return price.divide(tickSize, 0, mode).multiply(tickSize).stripTrailingZeros();
    }

    private static BigDecimal roundDown(BigDecimal value, BigDecimal step) {
        if (step == null || step.signum() == 0) {
            return value;
        }
        return value.divide(step, 0, RoundingMode.FLOOR).multiply(step).stripTrailingZeros();
    }
}
