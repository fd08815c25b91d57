package com.fks.execution.intake;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;

/** Order ids and the client order ids derived from them (fixed before the first attempt). */
public final class OrderIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private OrderIds() {
    }

    /**
     * 32 hex characters: 12 of the time in milliseconds, 20 random. Time first so new orders land at the end
     * of the store's indexes (one page touched per group of inserts, not one random page per insert) and so
     * ids sort by arrival; 80 random bits keep them unguessable and unique across replicas.
     */
    public static String newOrderId() {
        return newOrderId(System.currentTimeMillis());
    }

    /**
     * An order id that begins with {@code receivedMillis}, the order's receipt time: the embedded store then lists
     * orders by time from their ids alone, with no index beside them.
     */
    public static String newOrderId(long receivedMillis) {
        return orderId(receivedMillis, RANDOM);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int TIME_DIGITS = 12;
    private static final int RANDOM_BYTES = 10;

    /** Written into one char array: String.format cost every webhook a Formatter and its parse of "%012x". */
    static String orderId(long millis, Random random) {
        if (millis >>> (4 * TIME_DIGITS) != 0) {
            // Not before the year 10889; kept so an id never silently drops digits of its time.
            byte[] bytes = new byte[RANDOM_BYTES];
            random.nextBytes(bytes);
            return String.format("%012x", millis) + HexFormat.of().formatHex(bytes);
        }
        char[] id = new char[TIME_DIGITS + 2 * RANDOM_BYTES];
        for (int i = TIME_DIGITS - 1; i >= 0; i--) {
            id[i] = HEX[(int) (millis & 0xf)];
            millis >>>= 4;
        }
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        for (int i = 0; i < RANDOM_BYTES; i++) {
            id[TIME_DIGITS + 2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            id[TIME_DIGITS + 2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(id);
    }

    /** 35 characters from Binance's allowed set ^[.A-Z:/a-z0-9_-]{1,36}$, also valid for Coinbase. */
    public static String clientOrderId(String orderId) {
        return "fks" + orderId;
    }
}
