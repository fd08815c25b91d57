package com.fks.execution.exchange;

import com.fks.execution.order.OrderType;

import java.math.BigDecimal;

/**
 * Rounds an order to a venue's rules and refuses, before anything is sent, an order the venue would refuse.
 * Shared by the adapters so that every exchange rounds and rejects the same way, with the same codes.
 *
 * <p>Quantity is rounded down to the lot step (never trade more than asked); the limit price is rounded in the
 * trader's favour ({@link InstrumentRules#roundPrice}). The minimum notional is checked on the rounded values:
 * for a limit order with its limit price, for a market order with the request's reference price when the venue
 * applies the minimum to market orders. A market order without a reference price is not checked here; the
 * exchange then enforces its own minimum.
 */
public final class OrderPreparation {

    /** Local rejection codes: the {@link ExchangeException#exchangeCode()} of a REJECTED thrown before sending. */
    public static final String INVALID_QUANTITY = "invalid_quantity";
    public static final String QUANTITY_ROUNDS_TO_ZERO = "quantity_rounds_to_zero";
    public static final String BELOW_MIN_QUANTITY = "below_min_quantity";
    public static final String ABOVE_MAX_QUANTITY = "above_max_quantity";
    public static final String INVALID_PRICE = "invalid_price";
    public static final String BELOW_MIN_PRICE = "below_min_price";
    public static final String ABOVE_MAX_PRICE = "above_max_price";
    public static final String BELOW_MIN_NOTIONAL = "below_min_notional";

    /**
     * The order as it will be sent.
     *
     * @param quantity rounded to the lot step, within the venue's limits
     * @param price    the rounded limit price, or null for a market order
     */
    public record PreparedOrder(OrderRequest request, BigDecimal quantity, BigDecimal price) {
    }

    private OrderPreparation() {
    }

    public static PreparedOrder prepare(OrderRequest request, InstrumentRules rules) throws ExchangeException {
        BigDecimal asked = request.quantity();
        if (asked.signum() <= 0) {
            throw ExchangeException.rejected(INVALID_QUANTITY, "quantity " + plain(asked) + " is not positive");
        }
        BigDecimal quantity = rules.roundQuantity(asked);
        if (quantity.signum() == 0) {
            throw ExchangeException.rejected(QUANTITY_ROUNDS_TO_ZERO, "quantity " + plain(asked)
                    + " rounds down to 0 at lot step " + plain(rules.stepSize()) + " of " + rules.symbol());
        }
        if (isSet(rules.minQuantity()) && quantity.compareTo(rules.minQuantity()) < 0) {
            throw ExchangeException.rejected(BELOW_MIN_QUANTITY, "quantity " + plain(quantity)
                    + " is below the minimum " + plain(rules.minQuantity()) + " of " + rules.symbol());
        }
        if (isSet(rules.maxQuantity()) && quantity.compareTo(rules.maxQuantity()) > 0) {
            throw ExchangeException.rejected(ABOVE_MAX_QUANTITY, "quantity " + plain(quantity)
                    + " is above the maximum " + plain(rules.maxQuantity()) + " of " + rules.symbol());
        }

        BigDecimal price = null;
        if (request.type() == OrderType.LIMIT) {
            if (request.limitPrice().signum() <= 0) {
                throw ExchangeException.rejected(INVALID_PRICE, "limit price " + plain(request.limitPrice())
                        + " is not positive");
            }
            price = rules.roundPrice(request.limitPrice(), request.side());
            if (price.signum() <= 0) {
                throw ExchangeException.rejected(INVALID_PRICE, "limit price " + plain(request.limitPrice())
                        + " rounds to 0 at tick " + plain(rules.tickSize()) + " of " + rules.symbol());
            }
            if (isSet(rules.minPrice()) && price.compareTo(rules.minPrice()) < 0) {
                throw ExchangeException.rejected(BELOW_MIN_PRICE, "limit price " + plain(price)
                        + " is below the minimum " + plain(rules.minPrice()) + " of " + rules.symbol());
            }
            if (isSet(rules.maxPrice()) && price.compareTo(rules.maxPrice()) > 0) {
                throw ExchangeException.rejected(ABOVE_MAX_PRICE, "limit price " + plain(price)
                        + " is above the maximum " + plain(rules.maxPrice()) + " of " + rules.symbol());
            }
        }

        BigDecimal notionalPrice = request.type() == OrderType.LIMIT ? price
                : rules.minNotionalAppliesToMarket() ? request.referencePrice() : null;
        if (isSet(rules.minNotional()) && notionalPrice != null && notionalPrice.signum() > 0) {
            BigDecimal notional = quantity.multiply(notionalPrice);
            if (notional.compareTo(rules.minNotional()) < 0) {
                throw ExchangeException.rejected(BELOW_MIN_NOTIONAL, "notional " + plain(notional)
                        + " (quantity " + plain(quantity) + " x price " + plain(notionalPrice)
                        + ") is below the minimum " + plain(rules.minNotional()) + " of " + rules.symbol());
            }
        }
        return new PreparedOrder(request, quantity, price);
    }

    /** A decimal as venues expect it: no exponent, no trailing zeros ("0.001", "30000"). */
    public static String plain(BigDecimal value) {
        if (value == null) {
            return "none";
        }
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }

    private static boolean isSet(BigDecimal limit) {
        return limit != null && limit.signum() > 0;
    }
}
