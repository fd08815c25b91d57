package com.fks.execution.order;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Positions from the service's own orders, fed in the order their fills were recorded: a buy's fill adds to the
 * position at a weighted average cost, a sell's fill takes from it (never below zero: spot holds no short) and a
 * position that comes back to zero starts afresh. Open sells are counted apart: what an exit cannot sell again.
 */
final class PositionLedger {
    private record Key(String exchange, String symbol, String strategy) {
    }

    private static final class Book {
        BigDecimal quantity = BigDecimal.ZERO;
        BigDecimal cost = BigDecimal.ZERO;
        BigDecimal openSell = BigDecimal.ZERO;
    }

    private final Map<Key, Book> books = new LinkedHashMap<>();

    void add(Order o) {
        if (o.kind() == OrderKind.CANCEL) {
            return;
        }
        Book book = books.computeIfAbsent(new Key(o.exchange(), o.symbol(), o.strategy()), k -> new Book());
        BigDecimal executed = o.executedQuantity() == null ? BigDecimal.ZERO : o.executedQuantity();
        if (executed.signum() > 0) {
            if (o.side() == Side.BUY) {
                BigDecimal price = o.averagePrice() != null ? o.averagePrice() : BigDecimal.ZERO;
                book.quantity = book.quantity.add(executed);
                book.cost = book.cost.add(executed.multiply(price));
            } else {
                BigDecimal sold = executed.min(book.quantity);
                if (book.quantity.signum() > 0) {
                    book.cost = book.cost.subtract(book.cost.multiply(sold).divide(book.quantity, MathContext.DECIMAL64));
                }
                book.quantity = book.quantity.subtract(sold);
                if (book.quantity.signum() == 0) {
                    book.cost = BigDecimal.ZERO;
                }
            }
        }
        if (o.side() == Side.SELL && !o.status().isFinal() && o.status() != OrderStatus.ACCEPTED
                && o.terms().quantityType() == QuantityType.BASE && o.quantity() != null) {
            book.openSell = book.openSell.add(o.quantity().subtract(executed).max(BigDecimal.ZERO));
        }
    }

    List<Position> positions() {
        List<Position> out = new ArrayList<>();
        books.forEach((key, book) -> out.add(new Position(key.exchange(), key.symbol(), key.strategy(),
                book.quantity.stripTrailingZeros(),
                book.quantity.signum() > 0 ? book.cost.divide(book.quantity, MathContext.DECIMAL64).stripTrailingZeros()
                        : null,
                book.openSell.stripTrailingZeros())));
        return out;
    }

    Position position(String exchange, String symbol, String strategy) {
        return positions().stream()
                .filter(p -> p.exchange().equals(exchange) && p.symbol().equals(symbol)
                        && Objects.equals(p.strategy(), strategy))
                .findFirst().orElse(Position.flat(exchange, symbol, strategy));
    }
}
