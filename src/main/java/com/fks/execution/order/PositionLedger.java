package com.fks.execution.order;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Positions from the service's own orders, fed in the order their fills were recorded: a buy's fill adds to the
 * position at a weighted average cost, a sell's fill takes from it (never below zero: spot holds no short) and a
 * position that comes back to zero starts afresh. Open sells are counted apart: what an exit cannot sell again.
 */
public final class PositionLedger {
    private record Key(String exchange, String symbol, String strategy) {
    }

    private static final class Book {
        BigDecimal quantity = BigDecimal.ZERO;
        BigDecimal cost = BigDecimal.ZERO;
        BigDecimal openSell = BigDecimal.ZERO;
    }

    private final Map<Key, Book> books = new LinkedHashMap<>();

    /** An order's fills so far (and, if it is an open sell, what it still has to sell). */
    public synchronized void add(Order o) {
        if (o.kind() == OrderKind.CANCEL) {
            return;
        }
        Book book = book(o.exchange(), o.symbol(), o.strategy());
        BigDecimal executed = o.executedQuantity() == null ? BigDecimal.ZERO : o.executedQuantity();
        if (executed.signum() > 0) {
            apply(book, o.side(), executed, executed.multiply(price(o)));
        }
        book.openSell = book.openSell.add(openSell(o));
    }

    /**
     * What an order filled between two of its states (the embedded store keeps its ledger this way, one
     * transition at a time, instead of reading every fill again).
     */
    public synchronized void changed(Order before, Order after) {
        if (after.kind() == OrderKind.CANCEL) {
            return;
        }
        BigDecimal was = before == null || before.executedQuantity() == null ? BigDecimal.ZERO : before.executedQuantity();
        BigDecimal now = after.executedQuantity() == null ? BigDecimal.ZERO : after.executedQuantity();
        BigDecimal delta = now.subtract(was);
        if (delta.signum() <= 0) {
            return;
        }
        BigDecimal cost = now.multiply(price(after)).subtract(before == null ? BigDecimal.ZERO : was.multiply(price(before)));
        fill(after.exchange(), after.symbol(), after.strategy(), after.side(), delta, cost.max(BigDecimal.ZERO));
    }

    /** One fill of {@code quantity} that cost (or, sold, brought) {@code cost} in the quote currency. */
    public synchronized void fill(String exchange, String symbol, String strategy, Side side, BigDecimal quantity,
                                  BigDecimal cost) {
        apply(book(exchange, symbol, strategy), side, quantity, cost);
    }

    /**
     * The positions of one exchange and symbol (all when {@code exchange} is null), with the open sells of
     * {@code openOrders} counted in: a copy, the ledger is left as it was.
     */
    public synchronized List<Position> positions(String exchange, String symbol, List<Order> openOrders) {
        PositionLedger view = new PositionLedger();
        books.forEach((key, book) -> {
            if (exchange == null || (key.exchange().equals(exchange) && key.symbol().equals(symbol))) {
                Book copy = view.book(key.exchange(), key.symbol(), key.strategy());
                copy.quantity = book.quantity;
                copy.cost = book.cost;
            }
        });
        for (Order o : openOrders) {
            if (o.kind() != OrderKind.CANCEL && (exchange == null || (o.exchange().equals(exchange)
                    && o.symbol().equals(symbol)))) {
                Book copy = view.book(o.exchange(), o.symbol(), o.strategy());
                copy.openSell = copy.openSell.add(openSell(o));
            }
        }
        return view.positions();
    }

    private Book book(String exchange, String symbol, String strategy) {
        return books.computeIfAbsent(new Key(exchange, symbol, strategy), k -> new Book());
    }

    private static void apply(Book book, Side side, BigDecimal quantity, BigDecimal cost) {
        if (side == Side.BUY) {
            book.quantity = book.quantity.add(quantity);
            book.cost = book.cost.add(cost);
            return;
        }
        BigDecimal sold = quantity.min(book.quantity);
        if (book.quantity.signum() > 0) {
            book.cost = book.cost.subtract(book.cost.multiply(sold).divide(book.quantity, MathContext.DECIMAL64));
        }
        book.quantity = book.quantity.subtract(sold);
        if (book.quantity.signum() == 0) {
            book.cost = BigDecimal.ZERO;
        }
    }

    private static BigDecimal price(Order o) {
        return o.averagePrice() != null ? o.averagePrice() : BigDecimal.ZERO;
    }

    /** What an open sell (sent, its quantity in base units) has still to sell. */
    private static BigDecimal openSell(Order o) {
        if (o.side() != Side.SELL || o.status().isFinal() || o.status() == OrderStatus.ACCEPTED
                || o.terms().quantityType() != QuantityType.BASE || o.quantity() == null) {
            return BigDecimal.ZERO;
        }
        BigDecimal executed = o.executedQuantity() == null ? BigDecimal.ZERO : o.executedQuantity();
        return o.quantity().subtract(executed).max(BigDecimal.ZERO);
    }

    /** One book exactly as held: quantity and total cost, unrounded. */
    public interface BookVisitor {
        void book(String exchange, String symbol, String strategy, BigDecimal quantity, BigDecimal cost);
    }

    /**
     * Each book's exact quantity and cost, for a store that keeps the ledger itself (the embedded view): a
     * position rebuilt from its average price would differ in the last digits from the one it had.
     */
    public synchronized void forEachBook(BookVisitor visitor) {
        books.forEach((key, book) -> visitor.book(key.exchange(), key.symbol(), key.strategy(), book.quantity,
                book.cost));
    }

    /** One book of {@link #forEachBook}, restored as it was kept. */
    public synchronized void restore(String exchange, String symbol, String strategy, BigDecimal quantity,
                                     BigDecimal cost) {
        Book book = book(exchange, symbol, strategy);
        book.quantity = quantity;
        book.cost = cost;
    }

    synchronized List<Position> positions() {
        List<Position> out = new ArrayList<>();
        books.forEach((key, book) -> out.add(new Position(key.exchange(), key.symbol(), key.strategy(),
                book.quantity.stripTrailingZeros(),
                book.quantity.signum() > 0 ? book.cost.divide(book.quantity, MathContext.DECIMAL64).stripTrailingZeros()
                        : null,
                book.openSell.stripTrailingZeros())));
        return out;
    }
}
