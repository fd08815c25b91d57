package com.fks.execution.signing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The webhook's HMAC signature, {@code X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>}: what a
 * sender (the traffic generator, the curl example) computes and what the service's authenticator recomputes.
 * Kept apart from both, so a client signs without depending on the server.
 */
public final class WebhookSignature {
    public static final String HEADER = "X-Webhook-Signature";
    public static final String PREFIX = "sha256=";

    private final SecretKeySpec key;

    public WebhookSignature(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** HMAC-SHA256 of the raw body with the secret. */
    public byte[] hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The header's value for this body: {@code sha256=} and the HMAC in lower-case hex. */
    public String headerValue(byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(body));
    }
}
