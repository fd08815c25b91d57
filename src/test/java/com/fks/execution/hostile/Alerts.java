package com.fks.execution.hostile;

/** Small, valid alert bodies for the security tests (one order each, well inside every limit). */
final class Alerts {
    private Alerts() {
    }

    /** A market buy of 0.001 BTCUSDT at 65,000 with the given id and secret field (null: no secret field). */
    static String valid(String id, String secret) {
        return "{" + (secret == null ? "" : "\"secret\":\"" + secret + "\",") + "\"id\":\"" + id
                + "\",\"symbol\":\"BINANCE:BTCUSDT\",\"action\":\"buy\",\"quantity\":0.001,\"price\":65000,"
                + "\"confidence\":0.9,\"timestamp\":" + System.currentTimeMillis() + ",\"rsi\":NaN}";
    }
}
