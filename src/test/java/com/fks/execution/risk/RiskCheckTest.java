package com.fks.execution.risk;

import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.fks.execution.intake.Alert;
import com.fks.execution.intake.AlertRejectedException;
import com.fks.execution.intake.RejectionReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

final class RiskCheckTest {
    private final RiskCheck risk = new RiskCheck(new BigDecimal("100000"));

    @Test
    void shouldAllowAnOrderExactlyAtTheLimit() {
        // given: 2 × 50000 = 100000
        Alert alert = alert("BTCUSDT", "2", "50000");

        // when / then
        assertThatCode(() -> risk.check(alert)).doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseAnOrderJustOverTheLimit() {
        // given: 2 × 50000.000001 = 100000.000002
        Alert alert = alert("BTCUSDT", "2", "50000.000001");

        // when
        AlertRejectedException e = rejected(alert);

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.ORDER_TOO_LARGE);
        assertThat(e.detail()).contains("100000.000002 USD").contains("100000 USD");
    }

    @Test
    void shouldCheckLimitOrdersTheSameWay() {
        // given
        Alert alert = new Alert("a", "ETHUSDT", Side.SELL, OrderType.LIMIT, new BigDecimal("40"), new BigDecimal("2500.01"),
                BigDecimal.ONE, null, "paper", null, "{}");

        // when / then
        assertThat(rejected(alert).reason()).isEqualTo(RejectionReason.ORDER_TOO_LARGE);
    }

    @Test
    void shouldFollowTheConfiguredLimit() {
        // given
        RiskCheck small = new RiskCheck(new BigDecimal("10.5"));

        // when / then
        assertThatCode(() -> small.check(alert("BTCUSDT", "0.0001", "105000"))).doesNotThrowAnyException();
        assertThat(catchThrowableOfType(AlertRejectedException.class,
                () -> small.check(alert("BTCUSDT", "0.0001", "105001"))).reason()).isEqualTo(RejectionReason.ORDER_TOO_LARGE);
    }

    @Test
    void shouldRefuseAMarketOrderWithoutAUsablePrice() {
        // given: the price was missing or NaN and became null
        Alert alert = alert("BTCUSDT", "0.001", null);

        // when
        AlertRejectedException e = rejected(alert);

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.NO_USABLE_PRICE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"BTCETH", "ETHBTC", "BTCEUR", "ETHBNB"})
    void shouldRefuseAQuoteCurrencyItCannotConvertToUsd(String symbol) {
        // given: a tiny order, so only the quote currency can be the reason
        Alert alert = alert(symbol, "0.001", "0.05");

        // when
        AlertRejectedException e = rejected(alert);

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.UNSUPPORTED_QUOTE_CURRENCY);
        assertThat(e.detail()).contains(symbol);
    }

    @Test
    void shouldReportTheQuoteCurrencyBeforeAMissingPrice() {
        // when / then
        assertThat(rejected(alert("ETHBTC", "1", null)).reason()).isEqualTo(RejectionReason.UNSUPPORTED_QUOTE_CURRENCY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"BTCUSDT", "BTCUSDC", "BTCUSD"})
    void shouldAcceptUsdLikeQuotes(String symbol) {
        // when / then
        assertThatCode(() -> risk.check(alert(symbol, "1", "60000"))).doesNotThrowAnyException();
    }

    private AlertRejectedException rejected(Alert alert) {
        AlertRejectedException e = catchThrowableOfType(AlertRejectedException.class, () -> risk.check(alert));
        assertThat(e).as("expected the risk check to refuse %s", alert).isNotNull();
        return e;
    }

    private static Alert alert(String symbol, String quantity, String price) {
        return new Alert("alert-1", symbol, Side.BUY, OrderType.MARKET, new BigDecimal(quantity),
                price == null ? null : new BigDecimal(price), BigDecimal.ONE, null, "paper", null, "{}");
    }
}
