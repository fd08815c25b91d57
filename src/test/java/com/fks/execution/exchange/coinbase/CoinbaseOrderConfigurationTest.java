package com.fks.execution.exchange.coinbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.OrderPreparation;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

final class CoinbaseOrderConfigurationTest {

    @Test
    void shouldPutASellStopsLimitFivePercentBelowRoundedDownToTheTick() throws Exception {
        assertThat(CoinbaseOrderConfiguration.stopLimitPrice(new BigDecimal("27000.01"), new BigDecimal("0.01"), true))
                .isEqualByComparingTo("25650.00");
        assertThat(CoinbaseOrderConfiguration.stopLimitPrice(new BigDecimal("1.234"), new BigDecimal("0.001"), true))
                .isEqualByComparingTo("1.172");
    }

    @Test
    void shouldPutABuyStopsLimitFivePercentAboveRoundedUpToTheTick() throws Exception {
        assertThat(CoinbaseOrderConfiguration.stopLimitPrice(new BigDecimal("1.234"), new BigDecimal("0.001"), false))
                .isEqualByComparingTo("1.296");
    }

    @Test
    void shouldRefuseAStopWhoseLimitRoundsToZero() {
        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> CoinbaseOrderConfiguration.stopLimitPrice(new BigDecimal("0.01"), new BigDecimal("0.01"), true));

        assertThat(e.exchangeCode()).isEqualTo(OrderPreparation.INVALID_PRICE);
    }
}
