package com.fks.execution.exchange.coinbase;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.OrderPreparation;
import com.fks.execution.exchange.OrderPreparation.PreparedOrder;
import com.fks.execution.order.Side;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The {@code order_configuration} of a Create Order request (docs.cdp.coinbase.com, Advanced Trade "Create Order"
 * and "Advanced API Order Management"), one per order type:
 * <ul>
 *   <li>MARKET: {@code market_market_ioc} with {@code base_size}, or {@code quote_size} for a buy sized in the
 *       quote currency (the guide: "to buy, provide a quote_size or base_size; to sell, provide a base_size").</li>
 *   <li>LIMIT and TAKE_PROFIT: {@code limit_limit_gtc} (post_only false): a take-profit is a resting sell at its
 *       price.</li>
 *   <li>STOP_LOSS: {@code stop_limit_stop_limit_gtc}. Coinbase spot has no stop-market order, so the stop carries
 *       a limit {@link #STOP_LIMIT_CUSHION} beyond the trigger, the same cushion Coinbase gives the stop of its own
 *       bracket orders ("When triggered, a stop limit order is automatically placed with a limit price 5% higher
 *       for BUYS and 5% lower for SELLS"): a stop-loss then behaves the same alone and in a bracket.</li>
 *   <li>OCO: {@code trigger_bracket_gtc}, one SELL order with the take-profit as {@code limit_price} and the stop
 *       as {@code stop_trigger_price}; "as soon as a fill occurs at one of the price levels, the other side is
 *       automatically disabled".</li>
 * </ul>
 */
final class CoinbaseOrderConfiguration {

    /** How far past its trigger a stop-loss may fill: Coinbase's own bracket-stop cushion. */
    static final BigDecimal STOP_LIMIT_CUSHION = new BigDecimal("0.05");

    static final String MARKET = "market_market_ioc";
    static final String LIMIT = "limit_limit_gtc";
    static final String STOP_LIMIT = "stop_limit_stop_limit_gtc";
    static final String BRACKET = "trigger_bracket_gtc";

    private CoinbaseOrderConfiguration() {
    }

    /**
     * Writes the configuration of {@code order} into {@code configuration} (the request's order_configuration
     * object).
     *
     * @param tickSize the product's price increment, to round a stop-loss's limit price
     */
    static void write(PreparedOrder order, BigDecimal tickSize, ObjectNode configuration) throws ExchangeException {
        switch (order.request().type()) {
            case MARKET -> {
                ObjectNode market = configuration.putObject(MARKET);
                if (order.quantity() == null) {
                    market.put("quote_size", plain(order.request().quoteQuantity()));
                } else {
                    market.put("base_size", plain(order.quantity()));
                }
            }
            case LIMIT, TAKE_PROFIT -> configuration.putObject(LIMIT)
                    .put("base_size", plain(order.quantity()))
                    .put("limit_price", plain(order.price()))
                    .put("post_only", false);
            case STOP_LOSS -> {
                boolean sell = order.request().side() == Side.SELL;
                configuration.putObject(STOP_LIMIT)
                        .put("base_size", plain(order.quantity()))
                        .put("limit_price", plain(stopLimitPrice(order.stopPrice(), tickSize, sell)))
                        .put("stop_price", plain(order.stopPrice()))
                        .put("stop_direction", sell ? "STOP_DIRECTION_STOP_DOWN" : "STOP_DIRECTION_STOP_UP");
            }
            case OCO -> configuration.putObject(BRACKET)
                    .put("base_size", plain(order.quantity()))
                    .put("limit_price", plain(order.price()))
                    .put("stop_trigger_price", plain(order.stopPrice()));
        }
    }

    /**
     * The limit of a stop-loss: the cushion below the trigger for a sell (rounded down to the tick, so never
     * narrower than the cushion), above it for a buy (rounded up).
     */
    static BigDecimal stopLimitPrice(BigDecimal stop, BigDecimal tickSize, boolean sell) throws ExchangeException {
        BigDecimal raw = stop.multiply(sell ? BigDecimal.ONE.subtract(STOP_LIMIT_CUSHION)
                : BigDecimal.ONE.add(STOP_LIMIT_CUSHION));
        BigDecimal limit = raw;
        if (tickSize != null && tickSize.signum() > 0) {
            limit = raw.divide(tickSize, 0, sell ? RoundingMode.FLOOR : RoundingMode.CEILING).multiply(tickSize);
        }
        if (limit.signum() <= 0) {
            throw ExchangeException.rejected(OrderPreparation.INVALID_PRICE, "the stop-loss limit "
                    + plain(raw) + " (" + STOP_LIMIT_CUSHION.movePointRight(2).stripTrailingZeros().toPlainString()
                    + " % past the stop " + plain(stop) + ") rounds to 0 at tick " + plain(tickSize));
        }
        return limit.stripTrailingZeros();
    }

    private static String plain(BigDecimal value) {
        return OrderPreparation.plain(value);
    }
}
