package com.fks.execution.traffic;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Shares of each bad kind among the alerts sent, e.g. {@code bad-signature=0.05,replay=0.05}; the rest are
 * valid. Parsed once, so a typo stops the run before anything is sent.
 */
public final class TrafficMix {
    private final Map<AlertKind, Double> shares;

    private TrafficMix(Map<AlertKind, Double> shares) {
        this.shares = shares;
    }

    public static TrafficMix allValid() {
        return new TrafficMix(new EnumMap<>(AlertKind.class));
    }

    /** Parses {@code kind=share,...}; shares are 0..1 and together at most 1. */
    public static TrafficMix parse(String text) {
        Map<AlertKind, Double> shares = new EnumMap<>(AlertKind.class);
        if (text == null || text.isBlank()) {
            return new TrafficMix(shares);
        }
        double total = 0;
        for (String part : text.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("--mix: expected kind=share, got '" + part.trim() + "'");
            }
            AlertKind kind = AlertKind.fromLabel(kv[0]);
            if (kind == AlertKind.VALID) {
                throw new IllegalArgumentException("--mix: valid is the remainder, do not list it");
            }
            double share;
            try {
                share = Double.parseDouble(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--mix: share of " + kind.label() + " is not a number: " + kv[1].trim());
            }
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("--mix: share of " + kind.label() + " must be from 0 to 1");
            }
            shares.merge(kind, share, Double::sum);
            total += share;
        }
        if (total > 1 + 1e-9) {
            throw new IllegalArgumentException("--mix: shares add up to " + total + ", more than 1");
        }
        return new TrafficMix(shares);
    }

    /** The kind of one alert, drawn from its own random source so a seed reproduces the whole run. */
    public AlertKind pick(SplittableRandom random) {
        double draw = random.nextDouble();
        double cumulative = 0;
        for (Map.Entry<AlertKind, Double> e : shares.entrySet()) {
            cumulative += e.getValue();
            if (draw < cumulative) {
                return e.getKey();
            }
        }
        return AlertKind.VALID;
    }

    public Map<AlertKind, Double> shares() {
        return Map.copyOf(shares);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        shares.forEach((k, v) -> s.append(s.length() == 0 ? "" : ",").append(k.label()).append('=').append(v));
        return s.length() == 0 ? "all valid" : s.toString();
    }
}
