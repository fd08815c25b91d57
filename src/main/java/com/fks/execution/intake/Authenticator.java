package com.fks.execution.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fks.execution.signing.WebhookSignature;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Checks the shared secret (field {@code secret}) or the HMAC header
 * {@code X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>}. Either one valid authenticates.
 * Comparisons are constant-time over equal-length digests, so neither content nor length leaks by timing.
 */
public final class Authenticator {

    /** Why authentication failed; logged (never the values), answered to the client only as one code. */
    public enum Failure { NO_CREDENTIALS, WRONG_SECRET, BAD_SIGNATURE }

    private final byte[] secretDigest;
    private final WebhookSignature signature;

    public Authenticator(String secret) {
        this.secretDigest = sha256(secret.getBytes(StandardCharsets.UTF_8));
        this.signature = new WebhookSignature(secret);
    }

    /** Null when authenticated, else why not. */
    public Failure check(ObjectNode alert, byte[] rawBody, String signatureHeader) {
        boolean signatureGiven = signatureHeader != null && !signatureHeader.isBlank();
        if (signatureGiven && signatureMatches(rawBody, signatureHeader.trim())) {
            return null;
        }
        JsonNode secret = alert.get("secret");
        boolean secretGiven = secret != null && secret.isTextual();
        if (secretGiven && MessageDigest.isEqual(secretDigest, sha256(secret.textValue().getBytes(StandardCharsets.UTF_8)))) {
            return null;
        }
        if (signatureGiven) {
            return Failure.BAD_SIGNATURE;
        }
        return secretGiven ? Failure.WRONG_SECRET : Failure.NO_CREDENTIALS;
    }

    private boolean signatureMatches(byte[] rawBody, String header) {
        if (!header.regionMatches(true, 0, WebhookSignature.PREFIX, 0, WebhookSignature.PREFIX.length())) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.substring(WebhookSignature.PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sha256(signature.hmac(rawBody)), sha256(given));
    }

    /*
     * One digest per thread, reused: a new one for every webhook cost a provider lookup and the digest's own
     * buffers (most of what a secret check allocated). digest() resets it, so no state passes between calls.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    });

    private static byte[] sha256(byte[] data) {
        return SHA_256.get().digest(data);
    }
}
