package com.fks.execution.testsupport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;

/** Alert bodies as TradingView would send them, and their signatures. */
public final class Alerts {
    private Alerts() {
    }

    public static String uniqueId() {
        return "t-" + UUID.randomUUID();
    }

    /** A valid market buy of 0.001 BTCUSDT at 65000 with the body secret. */
    public static String valid(String id) {
        return "{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\"" + id + "\",\"symbol\":\"BINANCE:BTCUSDT\","
                + "\"action\":\"buy\",\"quantity\":0.001,\"price\":65000,\"timestamp\":" + System.currentTimeMillis() + "}";
    }

    /** The same alert without a secret, for the signature header. */
    public static String unsigned(String id) {
        return "{\"id\":\"" + id + "\",\"symbol\":\"BTCUSDT\",\"action\":\"sell\",\"quantity\":0.5,\"price\":3000}";
    }

    public static String signature(String body) {
        return signature(body, ServiceProcess.SECRET);
    }

    public static String signature(String body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
