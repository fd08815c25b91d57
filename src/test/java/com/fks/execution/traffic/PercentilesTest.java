package com.fks.execution.traffic;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

final class PercentilesTest {
    @Test
    void shouldUseNearestRank() {
        long[] values = new long[100];
        for (int i = 0; i < 100; i++) {
            values[i] = 100 - i; // 100..1, unsorted
        }
        Percentiles p = Percentiles.of(values, 100);
        assertThat(p.at(0.50)).isEqualTo(50);
        assertThat(p.at(0.90)).isEqualTo(90);
        assertThat(p.at(0.99)).isEqualTo(99);
        assertThat(p.max()).isEqualTo(100);
    }

    @Test
    void shouldHandleEmptyAndSingleSamples() {
        assertThat(Percentiles.of(new long[0], 0).at(0.99)).isZero();
        assertThat(Percentiles.of(new long[] {7}, 1).at(0.5)).isEqualTo(7);
        assertThat(Percentiles.of(new long[] {7, 9, 0}, 2).max()).isEqualTo(9);
    }
}
