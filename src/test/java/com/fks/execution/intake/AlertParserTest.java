package com.fks.execution.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

final class AlertParserTest {
    private static final String SECRET = "s3cr3t-value-0123456789";

    private final AlertParser parser = new AlertParser();

    @Test
    void shouldParseAPlainAlert() throws Exception {
        // when
        ObjectNode alert = parse("{\"secret\":\"" + SECRET + "\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":0.5}");

        // then
        assertThat(alert.get("symbol").textValue()).isEqualTo("BTCUSDT");
        assertThat(alert.get("quantity").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(alert.size()).isEqualTo(4);
    }

    @Test
    void shouldKeepDecimalsExactly() throws Exception {
        // when: 0.1 as a double would be 0.1000000000000000055...
        ObjectNode alert = parse("{\"quantity\":0.1,\"price\":64123.123456789012345678}");

        // then
        assertThat(alert.get("quantity").decimalValue()).isEqualTo("0.1");
        assertThat(alert.get("price").decimalValue().toPlainString()).isEqualTo("64123.123456789012345678");
    }

    @Test
    void shouldAcceptABareNaN() throws Exception {
        // when
        ObjectNode alert = parse("{\"rsi\": NaN}");

        // then
        JsonNode rsi = alert.get("rsi");
        assertThat(rsi.isNumber()).isTrue();
        assertThat(rsi.doubleValue()).isNaN();
    }

    @Test
    void shouldKeepAQuotedNaNAsText() throws Exception {
        // when
        ObjectNode alert = parse("{\"rsi\": \"NaN\"}");

        // then
        assertThat(alert.get("rsi").isTextual()).isTrue();
        assertThat(alert.get("rsi").textValue()).isEqualTo("NaN");
    }

    @Test
    void shouldAcceptInfinityInEverySign() throws Exception {
        // when
        ObjectNode alert = parse("{\"a\": Infinity, \"b\": -Infinity, \"c\": +Infinity}");

        // then
        assertThat(alert.get("a").doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(alert.get("b").doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(alert.get("c").doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void shouldAcceptNull() throws Exception {
        // when
        ObjectNode alert = parse("{\"rsi\": null}");

        // then
        assertThat(alert.get("rsi").isNull()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"symbol\":\"BTCUSDT\"}\n", "{\"symbol\":\"BTCUSDT\"}\r\n", "\n  {\"symbol\":\"BTCUSDT\"}  \n\n",
            "\t{\"symbol\":\"BTCUSDT\"}\t"})
    void shouldAcceptSurroundingWhitespaceAsATextPlainBodyHasIt(String body) throws Exception {
        // when
        ObjectNode alert = parse(body);

        // then
        assertThat(alert.get("symbol").textValue()).isEqualTo("BTCUSDT");
    }

    @Test
    void shouldAcceptAUtf8ByteOrderMark() throws Exception {
        // given: some editors and tools prepend EF BB BF
        byte[] json = "{\"symbol\":\"BTCUSDT\"}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[json.length + 3];
        body[0] = (byte) 0xEF;
        body[1] = (byte) 0xBB;
        body[2] = (byte) 0xBF;
        System.arraycopy(json, 0, body, 3, json.length);

        // when
        ObjectNode alert = parser.parse(body);

        // then
        assertThat(alert.get("symbol").textValue()).isEqualTo("BTCUSDT");
    }

    @Test
    void shouldRefuseDuplicateKeys() {
        // when: the signed bytes and the parsed fields could disagree about which quantity counts
        AlertRejectedException e = rejected("{\"quantity\": 1, \"symbol\":\"BTCUSDT\", \"quantity\": 1000}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
    }

    @Test
    void shouldRefuseDuplicateKeysInANestedObject() {
        // when
        AlertRejectedException e = rejected("{\"ind\": {\"a\": 1, \"a\": 2}}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1} x", "{\"a\":1}{\"b\":2}", "{\"a\":1}]", "{\"a\":1},", "{\"a\":1} {"})
    void shouldRefuseTrailingContent(String body) {
        // when
        AlertRejectedException e = rejected(body);

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1", "{\"a\":}", "{a:1}", "{'a':1}", "{\"a\":1,}", "{\"a\":tru}", "{\"a\":01}",
            "{\"a\":\"unterminated}", "{\"a\":nan}", "{\"a\":NAN}"})
    void shouldRefuseInvalidJson(String body) {
        // when
        AlertRejectedException e = rejected(body);

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
        assertThat(e.detail()).startsWith("the body is not valid JSON");
    }

    @Test
    void shouldAcceptNestingOf32Levels() throws Exception {
        // when
        ObjectNode alert = parse(nested(32));

        // then
        assertThat(alert.get("a")).isNotNull();
    }

    @Test
    void shouldRefuseNestingDeeperThan32Levels() {
        // when
        AlertRejectedException e = rejected(nested(33));

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
    }

    @Test
    void shouldRefuseVeryDeepNestingWithoutFailingHard() {
        // when: deep enough to overflow a recursive parser's stack
        AlertRejectedException e = rejected(nested(100_000));

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "[{\"symbol\":\"BTCUSDT\"}]", "\"a string\"", "42", "-1.5", "true", "null", "NaN"})
    void shouldRefuseJsonThatIsNotAnObject(String body) {
        // when
        AlertRejectedException e = rejected(body);

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.NOT_A_JSON_OBJECT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n", "\r\n", " \t \n "})
    void shouldRefuseAnEmptyOrBlankBody(String body) {
        // when
        AlertRejectedException e = rejected(body);

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.EMPTY_BODY);
    }

    @Test
    void shouldRefuseAnUnquotedUnrenderedPlaceholder() {
        // when
        AlertRejectedException e = rejected("{\"symbol\":\"BTCUSDT\",\"price\": {{close}}}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.UNRENDERED_PLACEHOLDER);
        assertThat(e.detail()).contains("{{close}}");
    }

    @Test
    void shouldRefuseAQuotedUnrenderedPlaceholder() {
        // when
        AlertRejectedException e = rejected("{\"symbol\":\"{{ticker}}\",\"action\":\"buy\"}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.UNRENDERED_PLACEHOLDER);
        assertThat(e.detail()).contains("{{ticker}}");
    }

    @Test
    void shouldRefuseAPlaceholderWithArgumentsAndSpaces() {
        // when
        AlertRejectedException e = rejected("{\"rsi\":\"{{ plot(\\\"RSI\\\") }}\"}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.UNRENDERED_PLACEHOLDER);
    }

    @Test
    void shouldNotEchoAPlaceholderThatNamesTheSecret() {
        // when
        AlertRejectedException e = rejected("{\"secret\":\"{{my_secret_input}}\"}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.UNRENDERED_PLACEHOLDER);
        assertThat(e.detail()).doesNotContain("my_secret_input").contains("{{…}}");
    }

    @Test
    void shouldAcceptSingleBracesInsideStrings() throws Exception {
        // when
        ObjectNode alert = parse("{\"comment\":\"{close} and {{ alone\"}");

        // then
        assertThat(alert.get("comment").textValue()).isEqualTo("{close} and {{ alone");
    }

    @Test
    void shouldRefuseInvalidUtf8() {
        // given: C3 28 is an invalid two-byte sequence, inside a string value
        byte[] body = {'{', '"', 's', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'};

        // when
        AlertRejectedException e = catchThrowableOfType(AlertRejectedException.class, () -> parser.parse(body));

        // then
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
    }

    @Test
    void shouldRefuseAnOverlongUtf8Encoding() {
        // given: C0 AF is an overlong '/', a classic filter bypass
        byte[] body = {'{', '"', 's', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};

        // when
        AlertRejectedException e = catchThrowableOfType(AlertRejectedException.class, () -> parser.parse(body));

        // then
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
    }

    @Test
    void shouldRefuseANumberLongerThan64Characters() {
        // when
        AlertRejectedException e = rejected("{\"quantity\": 1" + "0".repeat(80) + "}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"secret\":\"" + SECRET + "\", \"a\": tru}",
            "{\"secret\": " + "s3cr3tvalue0123456789" + ", \"a\": 1}",
            "{\"secret\":\"" + SECRET + "\" \"a\": 1}",
            "{\"secret\":\"" + SECRET + "\", \"secret\":\"" + SECRET + "\"}",
            "{\"secret\":\"" + SECRET + "\", \"a\": 1} trailing",
            "{\"secret\":\"" + SECRET + "\", \"a\": [1, 2}",
            "{\"secret\":\"" + SECRET + "\", \"" + SECRET + "\" 1}",
            "{\"" + SECRET + "\"}",
            "{\"secret\":\"" + SECRET + "\nmore\"}",
            "{\"secret\":\"" + SECRET + "\\q\"}",
            "{\"secret\":\"" + SECRET,
    })
    void shouldNeverEchoTheSecretInTheRejectionDetail(String body) {
        // when
        AlertRejectedException e = rejected(body);

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
        assertThat(e.detail()).doesNotContain("s3cr3t").doesNotContain("0123456789");
    }

    private ObjectNode parse(String body) throws AlertRejectedException {
        return parser.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private AlertRejectedException rejected(String body) {
        AlertRejectedException e = catchThrowableOfType(AlertRejectedException.class,
                () -> parser.parse(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(e).as("expected the body to be refused: %s", body.length() > 200 ? body.substring(0, 200) : body)
                .isNotNull();
        return e;
    }

    private static String nested(int depth) {
        // depth 1 is the top-level object itself
        return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }
}
