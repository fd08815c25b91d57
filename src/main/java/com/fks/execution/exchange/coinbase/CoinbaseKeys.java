package com.fks.execution.exchange.coinbase;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import java.io.ByteArrayOutputStream;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads a CDP API key secret (COINBASE_API_SECRET) into a JWS signer:
 * <ul>
 *   <li>EC P-256, "-----BEGIN EC PRIVATE KEY-----" (SEC1, as the CDP portal hands out ECDSA keys) or
 *       "-----BEGIN PRIVATE KEY-----" (PKCS#8): ES256, signed by nimbus-jose-jwt.</li>
 *   <li>Ed25519, "-----BEGIN PRIVATE KEY-----" (PKCS#8) or Coinbase's own form, base64 of 64 bytes (the 32-byte
 *       seed followed by the 32-byte public key, as the CDP SDKs read it): EdDSA, signed by the JDK.</li>
 * </ul>
 * Escaped newlines ("\n" typed into an environment variable) are accepted. No error message repeats the key.
 */
public final class CoinbaseKeys {

    /** A parsed key, ready to sign JWTs. */
    public record SigningKey(JWSAlgorithm algorithm, JWSSigner signer) {
        @Override
        public String toString() {
            return "SigningKey[" + algorithm + "]";
        }
    }

    private static final String EC_SEC1 = "EC PRIVATE KEY";
    private static final String PKCS8 = "PRIVATE KEY";
    /** id-ecPublicKey and prime256v1 (secp256r1), DER. */
    private static final byte[] EC_ALGORITHM_IDENTIFIER = {
        0x30, 0x13,
        0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01,
        0x06, 0x08, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x03, 0x01, 0x07};
    private static final byte[] P256_OID = {0x06, 0x08, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x03, 0x01, 0x07};

    private CoinbaseKeys() {
    }

    public static SigningKey parse(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("COINBASE_API_SECRET is empty");
        }
        String text = secret.trim().replace("\\n", "\n");
        try {
            if (text.contains("-----BEGIN " + EC_SEC1 + "-----")) {
                return es256(KeyFactory.getInstance("EC")
                        .generatePrivate(new PKCS8EncodedKeySpec(sec1ToPkcs8(pemBody(text, EC_SEC1)))));
            }
            if (text.contains("-----BEGIN " + PKCS8 + "-----")) {
                byte[] der = pemBody(text, PKCS8);
                try {
                    return es256(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der)));
                } catch (GeneralSecurityException notEc) {
                    return ed25519(KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der)));
                }
            }
            byte[] raw = Base64.getDecoder().decode(text.replaceAll("\\s", ""));
            if (raw.length == 64) {
                byte[] seed = Arrays.copyOf(raw, 32);
                PrivateKey key = KeyFactory.getInstance("Ed25519")
                        .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
                Arrays.fill(seed, (byte) 0);
                Arrays.fill(raw, (byte) 0);
                return ed25519(key);
            }
        } catch (GeneralSecurityException | IllegalArgumentException | JOSEException e) {
            throw new IllegalArgumentException("COINBASE_API_SECRET is not a readable EC P-256 or Ed25519 private key"
                    + " (" + e.getClass().getSimpleName() + ")");
        }
        throw new IllegalArgumentException("COINBASE_API_SECRET is neither a PEM private key nor a base64 Ed25519 key"
                + " of 64 bytes");
    }

    private static SigningKey es256(PrivateKey key) throws GeneralSecurityException, JOSEException {
        if (!(key instanceof ECPrivateKey ec) || !isP256(ec.getParams())) {
            throw new GeneralSecurityException("not a P-256 key");
        }
        return new SigningKey(JWSAlgorithm.ES256, new ECDSASigner(ec));
    }

    private static SigningKey ed25519(PrivateKey key) {
        return new SigningKey(JWSAlgorithm.EdDSA, new JdkEd25519Signer(key));
    }

    private static boolean isP256(ECParameterSpec params) throws GeneralSecurityException {
        AlgorithmParameters p256 = AlgorithmParameters.getInstance("EC");
        p256.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec expected = p256.getParameterSpec(ECParameterSpec.class);
        return expected.getOrder().equals(params.getOrder())
                && expected.getGenerator().equals(params.getGenerator())
                && expected.getCurve().equals(params.getCurve());
    }

    private static byte[] pemBody(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end, from);
        if (from < 0 || to < 0) {
            throw new IllegalArgumentException("incomplete PEM block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }

    /**
     * Wraps a SEC1 ECPrivateKey (RFC 5915) in a PKCS#8 PrivateKeyInfo for P-256 (RFC 5208), which the JDK reads.
     * A SEC1 key that names another curve in its parameters is refused rather than misread as P-256.
     */
    static byte[] sec1ToPkcs8(byte[] sec1) {
        if (sec1.length < 2 || sec1[0] != 0x30) {
            throw new IllegalArgumentException("not a DER SEC1 key");
        }
        checkSec1Curve(sec1);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(new byte[] {0x02, 0x01, 0x00});
        info.writeBytes(EC_ALGORITHM_IDENTIFIER);
        info.write(0x04);
        info.writeBytes(derLength(sec1.length));
        info.writeBytes(sec1);
        byte[] content = info.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(derLength(content.length));
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, [0] parameters OPTIONAL, ... } */
    private static void checkSec1Curve(byte[] der) {
        int[] at = {0};
        expectTag(der, at, 0x30);
        readLength(der, at);
        expectTag(der, at, 0x02);
        int versionLength = readLength(der, at);
        at[0] += versionLength;
        expectTag(der, at, 0x04);
        int keyLength = readLength(der, at);
        if (keyLength != 32) {
            throw new IllegalArgumentException("SEC1 key is not a 256-bit key");
        }
        at[0] += keyLength;
        if (at[0] < der.length && (der[at[0]] & 0xFF) == 0xA0) {
            at[0]++;
            int paramsLength = readLength(der, at);
            byte[] params = Arrays.copyOfRange(der, at[0], at[0] + paramsLength);
            if (!Arrays.equals(params, P256_OID)) {
                throw new IllegalArgumentException("SEC1 key is not on P-256");
            }
        }
    }

    private static void expectTag(byte[] der, int[] at, int tag) {
        if (at[0] >= der.length || (der[at[0]] & 0xFF) != tag) {
            throw new IllegalArgumentException("malformed SEC1 key");
        }
        at[0]++;
    }

    private static int readLength(byte[] der, int[] at) {
        if (at[0] >= der.length) {
            throw new IllegalArgumentException("malformed SEC1 key");
        }
        int first = der[at[0]++] & 0xFF;
        if (first < 0x80) {
            return first;
        }
        int bytes = first & 0x7F;
        if (bytes > 2 || at[0] + bytes > der.length) {
            throw new IllegalArgumentException("malformed SEC1 key");
        }
        int length = 0;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (der[at[0]++] & 0xFF);
        }
        return length;
    }

    private static byte[] derLength(int length) {
        if (length < 0x80) {
            return new byte[] {(byte) length};
        }
        if (length < 0x100) {
            return new byte[] {(byte) 0x81, (byte) length};
        }
        return new byte[] {(byte) 0x82, (byte) (length >> 8), (byte) length};
    }
}
