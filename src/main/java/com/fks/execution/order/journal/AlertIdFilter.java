package com.fks.execution.order.journal;

import java.time.Duration;
import java.time.Instant;

/**
 * Answers "certainly not seen" for most new alert ids without reading the view: two Bloom filters of a fixed
 * size, one per de-duplication window, the older dropped when a new window starts. Memory stays the same
 * whatever the day's volume; past the volume it is sized for, it answers "maybe" more often and the view is
 * read more often, never wrongly. A "maybe" is settled by the view (or the ids not yet projected).
 */
final class AlertIdFilter {
    /** 2^24 bits = 2 MiB per window: about 1 % false positives at 1.7 million ids a day. */
    private static final int BITS_LOG2 = 24;
    private static final int HASHES = 7;

    private final Duration window;
    private volatile long[] current = new long[1 << (BITS_LOG2 - 6)];
    private volatile long[] previous = new long[1 << (BITS_LOG2 - 6)];
    private volatile Instant currentSince;

    AlertIdFilter(Duration window, Instant now) {
        this.window = window;
        this.currentSince = now;
    }

    /** Called by the one writer thread only. */
    void add(String alertId, Instant now) {
        rotateIfDue(now);
        set(current, alertId);
    }

    boolean mightContain(String alertId, Instant now) {
        rotateIfDue(now);
        return test(current, alertId) || test(previous, alertId);
    }

    private void rotateIfDue(Instant now) {
        if (now.isAfter(currentSince.plus(window))) {
            previous = current;
            current = new long[current.length];
            currentSince = now;
        }
    }

    private static void set(long[] bits, String id) {
        probe(bits, id, true);
    }

    private static boolean test(long[] bits, String id) {
        return probe(bits, id, false);
    }

    /** Visits the id's bits: sets them, or answers whether all are set. */
    private static boolean probe(long[] bits, String id, boolean set) {
        long hash = hash(id);
        int h1 = (int) hash;
        int h2 = (int) (hash >>> 32);
        int mask = (1 << BITS_LOG2) - 1;
        for (int i = 0; i < HASHES; i++) {
            int bit = (h1 + i * h2) & mask;
            if (set) {
                bits[bit >>> 6] |= 1L << (bit & 63);
            } else if ((bits[bit >>> 6] & (1L << (bit & 63))) == 0) {
                return false;
            }
        }
        return true;
    }

    /** FNV-1a over the characters, then a 64-bit finaliser so both halves are well mixed. */
    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h | 1L << 32; // h2 odd-ish and non-zero, so the probes differ
    }
}
