package com.fks.execution.exchange.paper;

import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The prices that need no look at the book: strictly between the symbol's resting triggers, while trusted. */
final class RestingBandsTest {
    private final AtomicLong nanos = new AtomicLong();
    private final RestingBands bands = new RestingBands(nanos::get);

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    @Test
    void shouldLetOnlyPricesThatReachATriggerThrough() {
        // given a limit buy at 50, a stop at 55, a take-profit at 70 and an OCO of 65 / 52
        bands.read("BTCUSDT", bands.versionBeforeRead("BTCUSDT"), List.of(
                new PaperBook.Resting("a", Side.BUY, OrderType.LIMIT, d("1"), d("50"), null),
                new PaperBook.Resting("b", Side.SELL, OrderType.STOP_LOSS, d("1"), null, d("55")),
                new PaperBook.Resting("c", Side.SELL, OrderType.TAKE_PROFIT, d("1"), d("70"), null),
                new PaperBook.Resting("d", Side.SELL, OrderType.OCO, d("1"), d("65"), d("52"))));

        // then
        assertThat(bands.mayCross("BTCUSDT", d("55"))).isTrue();
        assertThat(bands.mayCross("BTCUSDT", d("55.01"))).isFalse();
        assertThat(bands.mayCross("BTCUSDT", d("64.99"))).isFalse();
        assertThat(bands.mayCross("BTCUSDT", d("65"))).isTrue();
        assertThat(bands.mayCross("ETHUSDT", d("1"))).as("nothing read for this symbol").isTrue();
    }

    @Test
    void shouldDistrustABandOnceAnOrderRestedOrAfterASecond() {
        // given nothing resting
        bands.read("BTCUSDT", bands.versionBeforeRead("BTCUSDT"), List.of());
        assertThat(bands.mayCross("BTCUSDT", d("1"))).isFalse();

        // when an order rests, then
        bands.changed("BTCUSDT");
        assertThat(bands.mayCross("BTCUSDT", d("1"))).isTrue();

        // given a band read before an order rested, stored after it
        long before = bands.versionBeforeRead("BTCUSDT");
        bands.changed("BTCUSDT");
        bands.read("BTCUSDT", before, List.of());
        assertThat(bands.mayCross("BTCUSDT", d("1"))).isTrue();

        // given a fresh band, when more than a second passes (another replica may have rested one), then
        bands.read("BTCUSDT", bands.versionBeforeRead("BTCUSDT"), List.of());
        nanos.addAndGet(RestingBands.TRUST.toNanos());
        assertThat(bands.mayCross("BTCUSDT", d("1"))).isFalse();
        nanos.addAndGet(1);
        assertThat(bands.mayCross("BTCUSDT", d("1"))).isTrue();
    }
}
