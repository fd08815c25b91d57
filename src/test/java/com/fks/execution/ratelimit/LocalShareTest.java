package com.fks.execution.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

final class LocalShareTest {

    @Test
    void shouldDivideTheLimitByTheLiveReplicas() {
        LocalShare share = new LocalShare(100, 2, () -> OptionalInt.of(10));

        assertThat(share.getAsInt()).isEqualTo(10);
        assertThat(share.describe()).isEqualTo("10 per window (RATE_LIMIT_REQUESTS 100 / 10 live replicas)");
    }

    @Test
    void shouldFollowTheCountAsItChanges() {
        AtomicReference<OptionalInt> live = new AtomicReference<>(OptionalInt.of(3));
        LocalShare share = new LocalShare(30, 2, live::get);
        int atThree = share.getAsInt();

        live.set(OptionalInt.of(5));

        assertThat(atThree).isEqualTo(10);
        assertThat(share.getAsInt()).isEqualTo(6);
    }

    @Test
    void shouldUseTheConfiguredReplicasWhileTheCountIsUnknown() {
        LocalShare share = new LocalShare(100, 4, OptionalInt::empty);

        assertThat(share.getAsInt()).isEqualTo(25);
        assertThat(share.describe()).contains("RATE_LIMIT_REPLICAS 4", "unknown");
    }

    @Test
    void shouldRoundDownAndAllowAtLeastOne() {
        assertThat(new LocalShare(20, 2, () -> OptionalInt.of(3)).getAsInt()).isEqualTo(6);
        assertThat(new LocalShare(3, 2, () -> OptionalInt.of(10)).getAsInt()).isEqualTo(1);
        assertThat(new LocalShare(3, 2, () -> OptionalInt.of(0)).getAsInt()).isEqualTo(3);
    }
}
