package com.fks.execution.app;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Checks an Authorization: Bearer header against ADMIN_TOKEN in constant time. */
final class BearerToken {
    private final byte[] expectedDigest;

    BearerToken(String token) {
        this.expectedDigest = token == null ? null : sha256(token);
    }

    boolean configured() {
        return expectedDigest != null;
    }

    boolean matches(String authorizationHeader) {
        if (expectedDigest == null || authorizationHeader == null) {
            return false;
        }
        String prefix = "Bearer ";
        if (!authorizationHeader.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        return MessageDigest.isEqual(expectedDigest, sha256(authorizationHeader.substring(prefix.length()).trim()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
