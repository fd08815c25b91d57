package com.fks.execution.testexchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/** Throwaway key material for tests: fresh key pairs, and the openssl-made keys under src/test/resources. */
public final class TestKeys {

    private TestKeys() {
    }

    public static KeyPair ecP256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "-----BEGIN PRIVATE KEY-----" (PKCS#8) of a JDK private key. */
    public static String pkcs8Pem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    /** Coinbase's form of an Ed25519 secret: base64 of the 32-byte seed followed by the 32-byte public key. */
    public static String coinbaseEd25519Secret(KeyPair pair) {
        byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
        byte[] x509 = pair.getPublic().getEncoded();
        byte[] raw = Arrays.copyOf(seed, 64);
        System.arraycopy(x509, x509.length - 32, raw, 32, 32);
        return Base64.getEncoder().encodeToString(raw);
    }

    /** A file under src/test/resources/testexchange. */
    public static String resource(String name) {
        try (InputStream in = TestKeys.class.getResourceAsStream("/testexchange/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A "-----BEGIN PUBLIC KEY-----" EC public key. */
    public static PublicKey ecPublicKeyPem(String pem) {
        String body = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "");
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder()
                    .decode(body)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
