package com.fks.execution.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

final class ReplayWindowTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final ReplayWindow window = new ReplayWindow(Duration.ofSeconds(300), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void shouldAnswerNullWhenThereIsNoTimestamp() throws Exception {
        // when / then
        assertThat(window.check(null)).isNull();
        assertThat(window.check(JSON.nullNode())).isNull();
    }

    @Test
    void shouldReadIso8601InUtc() throws Exception {
        // when
        Instant at = window.check(JSON.textNode("2026-01-02T03:03:05Z"));

        // then
        assertThat(at).isEqualTo(Instant.parse("2026-01-02T03:03:05Z"));
    }

    @Test
    void shouldReadIso8601WithAnOffsetAndFractions() throws Exception {
        // when
        Instant at = window.check(JSON.textNode("2026-01-02T05:04:00.250+02:00"));

        // then
        assertThat(at).isEqualTo(Instant.parse("2026-01-02T03:04:00.250Z"));
    }

    @Test
    void shouldReadEpochMillisAsANumber() throws Exception {
        // when
        Instant at = window.check(JSON.numberNode(NOW.toEpochMilli() - 1234));

        // then
        assertThat(at).isEqualTo(NOW.minusMillis(1234));
    }

    @Test
    void shouldReadEpochMillisAsADecimalWithoutFraction() throws Exception {
        // given: the parser reads floats as BigDecimal, so 1.7673e12 arrives as a decimal
        JsonNode node = new AlertParser().parse(("{\"t\":" + (NOW.toEpochMilli() - 5000) + ".0}")
                .getBytes(StandardCharsets.UTF_8)).get("t");

        // when
        Instant at = window.check(node);

        // then
        assertThat(at).isEqualTo(NOW.minusMillis(5000));
    }

    @Test
    void shouldReadEpochMillisAsAString() throws Exception {
        // when
        Instant at = window.check(JSON.textNode(" " + (NOW.toEpochMilli() - 60_000) + " "));

        // then
        assertThat(at).isEqualTo(NOW.minusSeconds(60));
    }

    @Test
    void shouldAcceptATimestampExactlyAtTheMaximumAge() throws Exception {
        // when
        Instant at = window.check(JSON.numberNode(NOW.minusSeconds(300).toEpochMilli()));

        // then
        assertThat(at).isEqualTo(NOW.minusSeconds(300));
    }

    @Test
    void shouldRefuseATimestampOneMillisecondOlderThanTheMaximumAge() {
        // when
        AlertRejectedException e = rejected(JSON.numberNode(NOW.minusSeconds(300).toEpochMilli() - 1));

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.TIMESTAMP_TOO_OLD);
        assertThat(e.detail()).contains("300 s (WEBHOOK_MAX_AGE_SECONDS)");
    }

    @Test
    void shouldRefuseAnHourOldIsoTimestamp() {
        // when
        AlertRejectedException e = rejected(JSON.textNode("2026-01-02T02:04:05Z"));

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.TIMESTAMP_TOO_OLD);
        assertThat(e.detail()).contains("3600 s old");
    }

    @Test
    void shouldRefuseEpochSecondsAsFarTooOld() {
        // given: a common mistake, seconds instead of milliseconds (1970-01-21 as millis)
        AlertRejectedException e = rejected(JSON.numberNode(NOW.getEpochSecond()));

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.TIMESTAMP_TOO_OLD);
        assertThat(e.detail()).contains("milliseconds");
    }

    @Test
    void shouldAcceptATimestampExactly60SecondsAhead() throws Exception {
        // when
        Instant at = window.check(JSON.textNode("2026-01-02T03:05:05Z"));

        // then
        assertThat(at).isEqualTo(NOW.plusSeconds(60));
    }

    @Test
    void shouldRefuseATimestampMoreThan60SecondsAhead() {
        // when
        AlertRejectedException e = rejected(JSON.numberNode(NOW.plusSeconds(60).toEpochMilli() + 1));

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.TIMESTAMP_IN_FUTURE);
    }

    @Test
    void shouldRefuseEpochMicrosecondsAsFarInTheFuture() {
        // when
        AlertRejectedException e = rejected(JSON.numberNode(NOW.toEpochMilli() * 1000));

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.TIMESTAMP_IN_FUTURE);
    }

    @Test
    void shouldFollowTheConfiguredMaximumAge() throws Exception {
        // given
        ReplayWindow strict = new ReplayWindow(Duration.ofSeconds(10), Clock.fixed(NOW, ZoneOffset.UTC));

        // when / then
        assertThat(strict.check(JSON.numberNode(NOW.minusSeconds(10).toEpochMilli()))).isEqualTo(NOW.minusSeconds(10));
        assertThat(catchThrowableOfType(AlertRejectedException.class,
                () -> strict.check(JSON.numberNode(NOW.minusSeconds(11).toEpochMilli()))).reason())
                .isEqualTo(RejectionReason.TIMESTAMP_TOO_OLD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2026-01-02", "2026-01-02T03:04:05", "2026-01-02 03:04:05Z",
            "2026-13-02T03:04:05Z", "02/01/2026", "-1", "1.5", "1767323045000.5", "0x1F", "{{timenow}}", "NaN"})
    void shouldRefuseAnUnreadableTextTimestamp(String text) {
        // when
        AlertRejectedException e = rejected(JSON.textNode(text));

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.INVALID_TIMESTAMP);
    }

    @Test
    void shouldRefuseTimestampsOfTheWrongJsonType() {
        // when / then
        assertThat(rejected(JSON.booleanNode(true)).reason()).isEqualTo(RejectionReason.INVALID_TIMESTAMP);
        assertThat(rejected(JSON.objectNode()).reason()).isEqualTo(RejectionReason.INVALID_TIMESTAMP);
        assertThat(rejected(JSON.arrayNode()).reason()).isEqualTo(RejectionReason.INVALID_TIMESTAMP);
        assertThat(rejected(JSON.numberNode(new BigDecimal("1767323045000.5"))).reason())
                .isEqualTo(RejectionReason.INVALID_TIMESTAMP);
        assertThat(rejected(JSON.numberNode(new BigDecimal("1e30"))).reason()).isEqualTo(RejectionReason.INVALID_TIMESTAMP);
    }

    @Test
    void shouldRefuseANonFiniteTimestamp() {
        // when / then
        assertThat(rejected(JSON.numberNode(Double.NaN)).reason()).isEqualTo(RejectionReason.INVALID_TIMESTAMP);
        assertThat(rejected(JSON.numberNode(Double.POSITIVE_INFINITY)).reason()).isEqualTo(RejectionReason.INVALID_TIMESTAMP);
    }

    private AlertRejectedException rejected(JsonNode timestamp) {
        AlertRejectedException e = catchThrowableOfType(AlertRejectedException.class, () -> window.check(timestamp));
        assertThat(e).as("expected timestamp %s to be refused", timestamp).isNotNull();
        return e;
    }
}
