package com.fks.execution.risk;

import com.fks.execution.order.QuantityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

final class RiskCheckTest {
    private final RiskCheck risk = new RiskCheck(new BigDecimal("100000"));

    @Test
    void shouldAllowAnOrderExactlyAtTheLimit() {
        // given: 2 × 50000 = 100000
        // when / then
        assertThat(check("BTCUSDT", "2", "50000")).isEmpty();
    }

    @Test
    void shouldRefuseAnOrderJustOverTheLimit() {
        // given: 2 × 50000.000001 = 100000.000002
        // when
        RiskDenial denial = denied("BTCUSDT", "2", "50000.000001");

        // then
        assertThat(denial.reason()).isEqualTo(DenialReason.ORDER_TOO_LARGE);
        assertThat(denial.detail()).contains("100000.000002 USD").contains("100000 USD");
    }

    @Test
    void shouldCheckLimitOrdersTheSameWay() {
        // given: a limit order is valued at its limit price, 40 × 2500.01
        // when / then
        assertThat(denied("ETHUSDT", "40", "2500.01").reason()).isEqualTo(DenialReason.ORDER_TOO_LARGE);
    }

    @Test
    void shouldFollowTheConfiguredLimit() {
        // given
        RiskCheck small = new RiskCheck(new BigDecimal("10.5"));

        // when / then
        assertThat(small.check("BTCUSDT", new BigDecimal("0.0001"), new BigDecimal("105000"))).isEmpty();
        assertThat(small.check("BTCUSDT", new BigDecimal("0.0001"), new BigDecimal("105001")))
                .get().extracting(RiskDenial::reason).isEqualTo(DenialReason.ORDER_TOO_LARGE);
    }

    @Test
    void shouldTakeAQuoteAmountAsTheNotionalWithoutAPrice() {
        // when / then: 100000 USDT is at the limit, one cent more is over it, and no price is needed for either
        assertThat(risk.check("BTCUSDT", QuantityType.QUOTE, new BigDecimal("100000"), null)).isEmpty();
        RiskDenial denial = risk.check("BTCUSDT", QuantityType.QUOTE, new BigDecimal("100000.01"), null).orElseThrow();
        assertThat(denial.reason()).isEqualTo(DenialReason.ORDER_TOO_LARGE);
        assertThat(denial.detail()).contains("quote amount 100000.01 USD").contains("MAX_ORDER_SIZE_USD");
    }

    @Test
    void shouldNotMultiplyAQuoteAmountByThePrice() {
        // when: 500 USDC of SOL at 150 is 500 USD, not 75000
        Optional<RiskDenial> small = new RiskCheck(new BigDecimal("1000"))
                .check("SOLUSDC", QuantityType.QUOTE, new BigDecimal("500"), new BigDecimal("150"));

        // then
        assertThat(small).isEmpty();
    }

    @Test
    void shouldRefuseAQuoteAmountInANonUsdQuote() {
        // when / then: 500 BTC of ETHBTC is not 500 USD
        assertThat(risk.check("ETHBTC", QuantityType.QUOTE, new BigDecimal("500"), null).orElseThrow().reason())
                .isEqualTo(DenialReason.UNSUPPORTED_QUOTE_CURRENCY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PERCENT_OF_BALANCE", "PERCENT_OF_POSITION"})
    void shouldLeaveAPercentSizeToTheEngineButStillRefuseANonUsdQuote(QuantityType percent) {
        // when / then: the notional is only known once the balance or position is read at send time
        assertThat(risk.check("BTCUSDT", percent, new BigDecimal("100"), null)).isEmpty();
        assertThat(risk.check("ETHBTC", percent, new BigDecimal("10"), null).orElseThrow().reason())
                .isEqualTo(DenialReason.UNSUPPORTED_QUOTE_CURRENCY);
    }

    @Test
    void shouldCheckABaseSizeAsBefore() {
        // when / then
        assertThat(risk.check("BTCUSDT", QuantityType.BASE, new BigDecimal("2"), new BigDecimal("50000.01"))
                .orElseThrow().reason()).isEqualTo(DenialReason.ORDER_TOO_LARGE);
        assertThat(risk.check("BTCUSDT", QuantityType.BASE, new BigDecimal("1"), null).orElseThrow().reason())
                .isEqualTo(DenialReason.NO_USABLE_PRICE);
    }

    @Test
    void shouldRefuseAMarketOrderWithoutAUsablePrice() {
        // given: the price was missing or NaN and became null
        // when
        RiskDenial denial = denied("BTCUSDT", "0.001", null);

        // then
        assertThat(denial.reason()).isEqualTo(DenialReason.NO_USABLE_PRICE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"BTCETH", "ETHBTC", "BTCEUR", "ETHBNB"})
    void shouldRefuseAQuoteCurrencyItCannotConvertToUsd(String symbol) {
        // given: a tiny order, so only the quote currency can be the reason
        // when
        RiskDenial denial = denied(symbol, "0.001", "0.05");

        // then
        assertThat(denial.reason()).isEqualTo(DenialReason.UNSUPPORTED_QUOTE_CURRENCY);
        assertThat(denial.detail()).contains(symbol);
    }

    @Test
    void shouldReportTheQuoteCurrencyBeforeAMissingPrice() {
        // when / then
        assertThat(denied("ETHBTC", "1", null).reason()).isEqualTo(DenialReason.UNSUPPORTED_QUOTE_CURRENCY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"BTCUSDT", "BTCUSDC", "BTCUSD"})
    void shouldAcceptUsdLikeQuotes(String symbol) {
        // when / then
        assertThat(check(symbol, "1", "60000")).isEmpty();
    }

    private RiskDenial denied(String symbol, String quantity, String price) {
        return check(symbol, quantity, price)
                .orElseThrow(() -> new AssertionError("expected the risk check to refuse " + symbol + " " + quantity + " @ " + price));
    }

    private Optional<RiskDenial> check(String symbol, String quantity, String price) {
        return risk.check(symbol, new BigDecimal(quantity), price == null ? null : new BigDecimal(price));
    }
}
