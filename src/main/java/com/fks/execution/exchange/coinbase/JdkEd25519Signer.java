package com.fks.execution.exchange.coinbase;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Set;

/**
 * EdDSA (Ed25519) JWS signing with the JDK's own Ed25519 (JDK 15+). nimbus-jose-jwt's Ed25519Signer needs
 * Google Tink on the class path; the JDK does the same RFC 8032 signature without another dependency.
 */
final class JdkEd25519Signer implements JWSSigner {

    private final PrivateKey key;
    private final JCAContext context = new JCAContext();

    JdkEd25519Signer(PrivateKey key) {
        this.key = key;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
            throw new JOSEException("this signer makes EdDSA signatures only");
        }
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(key);
            ed25519.update(signingInput);
            return Base64URL.encode(ed25519.sign());
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 signing failed", e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
        return context;
    }

    @Override
    public String toString() {
        return "JdkEd25519Signer";
    }
}
