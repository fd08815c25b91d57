package com.fks.execution.order;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

final class OrderTermsTest {

    @Test
    void shouldKeepAPlainEntryAsNoTextSoOrdersOfEarlierVersionsReadTheSame() {
        assertThat(OrderTerms.ENTRY.encode()).isNull();
        assertThat(OrderTerms.decode(null)).isEqualTo(OrderTerms.ENTRY);
        assertThat(OrderTerms.decode("")).isEqualTo(OrderTerms.ENTRY);
    }

    @Test
    void shouldReadBackEveryFieldItWrote() {
        OrderTerms protection = new OrderTerms(OrderKind.PROTECTION, QuantityType.BASE, null, null,
                "0190abc", new BigDecimal("47999.5"));
        OrderTerms entry = new OrderTerms(OrderKind.ENTRY, QuantityType.PERCENT_OF_BALANCE,
                PriceLevel.atPercent(new BigDecimal("2.5")), PriceLevel.atPrice(new BigDecimal("52000")), null, null);
        OrderTerms exit = OrderTerms.of(OrderKind.EXIT, QuantityType.PERCENT_OF_POSITION);

        for (OrderTerms terms : new OrderTerms[]{protection, entry, exit}) {
            assertThat(OrderTerms.decode(terms.encode())).isEqualTo(terms);
        }
        assertThat(entry.encode()).isEqualTo("k=entry;q=percent_of_balance;sl=%2.5;tp=p52000");
    }

    @Test
    void shouldIgnoreAFieldOfALaterVersion() {
        assertThat(OrderTerms.decode("k=exit;q=percent_of_position;later=1"))
                .isEqualTo(OrderTerms.of(OrderKind.EXIT, QuantityType.PERCENT_OF_POSITION));
    }

    @Test
    void shouldPlaceAPercentLevelBelowTheFillForAStopLossAndAboveForATakeProfit() {
        PriceLevel level = PriceLevel.atPercent(new BigDecimal("2.5"));

        assertThat(level.resolve(new BigDecimal("60000"), true)).isEqualByComparingTo("58500");
        assertThat(level.resolve(new BigDecimal("60000"), false)).isEqualByComparingTo("61500");
        assertThat(PriceLevel.atPrice(new BigDecimal("48000")).resolve(new BigDecimal("60000"), true))
                .isEqualByComparingTo("48000");
    }
}
