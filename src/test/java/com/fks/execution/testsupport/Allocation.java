package com.fks.execution.testsupport;

import java.lang.management.ManagementFactory;

/**
 * Bytes the current thread allocates per call of an action, once it is warm (the JIT has compiled it). Read from
 * the JVM's per-thread allocation counter, so it counts what the code allocates, not what a sampler happened to see.
 */
public final class Allocation {
    private static final int WARM_UP_CALLS = 50_000;
    private static final int MEASURED_CALLS = 20_000;

    private Allocation() {
    }

    public static double bytesPerCall(Runnable action) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            action.run();
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < MEASURED_CALLS; i++) {
            action.run();
        }
        long after = threads.getCurrentThreadAllocatedBytes();
        return (after - before) / (double) MEASURED_CALLS;
    }
}
