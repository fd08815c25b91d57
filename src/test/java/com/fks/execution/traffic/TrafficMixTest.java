package com.fks.execution.traffic;

import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

final class TrafficMixTest {
    @Test
    void shouldDrawEachKindAtItsShare() {
        TrafficMix mix = TrafficMix.parse("bad-signature=0.05,replay=0.1,duplicate=0.05,malformed=0.2");
        Map<AlertKind, Integer> counts = new EnumMap<>(AlertKind.class);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 100_000; i++) {
            counts.merge(mix.pick(random), 1, Integer::sum);
        }
        assertThat(counts.get(AlertKind.BAD_SIGNATURE) / 1e5).isCloseTo(0.05, within(0.005));
        assertThat(counts.get(AlertKind.REPLAY) / 1e5).isCloseTo(0.10, within(0.005));
        assertThat(counts.get(AlertKind.MALFORMED) / 1e5).isCloseTo(0.20, within(0.005));
        assertThat(counts.get(AlertKind.VALID) / 1e5).isCloseTo(0.60, within(0.005));
    }

    @Test
    void shouldRefuseUnknownKindsBadSharesAndTotalsAboveOne() {
        assertThatThrownBy(() -> TrafficMix.parse("typo=0.1")).hasMessageContaining("unknown alert kind");
        assertThatThrownBy(() -> TrafficMix.parse("replay=x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> TrafficMix.parse("replay=-0.1")).hasMessageContaining("from 0 to 1");
        assertThatThrownBy(() -> TrafficMix.parse("replay=0.6,malformed=0.6")).hasMessageContaining("more than 1");
        assertThatThrownBy(() -> TrafficMix.parse("valid=0.5")).hasMessageContaining("remainder");
        assertThat(TrafficMix.parse("").pick(new SplittableRandom(1))).isEqualTo(AlertKind.VALID);
    }

    @Test
    void shouldParseTheStrategyKinds() {
        // when
        TrafficMix mix = TrafficMix.parse("strategy-entry=0.3, Strategy-Exit=0.2,cancel=0.1");
        Map<AlertKind, Integer> counts = new EnumMap<>(AlertKind.class);
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 100_000; i++) {
            counts.merge(mix.pick(random), 1, Integer::sum);
        }

        // then
        assertThat(mix.shares()).containsOnlyKeys(AlertKind.STRATEGY_ENTRY, AlertKind.STRATEGY_EXIT, AlertKind.CANCEL);
        assertThat(counts.get(AlertKind.STRATEGY_ENTRY) / 1e5).isCloseTo(0.3, within(0.005));
        assertThat(counts.get(AlertKind.STRATEGY_EXIT) / 1e5).isCloseTo(0.2, within(0.005));
        assertThat(counts.get(AlertKind.CANCEL) / 1e5).isCloseTo(0.1, within(0.005));
        assertThat(AlertKind.STRATEGY_EXIT.label()).isEqualTo("strategy-exit");
    }
}
