package com.fks.execution.order;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * A stop-loss or take-profit as the alert gave it: an absolute price, or a percent away from the entry's
 * average fill price (below it for a stop-loss, above it for a take-profit). Exactly one is set.
 */
public record PriceLevel(BigDecimal price, BigDecimal percent) {
    public PriceLevel {
        if ((price == null) == (percent == null)) {
            throw new IllegalArgumentException("a price level has a price or a percent, not both or neither");
        }
    }

    public static PriceLevel atPrice(BigDecimal price) {
        return new PriceLevel(price, null);
    }

    public static PriceLevel atPercent(BigDecimal percent) {
        return new PriceLevel(null, percent);
    }

    /** The price of this level for an entry filled at {@code fill}; {@code below} for a stop-loss. */
    public BigDecimal resolve(BigDecimal fill, boolean below) {
        if (price != null) {
            return price;
        }
        BigDecimal factor = BigDecimal.ONE.add(percent.movePointLeft(2).multiply(below ? BigDecimal.ONE.negate()
                : BigDecimal.ONE));
        return fill.multiply(factor, MathContext.DECIMAL64);
    }

    /** "p48000" or "%2.5": the form kept in {@link OrderTerms#encode()}. */
    String encode() {
        return price != null ? "p" + price.toPlainString() : "%" + percent.toPlainString();
    }

    static PriceLevel decode(String text) {
        BigDecimal value = new BigDecimal(text.substring(1));
        return text.charAt(0) == 'p' ? atPrice(value) : atPercent(value);
    }
}
