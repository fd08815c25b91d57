package com.fks.execution.risk;

import com.fks.execution.order.OrderStore;
import com.fks.execution.order.StoreUnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Halts all trading: intake refuses alerts and the engine sends nothing. Kept in the store, so it survives
 * a restart and holds for every replica (each re-reads it at most {@link #REFRESH} after a change).
 */
public final class KillSwitch {
    static final String STATE_NAME = "trading_halted";
    static final Duration REFRESH = Duration.ofSeconds(2);

    private final OrderStore store;
    private final Clock clock;
    /** Until the store has been read the state is unknown, and unknown counts as halted. */
    private volatile boolean halted = true;
    private volatile Instant readAt = Instant.MIN;

    /** Reads the store at the first {@link #isHalted}, not here: the store may still be opening. */
    public KillSwitch(OrderStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public boolean isHalted() {
        if (clock.instant().isAfter(readAt.plus(REFRESH))) {
            try {
                refresh();
            } catch (StoreUnavailableException e) {
                // Keep the last known state and do not ask again before the next refresh: during an outage
                // every webhook would otherwise wait for the store here before failing to record.
                readAt = clock.instant();
            }
        }
        return halted;
    }

    public void halt() {
        set(true);
    }

    public void resume() {
        set(false);
    }

    private void set(boolean value) {
        store.setState(STATE_NAME, Boolean.toString(value), clock.instant());
        halted = value;
        readAt = clock.instant();
    }

    private void refresh() {
        halted = store.state(STATE_NAME).map(Boolean::parseBoolean).orElse(false);
        readAt = clock.instant();
    }
}
