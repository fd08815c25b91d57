package com.fks.execution.order;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * The service's own position in one symbol for one strategy at one exchange, from its own fills only (never the
 * account's other holdings).
 *
 * @param quantity          net base units bought minus sold by the service's orders (never below zero: a sale of
 *                          what the service did not buy does not make a short on spot)
 * @param averageEntryPrice the average price paid for what is held, or null when nothing is
 * @param openSellQuantity  base units in the service's open sell orders not yet executed (protection included):
 *                          what an exit cannot sell again
 */
public record Position(String exchange, String symbol, String strategy, BigDecimal quantity,
                       BigDecimal averageEntryPrice, BigDecimal openSellQuantity) {

    public static Position flat(String exchange, String symbol, String strategy) {
        return new Position(exchange, symbol, strategy, BigDecimal.ZERO, null, BigDecimal.ZERO);
    }

    /** The position of one strategy among {@code positions} of one exchange and symbol, flat when it is not there. */
    public static Position of(List<Position> positions, String exchange, String symbol, String strategy) {
        return positions.stream().filter(p -> Objects.equals(p.strategy(), strategy)).findFirst()
                .orElse(flat(exchange, symbol, strategy));
    }

    public boolean isFlat() {
        return quantity.signum() <= 0;
    }
}
