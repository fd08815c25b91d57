package com.fks.execution.hostile;

import com.fks.execution.intake.Authenticator;
import com.fks.execution.signing.WebhookSignature;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets, signatures and the admin token are compared in constant time: both sides are first hashed to
 * 32-byte SHA-256 digests (so neither content nor length shapes the comparison) and the digests compared with
 * MessageDigest.isEqual, whose time does not depend on where they differ.
 *
 * <p>Shown from the compiled classes rather than by timing: a statistical timing test on two shared cores
 * would need millions of samples to see a difference of a few nanoseconds, and would still be flaky. What this
 * proves is the property such a test would look for a symptom of: no early-exit comparison (String.equals,
 * Arrays.equals, regionMatches on the secret...) is reachable from these classes.
 */
final class TimingSafeComparisonTest {
    private static final Set<String> EARLY_EXIT_COMPARISONS = Set.of(
            "java/lang/String.equals(Ljava/lang/Object;)Z",
            "java/lang/String.equalsIgnoreCase(Ljava/lang/String;)Z",
            "java/lang/String.contentEquals(Ljava/lang/CharSequence;)Z",
            "java/lang/String.compareTo(Ljava/lang/String;)I",
            "java/lang/String.startsWith(Ljava/lang/String;)Z",
            "java/util/Arrays.equals([B[B)Z",
            "java/util/Arrays.mismatch([B[B)I",
            "java/util/Arrays.compare([B[B)I",
            "java/util/Objects.equals(Ljava/lang/Object;Ljava/lang/Object;)Z");

    @Test
    void shouldCompareSecretsAndSignaturesOnlyAsEqualLengthDigestsWithMessageDigestIsEqual() throws IOException {
        for (String className : new String[] {"com/fks/execution/intake/Authenticator",
                "com/fks/execution/app/BearerToken"}) {
            Set<String> calls = methodReferences(className);
            assertThat(calls).as(className).contains("java/security/MessageDigest.isEqual([B[B)Z",
                    "java/security/MessageDigest.digest([B)[B");
            assertThat(calls).as(className + " must not compare credentials with an early-exit method")
                    .doesNotContainAnyElementsOf(EARLY_EXIT_COMPARISONS);
        }
    }

    @Test
    void shouldRefuseSecretsAndSignaturesOfEveryLengthAroundTheRightOne() throws Exception {
        String secret = "timing-test-secret-0123456789";
        Authenticator authenticator = new Authenticator(secret);
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        byte[] body = "{\"symbol\":\"BTCUSDT\"}".getBytes(StandardCharsets.UTF_8);
        var alert = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(body);
        String right = new WebhookSignature(secret).headerValue(body);
        assertThat(authenticator.check(alert, body, right)).isNull();
        for (String candidate : new String[] {"", "t", secret.substring(0, secret.length() - 1), secret + "9",
                secret + secret, "x".repeat(10_000), secret.toUpperCase()}) {
            var withSecret = alert.deepCopy().put("secret", candidate);
            assertThat(authenticator.check(withSecret, body, null)).as(candidate).isNotNull();
        }
        for (String header : new String[] {right.substring(0, right.length() - 2), right + "00", "sha256=",
                "sha256=" + "0".repeat(64), right.replace("sha256=", "sha1=")}) {
            assertThat(authenticator.check(alert, body, header)).as(header).isNotNull();
        }
    }

    /** Every method a class file refers to, as owner.name(descriptor), read from its constant pool. */
    static Set<String> methodReferences(String className) throws IOException {
        try (InputStream raw = TimingSafeComparisonTest.class.getClassLoader().getResourceAsStream(className + ".class");
             DataInputStream in = new DataInputStream(raw)) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file: " + className);
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            int[][] refs = new int[count][];
            int[] tags = new int[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                tags[i] = tag;
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 3, 4 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++;
                    }
                    case 7, 8, 16, 19, 20 -> refs[i] = new int[] {in.readUnsignedShort()};
                    case 9, 10, 11, 12, 17, 18 -> refs[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                    case 15 -> {
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    default -> throw new IOException("unknown constant pool tag " + tag + " in " + className);
                }
            }
            Set<String> methods = new HashSet<>();
            for (int i = 1; i < count; i++) {
                if (tags[i] == 10 || tags[i] == 11) {
                    String owner = utf8[refs[refs[i][0]][0]];
                    int[] nameAndType = refs[refs[i][1]];
                    methods.add(owner + "." + utf8[nameAndType[0]] + utf8[nameAndType[1]]);
                }
            }
            return methods;
        }
    }
}
