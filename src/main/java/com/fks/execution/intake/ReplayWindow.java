package com.fks.execution.intake;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Refuses alerts whose timestamp is too old or too far ahead. A secret in the body is a static, replayable
 * value: the window plus de-duplication is what stops a captured alert from trading again.
 */
public final class ReplayWindow {
    static final Duration MAX_CLOCK_AHEAD = Duration.ofSeconds(60);

    private final Duration maxAge;
    private final Clock clock;

    public ReplayWindow(Duration maxAge, Clock clock) {
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** Returns the alert's time, or null when it has none (the timestamp is optional). */
    public Instant check(JsonNode timestamp) throws AlertRejectedException {
        if (timestamp == null || timestamp.isNull()) {
            return null;
        }
        Instant at = parse(timestamp);
        Instant now = clock.instant();
        if (at.isBefore(now.minus(maxAge))) {
            throw new AlertRejectedException(RejectionReason.TIMESTAMP_TOO_OLD, "timestamp " + at + " is "
                    + Duration.between(at, now).toSeconds() + " s old; the limit is " + maxAge.toSeconds()
                    + " s (WEBHOOK_MAX_AGE_SECONDS); epoch timestamps must be in milliseconds");
        }
        if (at.isAfter(now.plus(MAX_CLOCK_AHEAD))) {
            throw new AlertRejectedException(RejectionReason.TIMESTAMP_IN_FUTURE, "timestamp " + at + " is "
                    + Duration.between(now, at).toSeconds() + " s in the future; at most "
                    + MAX_CLOCK_AHEAD.toSeconds() + " s is allowed");
        }
        return at;
    }

    private static Instant parse(JsonNode node) throws AlertRejectedException {
        try {
            if (node.isIntegralNumber() || (node.isNumber() && node.decimalValue().stripTrailingZeros().scale() <= 0)) {
                return Instant.ofEpochMilli(node.decimalValue().longValueExact());
            }
            if (node.isTextual()) {
                String text = node.textValue().trim();
                if (text.matches("\\d{1,15}")) {
                    return Instant.ofEpochMilli(Long.parseLong(text));
                }
                return OffsetDateTime.parse(text).toInstant();
            }
        } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
            // falls through to the rejection below
        }
        throw new AlertRejectedException(RejectionReason.INVALID_TIMESTAMP,
                "timestamp must be ISO-8601 (2026-01-02T03:04:05Z) or epoch milliseconds");
    }
}
