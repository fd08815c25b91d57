package com.fks.execution.exchange.coinbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fks.execution.testexchange.TestKeys;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;

final class CoinbaseKeysTest {

    private static final byte[] INPUT = "header.payload".getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldReadTheSameEcKeyFromSec1AndPkcs8Pem() throws Exception {
        ECPublicKey publicKey = (ECPublicKey) TestKeys.ecPublicKeyPem(TestKeys.resource("coinbase-test-ec-public.pem"));
        JWSHeader header = new JWSHeader(JWSAlgorithm.ES256);

        for (String file : new String[] {"coinbase-test-ec-sec1.pem", "coinbase-test-ec-pkcs8.pem"}) {
            CoinbaseKeys.SigningKey key = CoinbaseKeys.parse(TestKeys.resource(file));
            Base64URL signature = key.signer().sign(header, INPUT);

            assertThat(key.algorithm()).isEqualTo(JWSAlgorithm.ES256);
            assertThat(new ECDSAVerifier(publicKey).verify(header, INPUT, signature)).as(file).isTrue();
        }
    }

    @Test
    void shouldAcceptEscapedNewlinesAsTypedIntoAnEnvironmentVariable() {
        String escaped = TestKeys.resource("coinbase-test-ec-sec1.pem").replace("\n", "\\n");

        assertThat(CoinbaseKeys.parse(escaped).algorithm()).isEqualTo(JWSAlgorithm.ES256);
    }

    @Test
    void shouldReadCoinbasesBase64Ed25519SecretAsTheSameKey() throws Exception {
        KeyPair pair = TestKeys.ed25519();
        CoinbaseKeys.SigningKey key = CoinbaseKeys.parse(TestKeys.coinbaseEd25519Secret(pair));

        Base64URL signature = key.signer().sign(new JWSHeader(JWSAlgorithm.EdDSA), INPUT);
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(pair.getPublic());
        verifier.update(INPUT);

        assertThat(key.algorithm()).isEqualTo(JWSAlgorithm.EdDSA);
        assertThat(verifier.verify(signature.decode())).isTrue();
    }

    @Test
    void shouldRefuseAnEcKeyOnAnotherCurve() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> CoinbaseKeys.parse(TestKeys.resource("coinbase-test-ec-p384-sec1.pem")));

        assertThat(e).hasMessageContaining("COINBASE_API_SECRET");
    }

    @Test
    void shouldRefuseGarbageWithoutRepeatingIt() {
        String secret = "this-is-not-a-key-but-it-is-secret";

        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> CoinbaseKeys.parse(secret));

        assertThat(e.getMessage()).doesNotContain(secret);
    }
}
