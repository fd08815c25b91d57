package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * One order of the paper book as {@link MapPaperBook} keeps it: the columns paper_orders had, as one short string
 * per map entry (fields apart by a control character no id, symbol or number holds). A string, not an object
 * graph: a map entry of ~100 chars costs the store one small write and the heap next to nothing.
 *
 * @param price      the fill price (null until filled)
 * @param filledAt   epoch millis of the fill (null until filled)
 * @param base       null for a fill an early version made before the account had balances: it moves nothing
 * @param locked     what a resting order locks (null once it ended, and for orders filled at once)
 * @param placedAt   epoch millis (null for the fills of an early version)
 */
record PaperOrderRecord(ExchangeOrderStatus status, String exchangeOrderId, String symbol, Side side, OrderType type,
                        BigDecimal quantity, BigDecimal price, Long filledAt, BigDecimal limitPrice,
                        BigDecimal stopPrice, String base, String quote, BigDecimal locked, Long placedAt) {
    private static final char SEPARATOR = '\u001f';
    private static final int FIELDS = 14;

    String encode() {
        StringBuilder s = new StringBuilder(128);
        s.append(status.name()).append(SEPARATOR).append(exchangeOrderId).append(SEPARATOR).append(symbol)
                .append(SEPARATOR).append(side.name()).append(SEPARATOR).append(type.name()).append(SEPARATOR);
        append(s, quantity);
        append(s, price);
        append(s, filledAt);
        append(s, limitPrice);
        append(s, stopPrice);
        append(s, base);
        append(s, quote);
        append(s, locked);
        if (placedAt != null) {
            s.append(placedAt.longValue());
        }
        return s.toString();
    }

    private static void append(StringBuilder s, Object value) {
        if (value instanceof BigDecimal d) {
            s.append(d.toPlainString());
        } else if (value != null) {
            s.append(value);
        }
        s.append(SEPARATOR);
    }

    /** {@link #encode()} as the book's map keeps it. */
    byte[] bytes() {
        return encode().getBytes(StandardCharsets.UTF_8);
    }

    static PaperOrderRecord decode(byte[] encoded) {
        return decode(new String(encoded, StandardCharsets.UTF_8));
    }

    static PaperOrderRecord decode(String encoded) {
        String[] f = new String[FIELDS];
        int from = 0;
        for (int i = 0; i < FIELDS - 1; i++) {
            int to = encoded.indexOf(SEPARATOR, from);
            if (to < 0) {
                throw new IllegalStateException("paper book: an order entry has " + (i + 1) + " fields, not "
                        + FIELDS);
            }
            f[i] = encoded.substring(from, to);
            from = to + 1;
        }
        f[FIELDS - 1] = encoded.substring(from);
        return new PaperOrderRecord(ExchangeOrderStatus.valueOf(f[0]), f[1], f[2], Side.valueOf(f[3]),
                OrderType.valueOf(f[4]), decimal(f[5]), decimal(f[6]), number(f[7]), decimal(f[8]), decimal(f[9]),
                text(f[10]), text(f[11]), decimal(f[12]), number(f[13]));
    }

    private static BigDecimal decimal(String s) {
        return s.isEmpty() ? null : new BigDecimal(s);
    }

    private static Long number(String s) {
        return s.isEmpty() ? null : Long.valueOf(s);
    }

    private static String text(String s) {
        return s.isEmpty() ? null : s;
    }

    /** The order as a venue answers for it: quantity and price only once filled, as the JDBC book answers. */
    ExchangeOrder answer(String clientOrderId) {
        if (status != ExchangeOrderStatus.FILLED) {
            return new ExchangeOrder(clientOrderId, exchangeOrderId, status, BigDecimal.ZERO, null);
        }
        return new ExchangeOrder(clientOrderId, exchangeOrderId, status, quantity.stripTrailingZeros(),
                price.stripTrailingZeros());
    }

    /** Ended: filled at {@code fillPrice} (or cancelled when it is null); nothing is locked any more. */
    PaperOrderRecord ended(BigDecimal fillPrice, long at) {
        return new PaperOrderRecord(fillPrice == null ? ExchangeOrderStatus.CANCELED : ExchangeOrderStatus.FILLED,
                exchangeOrderId, symbol, side, type, quantity, fillPrice, fillPrice == null ? null : at, limitPrice,
                stopPrice, base, quote, null, placedAt);
    }

    /** The asset a resting order locks: a buy its cost in the quote, a sell its quantity of the base. */
    String lockedAsset() {
        return side == Side.BUY ? quote : base;
    }
}
