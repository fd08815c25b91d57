package com.fks.execution.traffic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fks.execution.intake.Alert;
import com.fks.execution.intake.AlertAction;
import com.fks.execution.intake.AlertParser;
import com.fks.execution.intake.AlertRejectedException;
import com.fks.execution.intake.AlertValidator;
import com.fks.execution.intake.Authenticator;
import com.fks.execution.intake.RejectionReason;
import com.fks.execution.intake.ReplayWindow;
import com.fks.execution.order.OrderKind;
import com.fks.execution.order.OrderTerms;
import com.fks.execution.order.QuantityType;
import com.fks.execution.risk.RiskCheck;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generated alerts, held against the service's own parser, authenticator, replay window, validator and risk check. */
final class AlertFactoryTest {
    private static final String SECRET = "alert-factory-test-secret";
    private final AlertParser parser = new AlertParser();
    private final Authenticator authenticator = new Authenticator(SECRET);
    private final ReplayWindow window = new ReplayWindow(Duration.ofSeconds(300), Clock.systemUTC());
    private final AlertValidator validator = new AlertValidator(parser.mapper(), "paper", field -> { });
    private final RiskCheck risk = new RiskCheck(new BigDecimal("100000"));

    @Test
    void shouldMakeValidAlertsThatPassEveryStepOfTheServiceWithRealisticVariety() throws Exception {
        AlertFactory factory = new AlertFactory(SECRET, AuthMode.MIXED, "test", Clock.systemUTC());
        Set<String> ids = new HashSet<>();
        Set<String> symbols = new HashSet<>();
        int nan = 0;
        int limit = 0;
        int signed = 0;
        int belowThreshold = 0;
        for (long seq = 0; seq < 2000; seq++) {
            OutgoingAlert alert = factory.create(seq, AlertKind.VALID, new SplittableRandom(seq));
            ObjectNode json = parser.parse(alert.body());
            assertThat(authenticator.check(json, alert.body(), alert.signatureHeader())).isNull();
            Alert valid = validator.validate(json, window.check(json.get("timestamp")));
            assertThat(risk.check(valid.symbol(), valid.quantity(), valid.price())).as("risk").isEmpty();
            assertThat(ids.add(valid.alertId())).isTrue();
            symbols.add(json.get("symbol").asText());
            String text = new String(alert.body(), StandardCharsets.UTF_8);
            nan += text.contains("NaN") ? 1 : 0;
            assertThat(alert.contentType()).isEqualTo(text.contains("NaN") ? "text/plain" : "application/json");
            limit += json.get("order_type").asText().equals("limit") ? 1 : 0;
            signed += alert.signatureHeader() != null ? 1 : 0;
            belowThreshold += valid.confidence().compareTo(new BigDecimal("0.6")) < 0 ? 1 : 0;
        }
        assertThat(symbols).contains("BINANCE:BTCUSDT", "ETHUSDT", "SOLUSDC", "BTCUSD");
        assertThat(nan).isBetween(100, 600);
        assertThat(limit).isBetween(400, 800);
        assertThat(signed).isBetween(800, 1200);
        assertThat(belowThreshold).isBetween(100, 400);
    }

    @Test
    void shouldMakeEachBadKindFailAtItsOwnStep() throws Exception {
        for (AuthMode auth : new AuthMode[] {AuthMode.SECRET, AuthMode.SIGNATURE}) {
            AlertFactory factory = new AlertFactory(SECRET, auth, "bad", Clock.systemUTC());
            for (long seq = 0; seq < 200; seq++) {
                OutgoingAlert badSignature = factory.create(seq, AlertKind.BAD_SIGNATURE, new SplittableRandom(seq));
                ObjectNode json = parser.parse(badSignature.body());
                assertThat(authenticator.check(json, badSignature.body(), badSignature.signatureHeader())).isNotNull();

                OutgoingAlert replay = factory.create(seq, AlertKind.REPLAY, new SplittableRandom(seq));
                ObjectNode replayJson = parser.parse(replay.body());
                assertThat(authenticator.check(replayJson, replay.body(), replay.signatureHeader())).isNull();
                assertThatThrownBy(() -> window.check(replayJson.get("timestamp")))
                        .isInstanceOfSatisfying(AlertRejectedException.class,
                                e -> assertThat(e.reason()).isEqualTo(RejectionReason.TIMESTAMP_TOO_OLD));

                OutgoingAlert malformed = factory.create(seq, AlertKind.MALFORMED, new SplittableRandom(seq));
                assertThatThrownBy(() -> parser.parse(malformed.body()))
                        .isInstanceOfSatisfying(AlertRejectedException.class,
                                e -> assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED_JSON));
            }
        }
    }

    @Test
    void shouldMakeStrategyEntriesWithProtectionAndExitsOfThoseEntriesThatPassEveryStep() throws Exception {
        AlertFactory factory = new AlertFactory(SECRET, AuthMode.MIXED, "strat", Clock.systemUTC());
        Set<String> strategies = new HashSet<>();
        int byPercent = 0;
        for (long seq = 0; seq < 500; seq++) {
            // given an entry
            AlertFactory.StrategyEntry entry = factory.strategyEntry(seq, new SplittableRandom(seq));
            Alert buy = passEveryStep(entry.alert());

            // then it is a protected buy, under a strategy of its own, sized within the limit
            assertThat(entry.alert().kind()).isEqualTo(AlertKind.STRATEGY_ENTRY);
            assertThat(buy.action()).isEqualTo(AlertAction.BUY);
            assertThat(buy.terms().stopLoss()).isNotNull();
            assertThat(buy.terms().takeProfit()).isNotNull();
            assertThat(risk.check(buy.symbol(), buy.terms().quantityType(), buy.quantity(), buy.price())).isEmpty();
            assertThat(strategies.add(buy.strategy())).isTrue();
            assertThat(buy.strategy()).isEqualTo(entry.open().strategy());
            byPercent += buy.terms().stopLoss().percent() != null ? 1 : 0;

            // when its exit is made
            OutgoingAlert exitAlert = factory.strategyExit(seq + 100_000, entry.open(), new SplittableRandom(~seq));
            Alert exit = passEveryStep(exitAlert);

            // then it closes the whole position of the same strategy and symbol, its protection fields ignored
            assertThat(exitAlert.kind()).isEqualTo(AlertKind.STRATEGY_EXIT);
            assertThat(exit.action()).isEqualTo(AlertAction.EXIT);
            assertThat(exit.terms()).isEqualTo(OrderTerms.of(OrderKind.EXIT, QuantityType.PERCENT_OF_POSITION));
            assertThat(exit.quantity()).isEqualByComparingTo("100");
            assertThat(exit.strategy()).isEqualTo(buy.strategy());
            assertThat(exit.symbol()).isEqualTo(buy.symbol());
            assertThat(exit.alertId()).isNotEqualTo(buy.alertId());
        }
        assertThat(byPercent).isBetween(150, 350);
    }

    @Test
    void shouldMakeCancelsThatPassEveryStep() throws Exception {
        AlertFactory factory = new AlertFactory(SECRET, AuthMode.MIXED, "cancel", Clock.systemUTC());
        for (long seq = 0; seq < 200; seq++) {
            // when
            OutgoingAlert cancel = factory.create(seq, AlertKind.CANCEL, new SplittableRandom(seq));
            Alert valid = passEveryStep(cancel);

            // then
            assertThat(cancel.kind()).isEqualTo(AlertKind.CANCEL);
            assertThat(valid.action()).isEqualTo(AlertAction.CANCEL);
            assertThat(valid.terms().kind()).isEqualTo(OrderKind.CANCEL);
        }
    }

    @Test
    void shouldMakeTheSameStrategyEntryFromTheSameSeed() {
        AlertFactory factory = new AlertFactory(SECRET, AuthMode.SECRET, "seeded", Clock.fixed(
                java.time.Instant.parse("2026-11-30T00:00:00Z"), java.time.ZoneOffset.UTC));

        // when / then: a seed replays a run exactly
        assertThat(factory.strategyEntry(7, new SplittableRandom(7)).alert().body())
                .isEqualTo(factory.strategyEntry(7, new SplittableRandom(7)).alert().body());
    }

    private Alert passEveryStep(OutgoingAlert alert) throws AlertRejectedException {
        ObjectNode json = parser.parse(alert.body());
        assertThat(authenticator.check(json, alert.body(), alert.signatureHeader())).isNull();
        assertThat(alert.contentType()).isEqualTo("application/json");
        return validator.validate(json, window.check(json.get("timestamp")));
    }
}
