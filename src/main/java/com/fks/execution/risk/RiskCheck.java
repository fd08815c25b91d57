package com.fks.execution.risk;

import com.fks.execution.order.QuantityType;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * Pre-trade limits. The notional is quantity × price, which is USD only for symbols quoted in USD, USDT or
 * USDC; any other quote is refused until there is a price source to convert it (a BTC-quoted limit would
 * otherwise be off by the price of bitcoin).
 */
public final class RiskCheck {
    private final BigDecimal maxOrderSizeUsd;

    public RiskCheck(BigDecimal maxOrderSizeUsd) {
        this.maxOrderSizeUsd = maxOrderSizeUsd;
    }

    /**
     * Empty when the order is within the limits, else why not.
     *
     * @param symbol normalised (BTCUSDT)
     * @param price  the limit price, or a market order's reference price; null when there is none
     */
    public Optional<RiskDenial> check(String symbol, BigDecimal quantity, BigDecimal price) {
        return check(symbol, QuantityType.BASE, quantity, price);
    }

    /**
     * The same for an entry sized in any unit. A quote amount is the notional itself (USD, USDT and USDC count as
     * USD, as for base sizes), so it needs no price. A percent size is not known until the balance or position is
     * read at send time: only its quote currency is checked here, and the engine checks its notional then.
     */
    public Optional<RiskDenial> check(String symbol, QuantityType quantityType, BigDecimal quantity, BigDecimal price) {
        if (UsdQuotes.of(symbol).isEmpty()) {
            return denied(DenialReason.UNSUPPORTED_QUOTE_CURRENCY, "symbol " + symbol
                    + " is not quoted in USD, USDT or USDC; its order size cannot be checked against MAX_ORDER_SIZE_USD");
        }
        if (quantityType == QuantityType.PERCENT_OF_BALANCE || quantityType == QuantityType.PERCENT_OF_POSITION) {
            return Optional.empty();
        }
        if (quantityType == QuantityType.QUOTE) {
            return withinLimit(quantity, "quote amount ");
        }
        if (price == null) {
            return denied(DenialReason.NO_USABLE_PRICE,
                    "a market order needs the alert's close price (field price) for the risk check; it was missing or NaN");
        }
        return withinLimit(quantity.multiply(price), "");
    }

    private Optional<RiskDenial> withinLimit(BigDecimal notional, String what) {
        if (notional.compareTo(maxOrderSizeUsd) > 0) {
            return denied(DenialReason.ORDER_TOO_LARGE, "order size " + what
                    + notional.stripTrailingZeros().toPlainString() + " USD is over the limit of "
                    + maxOrderSizeUsd.stripTrailingZeros().toPlainString() + " USD (MAX_ORDER_SIZE_USD)");
        }
        return Optional.empty();
    }

    private static Optional<RiskDenial> denied(DenialReason reason, String detail) {
        return Optional.of(new RiskDenial(reason, detail));
    }
}
