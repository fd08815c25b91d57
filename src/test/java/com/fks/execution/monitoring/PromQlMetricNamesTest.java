package com.fks.execution.monitoring;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The lexical metric-name finder that DashboardTest and AlertRuleConventionsTest rely on. */
final class PromQlMetricNamesTest {

    @Test
    void shouldFindMetricNamesButNotFunctionsLabelsOrKeywords() {
        String expr = "histogram_quantile(0.95, sum by (le, exchange) (rate(execution_exchange_api_duration_seconds_bucket"
                + "{exchange=~\"binance|paper\", instance=~\"$instance\"}[$__rate_interval]))) > 0.1"
                + " unless on (instance) sum without (le) (increase(execution_orders_total[5m] offset 1m)) > bool 0";

        assertThat(PromQlMetricNames.of(expr))
                .containsExactlyInAnyOrder("execution_exchange_api_duration_seconds_bucket", "execution_orders_total");
    }

    @Test
    void shouldFindBareSelectorsAndNamesOnBothSidesOfOperators() {
        assertThat(PromQlMetricNames.of("absent(up{job=\"fks-execution\"} == 1)")).containsExactly("up");
        assertThat(PromQlMetricNames.of("execution_order_queue_depth / on() group_left execution_active_requests"))
                .containsExactlyInAnyOrder("execution_order_queue_depth", "execution_active_requests");
        assertThat(PromQlMetricNames.of("sum(jvm_memory_used_bytes{area=\"heap\"}) by (instance) * 2"))
                .containsExactly("jvm_memory_used_bytes");
    }

    @Test
    void shouldTellExportedNamesFromInventedOnes() {
        assertThat(PromQlMetricNames.isExported("execution_webhook_duration_seconds_bucket")).isTrue();
        assertThat(PromQlMetricNames.isExported("execution_exchange_api_duration_seconds_count")).isTrue();
        assertThat(PromQlMetricNames.isExported("execution_orders_total")).isTrue();
        assertThat(PromQlMetricNames.isExported("jvm_gc_pause_seconds_sum")).isTrue();
        assertThat(PromQlMetricNames.isExported("up")).isTrue();

        assertThat(PromQlMetricNames.isExported("execution_orders")).isFalse();
        assertThat(PromQlMetricNames.isExported("execution_webhook_duration_seconds")).isFalse();
        assertThat(PromQlMetricNames.isExported("process_resident_memory_bytes")).isFalse();
        assertThat(PromQlMetricNames.isExported("http_requests_total")).isFalse();
    }
}
