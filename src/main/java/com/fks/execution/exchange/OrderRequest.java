package com.fks.execution.exchange;

import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One order as the engine asks an adapter to place it.
 *
 * @param clientOrderId  fixed before the first attempt; the key of every lookup and of exactly-once placement.
 *                       For an OCO it is the list's client id; its legs' ids are {@link #takeProfitLegId} and
 *                       {@link #stopLossLegId}
 * @param symbol         normalised, without separators: BTCUSDT, BTCUSD (adapters map it to their form)
 * @param quantity       base-asset units, before rounding to the venue's lot step; null when the order is sized
 *                       in the quote currency ({@code quoteQuantity})
 * @param limitPrice     the limit price of a LIMIT order, the take-profit price of a TAKE_PROFIT or an OCO;
 *                       null for MARKET and STOP_LOSS
 * @param referencePrice the alert's price (close for a market order), used for minimum-notional checks; may be null
 * @param stopPrice      the stop-loss trigger of a STOP_LOSS or an OCO; null otherwise
 * @param quoteQuantity  for a MARKET order sized in the quote currency (Binance quoteOrderQty, Coinbase
 *                       quote_size): the amount to spend or receive; null otherwise
 */
public record OrderRequest(String clientOrderId, String symbol, Side side, OrderType type,
                           BigDecimal quantity, BigDecimal limitPrice, BigDecimal referencePrice,
                           BigDecimal stopPrice, BigDecimal quoteQuantity) {
    public OrderRequest {
        Objects.requireNonNull(clientOrderId, "clientOrderId");
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(type, "type");
        if ((quantity == null) == (quoteQuantity == null)) {
            throw new IllegalArgumentException("an order has a base quantity or a quote quantity, not both or neither");
        }
        if (quoteQuantity != null && type != OrderType.MARKET) {
            throw new IllegalArgumentException("only a market order is sized in the quote currency");
        }
        if ((type == OrderType.LIMIT || type == OrderType.TAKE_PROFIT || type == OrderType.OCO) && limitPrice == null) {
            throw new IllegalArgumentException("a " + type + " order needs a limit price");
        }
        if ((type == OrderType.STOP_LOSS || type == OrderType.OCO) && stopPrice == null) {
            throw new IllegalArgumentException("a " + type + " order needs a stop price");
        }
    }

    /** A market or limit order in base units, as alerts have always made. */
    public OrderRequest(String clientOrderId, String symbol, Side side, OrderType type, BigDecimal quantity,
                        BigDecimal limitPrice, BigDecimal referencePrice) {
        this(clientOrderId, symbol, side, type, quantity, limitPrice, referencePrice, null, null);
    }

    /** The client id of an OCO's take-profit (upper) leg: the list's id and "t" (36 characters at most). */
    public static String takeProfitLegId(String listClientOrderId) {
        return listClientOrderId + "t";
    }

    /** The client id of an OCO's stop-loss (lower) leg. */
    public static String stopLossLegId(String listClientOrderId) {
        return listClientOrderId + "s";
    }
}
