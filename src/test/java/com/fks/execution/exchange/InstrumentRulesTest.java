package com.fks.execution.exchange;

import com.fks.execution.order.Side;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

final class InstrumentRulesTest {

    @ParameterizedTest(name = "{0} step {1} -> {2}")
    @CsvSource({
            "0.123456, 0.001, 0.123",
            "0.1239, 0.001, 0.123",
            "0.123, 0.001, 0.123",
            "1.99999999, 0.00001, 1.99999",
            "5, 1, 5",
            "5.9, 1, 5",
            "123, 10, 120",
            "0.0009, 0.001, 0",
            "0.35, 0.25, 0.25",
    })
    void shouldRoundTheQuantityDownToTheStep(String quantity, String step, String expected) {
        // given
        InstrumentRules rules = rules(step, null);

        // when
        BigDecimal rounded = rules.roundQuantity(new BigDecimal(quantity));

        // then
        assertThat(rounded).isEqualByComparingTo(expected);
        assertThat(rounded).isLessThanOrEqualTo(new BigDecimal(quantity));
    }

    @Test
    void shouldLeaveTheQuantityAloneWithoutAStep() {
        // when / then
        assertThat(rules(null, null).roundQuantity(new BigDecimal("0.123456789"))).isEqualTo("0.123456789");
        assertThat(rules("0", null).roundQuantity(new BigDecimal("0.123456789"))).isEqualTo("0.123456789");
    }

    @ParameterizedTest(name = "{0} tick {1}: buy {2}, sell {3}")
    @CsvSource({
            "100.07, 0.05, 100.05, 100.10",
            "100.05, 0.05, 100.05, 100.05",
            "64123.456, 0.01, 64123.45, 64123.46",
            "0.123456789, 0.00000001, 0.12345678, 0.12345679",
            "1234, 5, 1230, 1235",
            "0.5, 0.25, 0.5, 0.5",
    })
    void shouldRoundThePriceInTheTradersFavour(String price, String tick, String buy, String sell) {
        // given
        InstrumentRules rules = rules(null, tick);

        // when
        BigDecimal buyPrice = rules.roundPrice(new BigDecimal(price), Side.BUY);
        BigDecimal sellPrice = rules.roundPrice(new BigDecimal(price), Side.SELL);

        // then: a buy never pays more, a sell never gets less than the alert asked
        assertThat(buyPrice).isEqualByComparingTo(buy).isLessThanOrEqualTo(new BigDecimal(price));
        assertThat(sellPrice).isEqualByComparingTo(sell).isGreaterThanOrEqualTo(new BigDecimal(price));
    }

    @Test
    void shouldLeaveThePriceAloneWithoutATick() {
        // when / then
        assertThat(rules(null, null).roundPrice(new BigDecimal("100.07"), Side.BUY)).isEqualTo("100.07");
        assertThat(rules(null, "0").roundPrice(new BigDecimal("100.07"), Side.SELL)).isEqualTo("100.07");
    }

    @Test
    void shouldGiveResultsThatPrintWithoutAnExponent() {
        // given: exchanges read the plain decimal text
        InstrumentRules rules = rules("10", "100");

        // when
        BigDecimal quantity = rules.roundQuantity(new BigDecimal("123"));
        BigDecimal price = rules.roundPrice(new BigDecimal("64123"), Side.BUY);

        // then
        assertThat(quantity.toPlainString()).isEqualTo("120");
        assertThat(price.toPlainString()).isEqualTo("64100");
    }

    private static InstrumentRules rules(String step, String tick) {
        return new InstrumentRules("BTCUSDT", step == null ? null : new BigDecimal(step), null, null,
                tick == null ? null : new BigDecimal(tick), null, null, null, false);
    }
}
