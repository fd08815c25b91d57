package com.fks.execution.app;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

final class StopSignalsTest {
    private final List<Integer> halts = new CopyOnWriteArrayList<>();

    @Test
    void shouldStartTheDrainOnTheFirstSignalAndHaltOnASecondSigint() throws Exception {
        StopSignals signals = new StopSignals(Duration.ofMinutes(5), halts::add);
        Thread drain = new Thread(() -> {
            try {
                signals.awaitFirst();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        drain.start();

        signals.received("TERM", 15);
        drain.join(TimeUnit.SECONDS.toMillis(5));

        assertThat(drain.isAlive()).as("the drain waits for the first signal only").isFalse();
        assertThat(halts).isEmpty();
        signals.received("INT", 2);
        assertThat(halts).containsExactly(130);
    }

    @Test
    void shouldKeepDrainingOnARepeatedSigterm() {
        StopSignals signals = new StopSignals(Duration.ofMinutes(5), halts::add);

        signals.received("TERM", 15);
        signals.received("TERM", 15);

        assertThat(halts).isEmpty();
    }

    @Test
    void shouldHaltWhenTheDrainIsStillRunningAtTheDeadline() {
        StopSignals signals = new StopSignals(Duration.ofMillis(300), halts::add);
        long signalled = System.nanoTime();

        signals.received("TERM", 15);

        await().atMost(Duration.ofSeconds(5)).until(() -> !halts.isEmpty());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled)).isGreaterThanOrEqualTo(300);
        assertThat(halts).containsExactly(1);
    }

    @Test
    void shouldNotHaltBeforeAnySignal() throws Exception {
        new StopSignals(Duration.ofMillis(50), halts::add);

        Thread.sleep(300);

        assertThat(halts).isEmpty();
    }
}
