package com.fks.execution.risk;

import com.fks.execution.intake.Alert;
import com.fks.execution.intake.AlertRejectedException;
import com.fks.execution.intake.RejectionReason;
import com.fks.execution.intake.Symbols;

import java.math.BigDecimal;

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

    public void check(Alert alert) throws AlertRejectedException {
        if (Symbols.usdQuote(alert.symbol()).isEmpty()) {
            throw new AlertRejectedException(RejectionReason.UNSUPPORTED_QUOTE_CURRENCY, "symbol " + alert.symbol()
                    + " is not quoted in USD, USDT or USDC; its order size cannot be checked against MAX_ORDER_SIZE_USD");
        }
        if (alert.price() == null) {
            throw new AlertRejectedException(RejectionReason.NO_USABLE_PRICE,
                    "a market order needs the alert's close price (field price) for the risk check; it was missing or NaN");
        }
        BigDecimal notional = alert.quantity().multiply(alert.price());
        if (notional.compareTo(maxOrderSizeUsd) > 0) {
            throw new AlertRejectedException(RejectionReason.ORDER_TOO_LARGE, "order size "
                    + notional.stripTrailingZeros().toPlainString() + " USD is over the limit of "
                    + maxOrderSizeUsd.stripTrailingZeros().toPlainString() + " USD (MAX_ORDER_SIZE_USD)");
        }
    }
}
