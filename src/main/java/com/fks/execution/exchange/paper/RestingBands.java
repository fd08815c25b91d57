package com.fks.execution.exchange.paper;

import com.fks.execution.order.Side;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Per symbol, the band of prices that cross none of its resting orders, so the price of most alerts is checked
 * without reading the book (a read per alert cost about 0.1 ms of the alert's thread). A band is dropped when
 * this process rests an order of the symbol, and is trusted for at most {@link #TRUST} in any case: replicas
 * sharing a book do not see each other's new orders otherwise.
 */
final class RestingBands {
    static final Duration TRUST = Duration.ofSeconds(1);

    /** Prices strictly between {@code low} and {@code high} (null: unbounded) cross nothing. */
    private record Band(BigDecimal low, BigDecimal high, long version, long readAtNanos) {
    }

    private final Map<String, Band> bands = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> versions = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    RestingBands() {
        this(System::nanoTime);
    }

    RestingBands(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Whether {@code price} may cross a resting order of the symbol (true when nothing trusted is known). */
    boolean mayCross(String symbol, BigDecimal price) {
        Band band = bands.get(symbol);
        if (band == null || band.version() != version(symbol).get()
                || nanoTime.getAsLong() - band.readAtNanos() > TRUST.toNanos()) {
            return true;
        }
        return (band.low() != null && price.compareTo(band.low()) <= 0)
                || (band.high() != null && price.compareTo(band.high()) >= 0);
    }

    /** Taken before reading the book: a band read under an older version is never trusted. */
    long versionBeforeRead(String symbol) {
        return version(symbol).get();
    }

    /** The resting orders read under {@code version}, the crossed ones already filled and left out. */
    void read(String symbol, long version, List<PaperBook.Resting> stillResting) {
        BigDecimal low = null;
        BigDecimal high = null;
        for (PaperBook.Resting order : stillResting) {
            BigDecimal below = switch (order.type()) {
                case LIMIT -> order.side() == Side.BUY ? order.limitPrice() : null;
                case STOP_LOSS, OCO -> order.stopPrice();
                default -> null;
            };
            BigDecimal above = switch (order.type()) {
                case LIMIT -> order.side() == Side.SELL ? order.limitPrice() : null;
                case TAKE_PROFIT, OCO -> order.limitPrice();
                default -> null;
            };
            if (below != null && (low == null || below.compareTo(low) > 0)) {
                low = below;
            }
            if (above != null && (high == null || above.compareTo(high) < 0)) {
                high = above;
            }
        }
        bands.put(symbol, new Band(low, high, version, nanoTime.getAsLong()));
    }

    /** This process rested an order of the symbol (called after the book committed it). */
    void changed(String symbol) {
        version(symbol).incrementAndGet();
    }

    private AtomicLong version(String symbol) {
        return versions.computeIfAbsent(symbol, s -> new AtomicLong());
    }
}
