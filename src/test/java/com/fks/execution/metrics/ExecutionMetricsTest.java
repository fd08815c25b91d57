package com.fks.execution.metrics;

import com.fks.execution.testsupport.Allocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

final class ExecutionMetricsTest {
    private final ExecutionMetrics metrics = new ExecutionMetrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    private double value(String series) {
        for (String line : metrics.scrape().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        return Double.NaN;
    }

    @Test
    void shouldCountEachAnswerUnderItsStatusAndReason() {
        // given
        metrics.preRegister(Map.of(202, List.of("accepted"), 400, List.of("invalid_quantity")),
                List.of("invalid_quantity"), List.of("paper"));

        // when
        metrics.requestFinished(202, "accepted", 1_000_000);
        metrics.requestFinished(202, "accepted", 1_000_000);
        metrics.requestFinished(400, "invalid_quantity", 1_000_000);
        metrics.requestFinished(503, "accepted", 1_000_000);
        metrics.validationFailure("invalid_quantity");

        // then
        assertThat(value("execution_webhook_requests_total{reason=\"accepted\",status=\"202\"}")).isEqualTo(2.0);
        assertThat(value("execution_webhook_requests_total{reason=\"invalid_quantity\",status=\"400\"}")).isEqualTo(1.0);
        assertThat(value("execution_webhook_requests_total{reason=\"accepted\",status=\"503\"}")).isEqualTo(1.0);
        assertThat(value("execution_webhook_validation_failures_total{reason=\"invalid_quantity\"}")).isEqualTo(1.0);
    }

    @Test
    void shouldLabelOnlyTheFirstWellFormedNanFieldsAndCountTheRestAsOther() {
        // given
        for (int i = 0; i < ExecutionMetrics.MAX_NAN_FIELD_LABELS; i++) {
            metrics.nanReplacement("f" + i);
        }

        // when
        metrics.nanReplacement("f0");
        metrics.nanReplacement("one_too_many");
        metrics.nanReplacement("Upper");
        metrics.nanReplacement("x".repeat(41));
        metrics.nanReplacement("");

        // then
        assertThat(value("execution_nan_replacements_total{field=\"f0\"}")).isEqualTo(2.0);
        assertThat(value("execution_nan_replacements_total{field=\"other\"}")).isEqualTo(4.0);
        assertThat(metrics.scrape()).doesNotContain("one_too_many").doesNotContain("Upper");
    }

    @Test
    void shouldAcceptAFortyCharacterFieldNameAsItsOwnLabel() {
        // when
        metrics.nanReplacement("a_9".repeat(13) + "z");

        // then
        assertThat(value("execution_nan_replacements_total{field=\"" + "a_9".repeat(13) + "z\"}")).isEqualTo(1.0);
    }

    /** These run for every webhook: finding their counters must not build a key (or run a regex) each time. */
    @Test
    void shouldCountAWebhooksAnswerAndItsNanFieldWithoutAllocating() {
        // given
        metrics.requestFinished(202, "accepted", 1_000);
        metrics.validationFailure("invalid_quantity");
        metrics.nanReplacement("rsi");

        // when
        double bytes = Allocation.bytesPerCall(() -> {
            metrics.requestFinished(202, "accepted", 1_000);
            metrics.validationFailure("invalid_quantity");
            metrics.nanReplacement("rsi");
        });

        // then
        assertThat(bytes).isLessThan(16);
    }
}
