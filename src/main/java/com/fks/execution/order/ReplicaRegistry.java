package com.fks.execution.order;

import java.util.OptionalInt;

/**
 * Which replicas are alive, as the shared store knows it: each replica says it is alive every few seconds
 * (also when it executes nothing, so it holds no order lease to show it) and takes its name off on drain.
 *
 * <p>Lifecycle: {@link #start()} once the store is open; {@link #close()} when the replica stops taking
 * webhooks; close is idempotent and never throws.
 */
public interface ReplicaRegistry extends AutoCloseable {

    /** Says this replica is alive, now and from then on. */
    void start();

    /**
     * The live replicas, this one included, as last read from the store; empty when the store could not say
     * lately (unreachable, or not started). Never waits on the store.
     */
    OptionalInt liveReplicas();

    /** Takes this replica off the list (it no longer counts for the others) and stops saying it is alive. */
    @Override
    void close();

    /** The embedded store belongs to one process: that one is the only replica. */
    static ReplicaRegistry singleProcess() {
        return new ReplicaRegistry() {
            @Override
            public void start() {
            }

            @Override
            public OptionalInt liveReplicas() {
                return OptionalInt.of(1);
            }

            @Override
            public void close() {
            }
        };
    }
}
