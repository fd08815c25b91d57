package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import org.assertj.core.api.ThrowableAssert;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * For the crash tests of both paper books: the trades made before a crash, and what a crash or a bad disk does to
 * a segment of a book's log.
 */
final class PaperBookCrashes {
    private PaperBookCrashes() {
    }

    /** Makes an order request (each test numbers its own client order ids). */
    interface Orders {
        OrderRequest order(Side side, OrderType type, String quantity, String limitPrice);
    }

    /**
     * Buys 1 BTC at 100 twice, sells 0.5 at 100, rests a limit buy at 50 and a second one at 40 that it cancels;
     * returns the fills as the book has them. With 1000 USDT to start: 800 USDT and 1.5 BTC free after.
     */
    static List<PaperBook.Fill> trade(PaperBook book, Orders orders) throws ExchangeException {
        PaperExchange paper = new PaperExchange(book, Duration.ZERO, 0, Clock.systemUTC());
        paper.observePrice("BTCUSDT", new BigDecimal("100"));
        paper.place(orders.order(Side.BUY, OrderType.MARKET, "1", null));
        paper.place(orders.order(Side.BUY, OrderType.MARKET, "1", null));
        paper.place(orders.order(Side.SELL, OrderType.MARKET, "0.5", null));
        paper.place(orders.order(Side.BUY, OrderType.LIMIT, "1", "50"));
        OrderRequest cancelled = orders.order(Side.BUY, OrderType.LIMIT, "1", "40");
        paper.place(cancelled);
        paper.cancel("BTCUSDT", cancelled.clientOrderId());
        return book.fills();
    }

    /** Appends the start of a record cut short: a crash in the middle of writing it. */
    static void tearTail(Path segment) throws IOException {
        long length = Files.size(segment);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(length);
            file.writeInt(200);
            file.writeInt(0x1234);
            file.write(new byte[20]);
        }
    }

    /** Changes a byte inside the segment's first record, which has records after it. */
    static void damageFirstRecord(Path segment) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(12);
            int b = file.read();
            file.seek(12);
            file.write(b ^ 0x5a);
        }
    }

    /** The book refuses to open, naming the segment and the offset, rather than lose what follows the damage. */
    static void assertRefusesToOpen(ThrowableAssert.ThrowingCallable open, Path segment) {
        assertThatThrownBy(open)
                .isInstanceOf(ExchangeException.class)
                .hasMessageContaining(segment.toString())
                .hasMessageContaining("at offset 0");
    }
}
