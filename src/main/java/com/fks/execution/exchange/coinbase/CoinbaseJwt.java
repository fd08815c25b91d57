package com.fks.execution.exchange.coinbase;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

/**
 * The per-request JWT of Coinbase Advanced Trade (CDP "JWT Authentication", "Coinbase App API Key
 * Authentication"): header {@code alg} (ES256 or EdDSA), {@code kid} = key name, {@code typ} = JWT, a random
 * {@code nonce}; claims {@code iss} = "cdp", {@code sub} = key name, {@code nbf} = now, {@code exp} = now + 120 s,
 * {@code uri} = "METHOD host/path" (the path without its query string).
 */
final class CoinbaseJwt {

    private final String keyName;
    private final CoinbaseKeys.SigningKey key;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    CoinbaseJwt(String keyName, CoinbaseKeys.SigningKey key, Clock clock) {
        this.keyName = keyName;
        this.key = key;
        this.clock = clock;
    }

    String forRequest(String method, String host, String path) throws JOSEException {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        JWSHeader header = new JWSHeader.Builder(key.algorithm())
                .keyID(keyName)
                .type(JOSEObjectType.JWT)
                .customParam("nonce", HexFormat.of().formatHex(nonce))
                .build();
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("cdp")
                .subject(keyName)
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(CoinbaseLimits.JWT_LIFETIME)))
                .claim("uri", method + " " + host + path)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(key.signer());
        return jwt.serialize();
    }
}
