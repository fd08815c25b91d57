package com.fks.execution.intake;

import java.util.UUID;

/** Order ids and the client order ids derived from them (fixed before the first attempt). */
public final class OrderIds {
    private OrderIds() {
    }

    public static String newOrderId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** 35 characters from Binance's allowed set ^[.A-Z:/a-z0-9_-]{1,36}$, also valid for Coinbase. */
    public static String clientOrderId(String orderId) {
        return "fks" + orderId;
    }
}
