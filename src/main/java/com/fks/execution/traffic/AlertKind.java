package com.fks.execution.traffic;

import java.util.Locale;

/**
 * What the generator sends, and the answer the service owes each kind. {@link #VALID} alerts and the strategy
 * kinds may trade; every other kind must be refused (or, for a duplicate, answered with the first alert's order id).
 */
public enum AlertKind {
    /** A realistic signed alert; 202, or 200 ignored when its confidence is below MIN_CONFIDENCE. */
    VALID,
    /** A wrong secret field, or the HMAC of another body: 401 authentication_failed. */
    BAD_SIGNATURE,
    /** Correctly signed but a day old: 422 timestamp_too_old. */
    REPLAY,
    /** The exact bytes of an alert that already got a 202: 200 duplicate with the same order id. */
    DUPLICATE,
    /** A valid alert cut short: 400 malformed_json. */
    MALFORMED,
    /**
     * A strategy's entry: a market buy with a stop-loss and a take-profit, for a strategy of its own (so its exit
     * closes exactly this position), as a strategy template renders it ({@code sentiment} long): 202.
     */
    STRATEGY_ENTRY,
    /**
     * The exit of an earlier strategy entry that got a 202, each entry exited once: a sell with {@code sentiment}
     * flat and the template's same protection fields (ignored on an exit): 202, or 200 ignored no_position when the
     * entry has not filled by then. Sent as an entry when no accepted entry is waiting for its exit.
     */
    STRATEGY_EXIT,
    /** A cancel of the service's open orders in a symbol: 202. */
    CANCEL;

    /** The name used in --mix and in the --out file. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static AlertKind fromLabel(String label) {
        for (AlertKind kind : values()) {
            if (kind.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown alert kind '" + label + "'; use bad-signature, replay, duplicate, malformed, strategy-entry, strategy-exit or cancel");
    }
}
