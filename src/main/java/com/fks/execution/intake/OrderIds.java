package com.fks.execution.intake;

import java.security.SecureRandom;
import java.util.HexFormat;

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
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        return String.format("%012x", System.currentTimeMillis()) + HexFormat.of().formatHex(random);
    }

    /** 35 characters from Binance's allowed set ^[.A-Z:/a-z0-9_-]{1,36}$, also valid for Coinbase. */
    public static String clientOrderId(String orderId) {
        return "fks" + orderId;
    }
}
