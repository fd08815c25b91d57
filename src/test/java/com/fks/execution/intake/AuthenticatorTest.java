package com.fks.execution.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fks.execution.signing.WebhookSignature;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

final class AuthenticatorTest {
    private static final String SECRET = "correct-horse-battery-staple";

    private final Authenticator authenticator = new Authenticator(SECRET);
    private final AlertParser parser = new AlertParser();

    @Test
    void shouldAcceptTheRightSecretInTheBody() throws Exception {
        // given
        byte[] body = bytes("{\"secret\":\"" + SECRET + "\",\"symbol\":\"BTCUSDT\"}");

        // when / then
        assertThat(authenticator.check(parser.parse(body), body, null)).isNull();
    }

    @Test
    void shouldRefuseAWrongSecret() throws Exception {
        // given
        byte[] body = bytes("{\"secret\":\"correct-horse-battery-stapler\",\"symbol\":\"BTCUSDT\"}");

        // when / then
        assertThat(authenticator.check(parser.parse(body), body, null)).isEqualTo(Authenticator.Failure.WRONG_SECRET);
    }

    @Test
    void shouldRefuseASecretOfADifferentLength() throws Exception {
        // given: a prefix of the right secret, and the right secret with more after it
        byte[] shorter = bytes("{\"secret\":\"correct\"}");
        byte[] longer = bytes("{\"secret\":\"" + SECRET + SECRET + "\"}");

        // when / then
        assertThat(authenticator.check(parser.parse(shorter), shorter, null)).isEqualTo(Authenticator.Failure.WRONG_SECRET);
        assertThat(authenticator.check(parser.parse(longer), longer, null)).isEqualTo(Authenticator.Failure.WRONG_SECRET);
    }

    @Test
    void shouldRefuseASecretThatDiffersOnlyInCaseOrWhitespace() throws Exception {
        // given
        byte[] upper = bytes("{\"secret\":\"" + SECRET.toUpperCase() + "\"}");
        byte[] padded = bytes("{\"secret\":\" " + SECRET + "\"}");

        // when / then
        assertThat(authenticator.check(parser.parse(upper), upper, null)).isEqualTo(Authenticator.Failure.WRONG_SECRET);
        assertThat(authenticator.check(parser.parse(padded), padded, null)).isEqualTo(Authenticator.Failure.WRONG_SECRET);
    }

    @Test
    void shouldRefuseASecretThatIsNotAString() throws Exception {
        // given
        byte[] body = bytes("{\"secret\": 12345678901234567890}");

        // when / then
        assertThat(authenticator.check(parser.parse(body), body, null)).isEqualTo(Authenticator.Failure.NO_CREDENTIALS);
    }

    @Test
    void shouldRefuseWhenBothSecretAndSignatureAreMissing() throws Exception {
        // given
        byte[] body = bytes("{\"symbol\":\"BTCUSDT\"}");

        // when / then
        assertThat(authenticator.check(parser.parse(body), body, null)).isEqualTo(Authenticator.Failure.NO_CREDENTIALS);
        assertThat(authenticator.check(parser.parse(body), body, "  ")).isEqualTo(Authenticator.Failure.NO_CREDENTIALS);
    }

    @Test
    void shouldAcceptTheRightHmacOfTheRawBytes() throws Exception {
        // given: whitespace and key order exactly as sent; the HMAC is over these bytes, not a re-serialisation
        byte[] body = bytes("{ \"symbol\" : \"BTCUSDT\",\n \"action\":\"buy\" }\n");
        String header = "sha256=" + hmacHex(SECRET, body);

        // when / then
        assertThat(authenticator.check(parser.parse(body), body, header)).isNull();
    }

    @Test
    void shouldSignTheSameWayTheHeaderIsChecked() throws Exception {
        // given
        byte[] body = bytes("{\"symbol\":\"BTCUSDT\"}");

        // when
        String header = new WebhookSignature(SECRET).headerValue(body);

        // then
        assertThat(header).isEqualTo("sha256=" + hmacHex(SECRET, body));
        assertThat(authenticator.check(parser.parse(body), body, header)).isNull();
    }

    @Test
    void shouldRefuseTheHmacOfAnotherBody() throws Exception {
        // given: a signature captured from one alert, replayed on another
        byte[] signed = bytes("{\"symbol\":\"BTCUSDT\",\"quantity\":1}");
        byte[] body = bytes("{\"symbol\":\"BTCUSDT\",\"quantity\":100}");
        String header = "sha256=" + hmacHex(SECRET, signed);

        // when / then
        assertThat(authenticator.check(parser.parse(body), body, header)).isEqualTo(Authenticator.Failure.BAD_SIGNATURE);
    }

    @Test
    void shouldRefuseAnHmacMadeWithAnotherKey() throws Exception {
        // given
        byte[] body = bytes("{\"symbol\":\"BTCUSDT\"}");
        String header = "sha256=" + hmacHex("another-secret-entirely", body);

        // when / then
        assertThat(authenticator.check(parser.parse(body), body, header)).isEqualTo(Authenticator.Failure.BAD_SIGNATURE);
    }

    @Test
    void shouldAcceptUppercaseHexAndPrefix() throws Exception {
        // given
        byte[] body = bytes("{\"symbol\":\"BTCUSDT\"}");
        String hex = hmacHex(SECRET, body).toUpperCase();

        // when / then
        assertThat(authenticator.check(parser.parse(body), body, "sha256=" + hex)).isNull();
        assertThat(authenticator.check(parser.parse(body), body, "SHA256=" + hex)).isNull();
        assertThat(authenticator.check(parser.parse(body), body, "  sha256=" + hex + " ")).isNull();
    }

    @Test
    void shouldRefuseMalformedSignatureHeaders() throws Exception {
        // given
        byte[] body = bytes("{\"symbol\":\"BTCUSDT\"}");
        String hex = hmacHex(SECRET, body);

        // when / then
        assertThat(authenticator.check(parser.parse(body), body, hex)).isEqualTo(Authenticator.Failure.BAD_SIGNATURE);
        assertThat(authenticator.check(parser.parse(body), body, "sha1=" + hex)).isEqualTo(Authenticator.Failure.BAD_SIGNATURE);
        assertThat(authenticator.check(parser.parse(body), body, "sha256=")).isEqualTo(Authenticator.Failure.BAD_SIGNATURE);
        assertThat(authenticator.check(parser.parse(body), body, "sha256=zz" + hex.substring(2)))
                .isEqualTo(Authenticator.Failure.BAD_SIGNATURE);
        assertThat(authenticator.check(parser.parse(body), body, "sha256=" + hex.substring(1)))
                .isEqualTo(Authenticator.Failure.BAD_SIGNATURE);
        assertThat(authenticator.check(parser.parse(body), body, "sha256=" + hex.substring(0, 32)))
                .isEqualTo(Authenticator.Failure.BAD_SIGNATURE);
        assertThat(authenticator.check(parser.parse(body), body, "sha256=" + hex + "00"))
                .isEqualTo(Authenticator.Failure.BAD_SIGNATURE);
    }

    @Test
    void shouldAcceptAValidSignatureEvenWithAWrongSecretInTheBody() throws Exception {
        // given
        byte[] body = bytes("{\"secret\":\"not-the-secret-at-all\",\"symbol\":\"BTCUSDT\"}");
        String header = "sha256=" + hmacHex(SECRET, body);

        // when / then
        assertThat(authenticator.check(parser.parse(body), body, header)).isNull();
    }

    @Test
    void shouldAcceptTheRightSecretEvenWithABadSignature() throws Exception {
        // given: either valid form authenticates
        byte[] body = bytes("{\"secret\":\"" + SECRET + "\",\"symbol\":\"BTCUSDT\"}");

        // when / then
        assertThat(authenticator.check(parser.parse(body), body, "sha256=" + "00".repeat(32))).isNull();
    }

    @Test
    void shouldReportABadSignatureRatherThanAWrongSecretWhenBothFail() throws Exception {
        // given
        byte[] body = bytes("{\"secret\":\"not-the-secret-at-all\"}");

        // when / then
        assertThat(authenticator.check(parser.parse(body), body, "sha256=" + "00".repeat(32)))
                .isEqualTo(Authenticator.Failure.BAD_SIGNATURE);
    }

    @Test
    void shouldCompareSecretsWithNonAsciiCharacters() throws Exception {
        // given
        Authenticator unicode = new Authenticator("pässwörd-ünïcødé-1234");
        byte[] right = bytes("{\"secret\":\"pässwörd-ünïcødé-1234\"}");
        byte[] escaped = bytes("{\"secret\":\"p\\u00e4sswörd-ünïcødé-1234\"}");
        byte[] wrong = bytes("{\"secret\":\"passwörd-ünïcødé-1234\"}");

        // when / then
        assertThat(unicode.check(parser.parse(right), right, null)).isNull();
        assertThat(unicode.check(parser.parse(escaped), escaped, null)).isNull();
        assertThat(unicode.check(parser.parse(wrong), wrong, null)).isEqualTo(Authenticator.Failure.WRONG_SECRET);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String hmacHex(String key, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    /** Every webhook with a body secret is checked here. */
    @Test
    void shouldCheckASecretAllocatingLittleMoreThanItsBytesAndTheirDigest() throws Exception {
        // given
        var alert = parser.parse(("{\"secret\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8));
        byte[] raw = new byte[0];

        // when
        double bytes = com.fks.execution.testsupport.Allocation.bytesPerCall(() -> authenticator.check(alert, raw, null));

        // then: the secret's UTF-8 bytes (48) and its digest (48), not a new MessageDigest (about 600 more)
        assertThat(authenticator.check(alert, raw, null)).isNull();
        assertThat(bytes).isLessThan(200);
    }

    @Test
    void shouldGiveEachThreadTheSameAnswers() throws Exception {
        // given
        var right = parser.parse(("{\"secret\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8));
        var wrong = parser.parse("{\"secret\":\"nope\"}".getBytes(StandardCharsets.UTF_8));
        var results = new java.util.concurrent.ConcurrentLinkedQueue<Object>();

        // when: several threads alternate right and wrong secrets
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                    results.add(String.valueOf(authenticator.check(right, new byte[0], null)));
                    results.add(String.valueOf(authenticator.check(wrong, new byte[0], null)));
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        // then
        assertThat(results).hasSize(16_000);
        assertThat(results.stream().filter("null"::equals).count()).isEqualTo(8_000);
        assertThat(results.stream().filter("WRONG_SECRET"::equals).count()).isEqualTo(8_000);
    }
}
