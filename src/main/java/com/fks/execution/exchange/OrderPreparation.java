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
     * @param quantity rounded to the lot step, within the venue's limits; null for an order sized in the quote
     *                 currency (its amount is {@code request.quoteQuantity()})
     * @param price    the rounded limit (or take-profit) price, or null for a market or stop-loss order
     * @param stopPrice the rounded stop-loss trigger of a STOP_LOSS or OCO, else null
     */
    public record PreparedOrder(OrderRequest request, BigDecimal quantity, BigDecimal price, BigDecimal stopPrice) {
        public PreparedOrder(OrderRequest request, BigDecimal quantity, BigDecimal price) {
            this(request, quantity, price, null);
        }
    }

    private OrderPreparation() {
    }

    public static PreparedOrder prepare(OrderRequest request, InstrumentRules rules) throws ExchangeException {
        if (request.quoteQuantity() != null) {
            return prepareQuoteSized(request, rules);
        }
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

        if (request.type().isProtection()) {
            return prepareProtection(request, rules, quantity);
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

    /**
     * A market order sized in the quote currency: the venue converts it, so only its sign and the minimum notional
     * (the amount is the notional) are checked here.
     */
    private static PreparedOrder prepareQuoteSized(OrderRequest request, InstrumentRules rules)
            throws ExchangeException {
        BigDecimal amount = request.quoteQuantity();
        if (amount.signum() <= 0) {
            throw ExchangeException.rejected(INVALID_QUANTITY, "quote amount " + plain(amount) + " is not positive");
        }
        if (isSet(rules.minNotional()) && rules.minNotionalAppliesToMarket() && amount.compareTo(rules.minNotional()) < 0) {
            throw ExchangeException.rejected(BELOW_MIN_NOTIONAL, "quote amount " + plain(amount)
                    + " is below the minimum notional " + plain(rules.minNotional()) + " of " + rules.symbol());
        }
        return new PreparedOrder(request, null, null, null);
    }

    /**
     * A stop-loss, take-profit or OCO: the take-profit rounded up to the tick, the stop-loss down
     * ({@link InstrumentRules#roundProtectionPrice}); each must be a valid price, and the notional is checked at
     * the lower of the two (the stop-loss when there is one).
     */
    private static PreparedOrder prepareProtection(OrderRequest request, InstrumentRules rules, BigDecimal quantity)
            throws ExchangeException {
        BigDecimal takeProfit = request.limitPrice() == null ? null
                : checkedPrice(rules.roundProtectionPrice(request.limitPrice(), false), request.limitPrice(), rules);
        BigDecimal stop = request.stopPrice() == null ? null
                : checkedPrice(rules.roundProtectionPrice(request.stopPrice(), true), request.stopPrice(), rules);
        if (takeProfit != null && stop != null && stop.compareTo(takeProfit) >= 0) {
            throw ExchangeException.rejected(INVALID_PRICE, "stop-loss " + plain(stop)
                    + " is not below take-profit " + plain(takeProfit));
        }
        BigDecimal lowest = stop != null ? stop : takeProfit;
        if (isSet(rules.minNotional()) && lowest != null) {
            BigDecimal notional = quantity.multiply(lowest);
            if (notional.compareTo(rules.minNotional()) < 0) {
                throw ExchangeException.rejected(BELOW_MIN_NOTIONAL, "notional " + plain(notional)
                        + " (quantity " + plain(quantity) + " x price " + plain(lowest)
                        + ") is below the minimum " + plain(rules.minNotional()) + " of " + rules.symbol());
            }
        }
        return new PreparedOrder(request, quantity, takeProfit, stop);
    }

    private static BigDecimal checkedPrice(BigDecimal rounded, BigDecimal asked, InstrumentRules rules)
            throws ExchangeException {
        if (asked.signum() <= 0 || rounded.signum() <= 0) {
            throw ExchangeException.rejected(INVALID_PRICE, "price " + plain(asked) + " is not positive at tick "
                    + plain(rules.tickSize()) + " of " + rules.symbol());
        }
        if (isSet(rules.minPrice()) && rounded.compareTo(rules.minPrice()) < 0) {
            throw ExchangeException.rejected(BELOW_MIN_PRICE, "price " + plain(rounded)
                    + " is below the minimum " + plain(rules.minPrice()) + " of " + rules.symbol());
        }
        if (isSet(rules.maxPrice()) && rounded.compareTo(rules.maxPrice()) > 0) {
            throw ExchangeException.rejected(ABOVE_MAX_PRICE, "price " + plain(rounded)
                    + " is above the maximum " + plain(rules.maxPrice()) + " of " + rules.symbol());
        }
        return rounded;
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
