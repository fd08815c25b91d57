package com.fks.execution.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * SIGTERM and SIGINT: the first starts the drain; a drain still running at the deadline, or a SIGINT after it (Ctrl-C
 * pressed again), ends the process at once. A repeated SIGTERM changes nothing: supervisors and test harnesses send
 * it again while waiting for a stop, and mean "stop", not "stop now".
 *
 * <p>Why: a drain is bounded by its own steps (requests, the engine, the servers), but a stop that hangs anyway (a
 * service under a JFR recording was once seen spinning in a Jetty thread after SIGTERM, never exiting:
 * docs/benchmarks.md) would otherwise keep the process alive until someone kills it, and Ctrl-C would do nothing
 * more. Ending without the drain is what a kill -9 does, which loses nothing accepted: the store has it, and the
 * next start (or another replica, once the leases expire) reconciles the open orders. The deadline is inside
 * Kubernetes' grace period (k8s/manifests/execution-service.yaml), so the log says why before the kubelet's SIGKILL
 * would say nothing.
 */
final class StopSignals {
    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);
    /** The drain takes at most ~30 s (REQUEST_DRAIN + ENGINE_DRAIN + the servers); the grace period leaves 40 s. */
    static final Duration DRAIN_DEADLINE = Duration.ofSeconds(35);

    private final Duration deadline;
    private final IntConsumer halt;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicBoolean signalled = new AtomicBoolean();

    /** @param halt ends the process with the given status, skipping shutdown hooks ({@code Runtime::halt}) */
    StopSignals(Duration deadline, IntConsumer halt) {
        this.deadline = deadline;
        this.halt = halt;
    }

    /**
     * A stop signal, by name ("TERM", "INT") and number. The first releases {@link #awaitFirst} and arms the
     * deadline; a later SIGINT halts with 128 + its number, as a shell reports a process ended by that signal.
     */
    void received(String name, int number) {
        if (signalled.compareAndSet(false, true)) {
            log.info("SIG{} received: draining (a SIGINT now, Ctrl-C again, stops at once; the drain is cut off after {} s)",
                    name, deadline.toSeconds());
            Thread watchdog = new Thread(this::haltAtDeadline, "stop-deadline");
            watchdog.setDaemon(true);
            watchdog.start();
            stop.countDown();
        } else if ("INT".equals(name)) {
            log.warn("SIGINT received again: stopping now, without finishing the drain; what was accepted is in the "
                    + "store, and the next start reconciles the open orders");
            halt.accept(128 + number);
        } else {
            log.info("SIG{} received again: still draining (cut off {} s after the first signal at the latest)", name,
                    deadline.toSeconds());
        }
    }

    void awaitFirst() throws InterruptedException {
        stop.await();
    }

    private void haltAtDeadline() {
        try {
            Thread.sleep(deadline.toMillis());
        } catch (InterruptedException e) {
            return;
        }
        log.error("the drain did not finish within {} s of the stop signal: stopping without it; what was accepted "
                + "is in the store, and the next start reconciles the open orders", deadline.toSeconds());
        halt.accept(1);
    }
}
