package com.fks.execution.ratelimit;

import java.util.OptionalInt;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Each replica's part of RATE_LIMIT_REQUESTS while the replicas cannot share counters (Redis down): the limit
 * divided by the replicas the shared store says are alive, so the replicas together stay at the limit as the
 * autoscaler adds or removes them; divided by RATE_LIMIT_REPLICAS only while the store cannot say.
 * Rounded down, at least one.
 */
public final class LocalShare implements IntSupplier {
    private final int requests;
    private final int configuredReplicas;
    private final Supplier<OptionalInt> liveReplicas;

    public LocalShare(int requests, int configuredReplicas, Supplier<OptionalInt> liveReplicas) {
        this.requests = requests;
        this.configuredReplicas = configuredReplicas;
        this.liveReplicas = liveReplicas;
    }

    @Override
    public int getAsInt() {
        return share(requests, liveReplicas.get().orElse(configuredReplicas));
    }

    /** For the log line that announces the fallback: the share and where its divisor comes from. */
    String describe() {
        OptionalInt live = liveReplicas.get();
        if (live.isPresent()) {
            return share(requests, live.getAsInt()) + " per window (RATE_LIMIT_REQUESTS " + requests + " / "
                    + live.getAsInt() + " live replicas)";
        }
        return share(requests, configuredReplicas) + " per window (RATE_LIMIT_REQUESTS " + requests
                + " / RATE_LIMIT_REPLICAS " + configuredReplicas + ": the live replica count is unknown)";
    }

    static int share(int requests, int replicas) {
        return Math.max(1, requests / Math.max(1, replicas));
    }
}
