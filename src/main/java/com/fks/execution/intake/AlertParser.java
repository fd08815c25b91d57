package com.fks.execution.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Turns a webhook body into a JSON object. Accepts what TradingView really sends: bare NaN and Infinity
 * (not JSON, but how it renders a missing series value), text/plain bodies, a trailing newline.
 * Refuses what would make the body ambiguous: duplicate keys (the signed bytes and the parsed fields
 * could disagree), trailing content, deep nesting.
 */
public final class AlertParser {
    static final int MAX_NESTING_DEPTH = 32;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[^{}\\r\\n]{0,100}}}");

    private final ObjectMapper mapper;

    public AlertParser() {
        JsonFactory factory = JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(64)
                        .build())
                .build();
        this.mapper = new ObjectMapper(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                // Duplicate keys found as the tree is built, in every object: the parser's own detection kept
                // a set of every object's names beside the tree for each webhook.
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public ObjectNode parse(byte[] body) throws AlertRejectedException {
        if (body.length == 0 || isBlank(body)) {
            throw new AlertRejectedException(RejectionReason.EMPTY_BODY, "the body is empty");
        }
        String placeholder = findPlaceholder(body);
        if (placeholder != null) {
            throw new AlertRejectedException(RejectionReason.UNRENDERED_PLACEHOLDER,
                    "the body still contains the TradingView placeholder " + placeholder
                            + ": the alert message was not rendered (placeholders in Pine alert() are not substituted)");
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new AlertRejectedException(RejectionReason.MALFORMED_JSON, "the body is not valid JSON: "
                    + describe(e));
        } catch (IOException | RuntimeException e) {
            throw new AlertRejectedException(RejectionReason.MALFORMED_JSON, "the body could not be read as JSON");
        }
        if (node == null || !node.isObject()) {
            throw new AlertRejectedException(RejectionReason.NOT_A_JSON_OBJECT, "the body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            return "syntax error";
        }
        // Jackson quotes a slice of the input; the body may hold the secret, so only the kind of error is kept.
        int cut = message.indexOf(": was expecting");
        message = cut > 0 ? message.substring(0, cut) : message;
        message = message.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
        return message.length() > 160 ? message.substring(0, 160) : message;
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static String findPlaceholder(byte[] body) {
        // Cheap scan first: almost every body has no "{{" at all.
        boolean candidate = false;
        for (int i = 0; i + 1 < body.length; i++) {
            if (body[i] == '{' && body[i + 1] == '{') {
                candidate = true;
                break;
            }
        }
        if (!candidate) {
            return null;
        }
        var matcher = PLACEHOLDER.matcher(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        if (!matcher.find()) {
            return null;
        }
        String found = matcher.group();
        return found.toLowerCase().contains("secret") ? "{{…}}" : found;
    }
}
