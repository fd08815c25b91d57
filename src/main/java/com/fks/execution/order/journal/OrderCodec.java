package com.fks.execution.order.journal;

import com.fks.execution.order.Order;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderTerms;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * An order as the view keeps it, in one value: its state, then its history ({@link
 * com.fks.execution.order.OrderHistory}) and the alert as received. One value, not three maps: every put into a
 * map copies the path of pages to its leaf, and that copying was most of what the view allocated. A version
 * byte, then the fields in a fixed order: strings as length + UTF-8 (-1 for null), amounts as their decimal
 * text, times as epoch milliseconds.
 */
final class OrderCodec {
    private static final byte VERSION = 1;
    /** Like the SQL view's column: a venue's error text is kept to this many characters. */
    static final int DETAIL_LIMIT = 1000;

    private OrderCodec() {
    }

    /** An order's value: its state (no history, no alert in it), its steps, its alert. */
    record Stored(Order state, String history, String alertJson) {
    }

    static byte[] encode(Order o, String history, String alertJson) {
        return encode(o, history, "", alertJson);
    }

    /**
     * The history as the steps the order had and the steps a batch adds, written one after the other: joined into
     * a String first, they were two more copies of the history for every order the view writes.
     */
    static byte[] encode(Order o, CharSequence history, CharSequence moreSteps, String alertJson) {
        Out out = SCRATCH.get();
        out.reset();
        encode(out, o, history, moreSteps, alertJson);
        byte[] value = out.bytes();
        out.release();
        return value;
    }

    /**
     * Each thread's buffer to encode into, so that an order's value is allocated once, at its exact size. Sized
     * per order from its strings' lengths, the buffer was still too small for the fields' length prefixes and
     * grew, then was cut to size: three arrays per order, 55 % of what the view's thread allocated
     * (docs/benchmarks.md, tenth session).
     */
    private static final ThreadLocal<Out> SCRATCH = ThreadLocal.withInitial(() -> new Out(Out.KEPT));

    private static void encode(Out out, Order o, CharSequence history, CharSequence moreSteps, String alertJson) {
        out.put(VERSION);
        out.string(o.orderId());
        out.string(o.alertId());
        out.string(o.clientOrderId());
        out.string(o.exchange());
        out.string(o.symbol());
        out.string(o.side().name());
        out.string(o.type().name());
        out.decimal(o.quantity());
        out.decimal(o.price());
        out.decimal(o.confidence());
        out.string(o.strategy());
        out.string(o.status().name());
        out.string(o.reason());
        out.string(truncate(o.detail()));
        out.string(o.exchangeOrderId());
        out.decimal(o.executedQuantity());
        out.decimal(o.averagePrice());
        out.integer(o.attempts());
        out.time(o.receivedAt());
        out.time(o.updatedAt());
        out.string(o.terms() == OrderTerms.ENTRY ? null : o.terms().encode());
        out.string(history, moreSteps);
        out.string(alertJson);
    }

    /** The state alone: what listing orders and the engine need. */
    static Order decode(byte[] bytes) {
        return state(ByteBuffer.wrap(bytes));
    }

    static Stored decodeStored(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Order state = state(in);
        return new Stored(state, string(in), string(in));
    }

    private static Order state(ByteBuffer in) {
        byte version = in.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("an order of the view in an unknown format " + version);
        }
        String orderId = string(in);
        String alertId = string(in);
        String clientOrderId = string(in);
        String exchange = string(in);
        String symbol = string(in);
        Side side = Side.valueOf(string(in));
        OrderType type = OrderType.valueOf(string(in));
        BigDecimal quantity = decimal(in);
        BigDecimal price = decimal(in);
        BigDecimal confidence = decimal(in);
        String strategy = string(in);
        OrderStatus status = OrderStatus.valueOf(string(in));
        String reason = string(in);
        String detail = string(in);
        String exchangeOrderId = string(in);
        BigDecimal executed = decimal(in);
        BigDecimal average = decimal(in);
        int attempts = in.getInt();
        Instant received = Instant.ofEpochMilli(in.getLong());
        Instant updated = Instant.ofEpochMilli(in.getLong());
        String terms = string(in);
        return new Order(orderId, alertId, clientOrderId, exchange, symbol, side, type, quantity, price, confidence,
                strategy, null, status, reason, detail, exchangeOrderId, executed, average, attempts, received,
                updated, List.of(), OrderTerms.decode(terms));
    }

    static String truncate(String s) {
        return s == null || s.length() <= DETAIL_LIMIT ? s : s.substring(0, DETAIL_LIMIT);
    }

    private static String string(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0) {
            return null;
        }
        String s = new String(in.array(), in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    /** Trailing zeros stripped, as the SQL view's DECIMAL columns gave them back. */
    private static BigDecimal decimal(ByteBuffer in) {
        String s = string(in);
        return s == null ? null : new BigDecimal(s).stripTrailingZeros();
    }

    /** A growing byte array, reused: an order is one to a few KiB (its alert as received, its steps). */
    private static final class Out {
        /** What a buffer may keep between orders; a larger one (an order with a huge alert) is let go. */
        static final int KEPT = 16 * 1024;
        private byte[] buf;
        private int size;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        void reset() {
            size = 0;
        }

        void release() {
            if (buf.length > KEPT) {
                buf = new byte[KEPT];
            }
        }

        void put(byte b) {
            ensure(1);
            buf[size++] = b;
        }

        void integer(int v) {
            ensure(4);
            buf[size++] = (byte) (v >>> 24);
            buf[size++] = (byte) (v >>> 16);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void time(Instant t) {
            long v = t.toEpochMilli();
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (v >>> shift);
            }
        }

        void string(String s) {
            string(s, "");
        }

        /** {@code first} then {@code second} as one string (null when {@code first} is). */
        void string(CharSequence first, CharSequence second) {
            if (first == null) {
                integer(-1);
                return;
            }
            int n = first.length() + second.length();
            ensure(4 + n);
            if (ascii(first, size + 4) && ascii(second, size + 4 + first.length())) {
                integer(n);
                size += n;
                return;
            }
            byte[] bytes = (first.toString() + second).getBytes(StandardCharsets.UTF_8);
            integer(bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        /** Copies {@code s} to {@code at} while it is ASCII; false at its first other character. */
        private boolean ascii(CharSequence s, int at) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    return false;
                }
                buf[at + i] = (byte) c;
            }
            return true;
        }

        void decimal(BigDecimal d) {
            string(d == null ? null : d.toString());
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, size);
        }

        private void ensure(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }
    }
}
