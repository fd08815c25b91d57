package com.fks.execution.order.journal;

import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.fks.execution.order.NewOrder;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderUpdate;
import com.fks.execution.order.OrderTerms;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Events to and from bytes. A small binary form of our own: a type byte, then the fields in a fixed order
 * (strings as length + UTF-8, -1 for null; times as epoch milliseconds). It is what every accepted alert
 * costs on disk and in allocation, so no JSON here; a new field goes at the end of its event, read only when
 * present, so older records still read.
 */
final class EventCodec {
    private static final byte ACCEPTED = 1;
    private static final byte TRANSITIONED = 2;
    private static final byte ATTEMPTED = 3;
    private static final byte STATE_SET = 4;
    private static final byte NOOP = 5;

    private EventCodec() {
    }

    static void write(RecordFrames frames, JournalEvent event) {
        Writer w = new Writer(frames);
        frames.begin(256);
        if (event instanceof JournalEvent.Accepted a) {
                NewOrder o = a.order();
                w.put(ACCEPTED);
                w.string(o.orderId());
                w.string(o.alertId());
                w.string(o.clientOrderId());
                w.string(o.exchange());
                w.string(o.symbol());
                w.string(o.side().name());
                w.string(o.type().name());
                w.decimal(o.quantity());
                w.decimal(o.price());
                w.decimal(o.confidence());
                w.string(o.strategy());
                w.string(o.alertJson());
                w.time(o.receivedAt());
                w.time(a.acceptedAt());
                w.string(o.terms().encode());
        } else if (event instanceof JournalEvent.Transitioned t) {
                OrderUpdate u = t.update();
                w.put(TRANSITIONED);
                w.string(t.orderId());
                w.string(u.from().name());
                w.string(u.to().name());
                w.string(u.reason());
                w.string(u.detail());
                w.string(u.exchangeOrderId());
                w.decimal(u.executedQuantity());
                w.decimal(u.averagePrice());
                w.time(t.at());
                w.decimal(u.quantity());
                w.string(u.terms() == null ? null : u.terms().encode());
        } else if (event instanceof JournalEvent.Attempted a) {
                w.put(ATTEMPTED);
                w.string(a.orderId());
                w.string(a.detail());
                w.time(a.at());
        } else if (event instanceof JournalEvent.StateSet s) {
                w.put(STATE_SET);
                w.string(s.name());
                w.string(s.value());
                w.time(s.at());
        } else {
            w.put(NOOP);
        }
        frames.end();
    }

    static JournalEvent read(ByteBuffer payload) {
        Reader r = new Reader(payload.duplicate());
        byte type = r.in.get();
        return switch (type) {
            case ACCEPTED -> {
                NewOrder order = new NewOrder(r.string(), r.string(), r.string(), r.string(), r.string(),
                        Side.valueOf(r.string()), OrderType.valueOf(r.string()), r.decimal(), r.decimal(),
                        r.decimal(), r.string(), r.string(), r.time());
                Instant acceptedAt = r.time();
                if (r.in.hasRemaining()) {
                    order = withTerms(order, OrderTerms.decode(r.string()));
                }
                yield new JournalEvent.Accepted(order, acceptedAt);
            }
            case TRANSITIONED -> {
                String orderId = r.string();
                OrderUpdate update = new OrderUpdate(OrderStatus.valueOf(r.string()), OrderStatus.valueOf(r.string()),
                        r.string(), r.string(), r.string(), r.decimal(), r.decimal());
                Instant at = r.time();
                if (r.in.hasRemaining()) {
                    BigDecimal quantity = r.decimal();
                    String terms = r.string();
                    update = new OrderUpdate(update.from(), update.to(), update.reason(), update.detail(),
                            update.exchangeOrderId(), update.executedQuantity(), update.averagePrice(), quantity,
                            terms == null ? null : OrderTerms.decode(terms));
                }
                yield new JournalEvent.Transitioned(orderId, update, at);
            }
            case ATTEMPTED -> new JournalEvent.Attempted(r.string(), r.string(), r.time());
            case STATE_SET -> new JournalEvent.StateSet(r.string(), r.string(), r.time());
            case NOOP -> new JournalEvent.Probe();
            default -> throw new IllegalArgumentException("unknown journal event type " + type);
        };
    }

    private static NewOrder withTerms(NewOrder o, OrderTerms terms) {
        return new NewOrder(o.orderId(), o.alertId(), o.clientOrderId(), o.exchange(), o.symbol(), o.side(), o.type(),
                o.quantity(), o.price(), o.confidence(), o.strategy(), o.alertJson(), o.receivedAt(), terms);
    }

    private static final class Writer {
        private final RecordFrames frames;

        Writer(RecordFrames frames) {
            this.frames = frames;
        }

        void put(byte b) {
            frames.ensure(1).put(b);
        }

        void string(String s) {
            if (s == null) {
                frames.ensure(4).putInt(-1);
                return;
            }
            int n = s.length();
            boolean ascii = true;
            for (int i = 0; i < n && ascii; i++) {
                ascii = s.charAt(i) < 0x80;
            }
            if (ascii) {
                ByteBuffer out = frames.ensure(4 + n);
                out.putInt(n);
                for (int i = 0; i < n; i++) {
                    out.put((byte) s.charAt(i));
                }
            } else {
                byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                frames.ensure(4 + bytes.length).putInt(bytes.length).put(bytes);
            }
        }

        void decimal(BigDecimal d) {
            string(d == null ? null : d.toString());
        }

        void time(Instant t) {
            frames.ensure(8).putLong(t.toEpochMilli());
        }
    }

    private static final class Reader {
        private final ByteBuffer in;

        Reader(ByteBuffer in) {
            this.in = in;
        }

        String string() {
            int n = in.getInt();
            if (n < 0) {
                return null;
            }
            String s;
            if (in.hasArray()) {
                s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
                in.position(in.position() + n);
            } else {
                byte[] bytes = new byte[n];
                in.get(bytes);
                s = new String(bytes, StandardCharsets.UTF_8);
            }
            return s;
        }

        BigDecimal decimal() {
            String s = string();
            return s == null ? null : new BigDecimal(s);
        }

        Instant time() {
            return Instant.ofEpochMilli(in.getLong());
        }
    }
}
