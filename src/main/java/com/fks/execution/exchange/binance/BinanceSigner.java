package com.fks.execution.exchange.binance;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Binance's SIGNED-request signature for HMAC keys: the lower-case hex HMAC-SHA256 of the exact parameter string
 * sent (query string followed by body), keyed with the API secret. The secret stays inside; {@link #toString()}
 * does not show it.
 */
public final class BinanceSigner {

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public BinanceSigner(String apiSecret) {
        if (apiSecret == null || apiSecret.isBlank()) {
            throw new IllegalArgumentException("the Binance API secret is empty");
        }
        this.key = new SecretKeySpec(apiSecret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** The signature of {@code payload}, the {@code k=v&...} string exactly as it goes on the wire. */
    public String sign(String payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "BinanceSigner[HmacSHA256]";
    }
}
