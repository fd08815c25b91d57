package com.fks.execution.exchange;

import com.fks.execution.order.Side;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Trading rules of one symbol at one venue: Binance's LOT_SIZE, PRICE_FILTER and (MIN_)NOTIONAL filters,
 * Coinbase's base_increment, quote_increment and base_min_size. A null field means "no such rule".
 *
 * @param baseAsset  what the quantity counts (BTC of BTCUSDT), as the venue names it in balances; null if unknown
 * @param quoteAsset what the price counts (USDT of BTCUSDT); null if unknown
 */
public record InstrumentRules(String symbol, BigDecimal stepSize, BigDecimal minQuantity, BigDecimal maxQuantity,
                              BigDecimal tickSize, BigDecimal minPrice, BigDecimal maxPrice,
                              BigDecimal minNotional, boolean minNotionalAppliesToMarket, String baseAsset,
                              String quoteAsset) {

    public InstrumentRules(String symbol, BigDecimal stepSize, BigDecimal minQuantity, BigDecimal maxQuantity,
                           BigDecimal tickSize, BigDecimal minPrice, BigDecimal maxPrice, BigDecimal minNotional,
                           boolean minNotionalAppliesToMarket) {
        this(symbol, stepSize, minQuantity, maxQuantity, tickSize, minPrice, maxPrice, minNotional,
                minNotionalAppliesToMarket, null, null);
    }

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

    /**
     * A protection price rounded to the tick away from the trade's favour only where that protects the trader:
     * a stop-loss down (it triggers no earlier than asked), a take-profit up (it sells for no less).
     */
    public BigDecimal roundProtectionPrice(BigDecimal price, boolean stopLoss) {
        if (tickSize == null || tickSize.signum() == 0) {
            return price.stripTrailingZeros();
        }
        RoundingMode mode = stopLoss ? RoundingMode.FLOOR : RoundingMode.CEILING;
        return price.divide(tickSize, 0, mode).multiply(tickSize).stripTrailingZeros();
    }

    private static BigDecimal roundDown(BigDecimal value, BigDecimal step) {
        if (step == null || step.signum() == 0) {
            return value;
        }
        return value.divide(step, 0, RoundingMode.FLOOR).multiply(step).stripTrailingZeros();
    }
}
