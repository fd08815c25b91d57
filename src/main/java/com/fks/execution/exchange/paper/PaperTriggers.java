package com.fks.execution.exchange.paper;

import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * When a price crosses a resting paper order, and at what price it fills. A limit (and a take-profit, the upper
 * leg of an OCO) fills at its own price, as a resting order on a book does; a stop-loss (the lower leg) at the
 * price that triggered it, as a stop that becomes a market order does. Protection orders sell a long.
 */
final class PaperTriggers {
    private PaperTriggers() {
    }

    /** The fill price of a resting order when the market trades at {@code price}; empty when it does not cross. */
    static Optional<BigDecimal> fillPrice(PaperBook.Resting order, BigDecimal price) {
        return fillPrice(order.side(), order.type(), order.limitPrice(), order.stopPrice(), price);
    }

    static Optional<BigDecimal> fillPrice(Side side, OrderType type, BigDecimal limitPrice, BigDecimal stopPrice,
                                          BigDecimal price) {
        return switch (type) {
            case LIMIT -> (side == Side.BUY ? price.compareTo(limitPrice) <= 0 : price.compareTo(limitPrice) >= 0)
                    ? Optional.of(limitPrice) : Optional.empty();
            case TAKE_PROFIT -> price.compareTo(limitPrice) >= 0 ? Optional.of(limitPrice) : Optional.empty();
            case STOP_LOSS -> price.compareTo(stopPrice) <= 0 ? Optional.of(price) : Optional.empty();
            case OCO -> {
                if (price.compareTo(limitPrice) >= 0) {
                    yield Optional.of(limitPrice);
                }
                yield price.compareTo(stopPrice) <= 0 ? Optional.of(price) : Optional.empty();
            }
            case MARKET -> Optional.of(price);
        };
    }
}
