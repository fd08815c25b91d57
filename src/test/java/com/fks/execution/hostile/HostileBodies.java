package com.fks.execution.hostile;

import com.fks.execution.signing.WebhookSignature;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Malformed and adversarial webhook requests, generated from a seed so a failure reproduces.
 *
 * <p>Each case starts from a correct alert and applies at least one poison: a change that by itself makes the
 * alert unacceptable (a zero quantity, a wrong secret, an old timestamp, an unknown exchange...). Wrappers are
 * then layered on top (truncation, deep nesting, invalid UTF-8, another encoding, a forged X-Forwarded-For,
 * a signature of another body, odd content types). A wrapper may hide the poison behind an earlier failure
 * but can never remove it, so no case can be a valid alert: any order the service places is a bug.
 */
final class HostileBodies {
    /** One request to send. */
    record Case(int index, String family, byte[] body, Map<String, String> headers) {
    }

    private final String secret;
    private final WebhookSignature signer;
    private final long seed;
    private final long now;

    HostileBodies(String secret, long seed, long nowMillis) {
        this.secret = secret;
        this.signer = new WebhookSignature(secret);
        this.seed = seed;
        this.now = nowMillis;
    }

    private record Poison(String family, Consumer<Map<String, String>> apply) {
    }

    private static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private List<Poison> poisons() {
        List<Poison> p = new ArrayList<>();
        for (String v : List.of("0", "-1", "-0", "0.0", "-0.0001", "\"-5\"", "\"0\"", "1e400", "-1e400", "1e-400",
                "1E+999999999", "1e-2147483647", "99999999999999999999", "1e15", "1e19", "NaN", "\"NaN\"", "Infinity",
                "-Infinity", "+Infinity", "null", "\"abc\"", "true", "[]", "{}", "[1]", "\"\"", "\"1,5\"",
                "1.0000000000000000001", "\"0x10\"", "\"1e400\"", "\" \"")) {
            p.add(new Poison("quantity", m -> m.put("quantity", v)));
        }
        p.add(new Poison("quantity", m -> m.put("quantity", "1" + "0".repeat(70))));
        p.add(new Poison("quantity", m -> m.put("quantity", "0." + "0".repeat(80) + "1")));
        p.add(new Poison("quantity", m -> m.remove("quantity")));
        for (String v : List.of("0", "-65000", "1e400", "NaN", "\"NaN\"", "null", "\"free\"", "1e-19", "Infinity", "[]")) {
            p.add(new Poison("limit_price", m -> {
                m.put("order_type", "\"limit\"");
                m.put("price", v);
            }));
        }
        p.add(new Poison("limit_price", m -> {
            m.put("order_type", "\"limit\"");
            m.remove("price");
        }));
        for (String v : List.of("123", "[]", "{}", "\"\"", "\"   \"", "\"BTC USDT\"", "\"B\"", "\"ETHBTC\"",
                "\"BTCEUR\"", "\"USDT\"", "\"BTCUSDT\\u0000X\"", "\"ＢＴＣＵＳＤＴ\"", "\"ВТСUSDT\"", "null",
                "\"BINANCE:\"", "\"BTCUSDT.P.P\"", "\"../../etc/passwd\"", "\"BTCUSDT' OR '1'='1\"",
                "\"<script>alert(1)</script>\"", q("A".repeat(30) + "USDT"), q("X".repeat(60_000)))) {
            p.add(new Poison("symbol", m -> m.put("symbol", v)));
        }
        p.add(new Poison("symbol", m -> m.remove("symbol")));
        for (String v : List.of("\"hold\"", "1", "null", "\"\"", "[\"buy\"]", "\"bսy\"", "true", "\"BUY;SELL\"",
                "\"buy\\u0000sell\"", "{\"side\":\"buy\"}")) {
            p.add(new Poison("action", m -> m.put("action", v)));
        }
        p.add(new Poison("action", m -> m.remove("action")));
        for (String v : List.of("\"stop\"", "1", "\"\"", "[]", "\"market-ish\"", "true")) {
            p.add(new Poison("order_type", m -> m.put("order_type", v)));
        }
        for (String v : List.of("2", "-0.1", "\"high\"", "NaN", "\"NaN\"", "null", "[]", "1.0000001", "0.1", "0",
                "1e400", "-Infinity")) {
            p.add(new Poison("confidence", m -> m.put("confidence", v)));
        }
        for (String v : List.of("\"kraken\"", "5", "\"\"", "\"binance\"", "\"coinbase\"", "\"paper2\"", "[\"paper\"]")) {
            p.add(new Poison("exchange", m -> m.put("exchange", v)));
        }
        for (String v : List.of("\"\"", "\"has space\"", q("x".repeat(201)), "{}", "[]", "true", "\"ид\"",
                "\"a\\nb\"", "\"tab\\there\"")) {
            p.add(new Poison("id", m -> m.put("id", v)));
        }
        for (String v : List.of("12", "\"\"", q("s".repeat(201)), "[]", "{}")) {
            p.add(new Poison("strategy", m -> m.put("strategy", v)));
        }
        for (String v : List.of("\"yesterday\"", "true", "{}", "-1", "0", "1e400", "99999999999999999999",
                "\"2020-01-01T00:00:00Z\"", Long.toString(now - 301_000), Long.toString(now - 86_400_000L),
                Long.toString(now + 3_600_000), Long.toString(now / 1000), "\"2999-01-01T00:00:00Z\"", "1.5", "\"\"",
                q(java.time.Instant.ofEpochMilli(now - 3_600_000).toString()), "\"" + (now - 400_000) + "\"",
                "-9223372036854775808", "\"NaN\"", "NaN")) {
            p.add(new Poison("replayed_timestamp", m -> m.put("timestamp", v)));
        }
        for (String v : List.of("\"wrong\"", q(secret + "x"), q(secret.substring(0, secret.length() - 1)), "\"\"",
                "null", "123", "[" + q(secret) + "]", "{\"v\":" + q(secret) + "}", q(secret.toUpperCase()),
                q(secret + " "), q(" " + secret), q(secret + "\u0000"), q(secret.repeat(100)))) {
            p.add(new Poison("wrong_secret", m -> m.put("secret", v)));
        }
        p.add(new Poison("no_credentials", m -> m.remove("secret")));
        for (String v : List.of("{{close}}", "\"{{ticker}}\"", "\"{{strategy.order.action}}\"", "{{plot_0}}",
                "\"{{secret}}\"")) {
            p.add(new Poison("unrendered_placeholder", m -> m.put("quantity", v)));
        }
        // The trading actions' fields. A poison that makes the alert an exit or a cancel carries something no other
        // poison can take away (a quantity_type an exit refuses, protection on a cancel): an exit that another poison
        // healed would be a valid alert, answered 200 no_position.
        for (String v : List.of("\"sideways\"", "\"\"", "1", "NaN", "[\"long\"]", "{}", "\"lon g\"", "\"flat-ish\"")) {
            p.add(new Poison("sentiment", m -> m.put("sentiment", v)));
        }
        for (String v : List.of("\"dollars\"", "\"\"", "5", "NaN", "[\"quote\"]", "\"percent\"", "\"base_units\"")) {
            p.add(new Poison("quantity_type", m -> m.put("quantity_type", v)));
        }
        for (String type : List.of("\"percent_of_balance\"", "\"PERCENT_OF_BALANCE\"")) {
            p.add(new Poison("percent_over_100", m -> {
                m.put("quantity_type", type);
                m.put("quantity", "100.5");
            }));
        }
        p.add(new Poison("quantity_type", m -> {
            // action too: percent_of_position is valid on an exit, so another poison's exit must not make this one
            m.put("action", "\"buy\"");
            m.put("quantity_type", "\"percent_of_position\"");
            m.put("quantity", "50");
        }));
        for (String v : List.of("{}", "{\"price\":0}", "{\"percent\":NaN}", "{\"percent\":100}", "5", "\"2%\"",
                "{\"price\":1,\"percent\":1}", "{\"price\":null}", "[]", "{\"price\":1e400}", "{\"percent\":-1}")) {
            p.add(new Poison("stop_loss", m -> m.put("stop_loss", v)));
        }
        for (String v : List.of("{}", "{\"percent\":0}", "{\"price\":-1}", "{\"limit\":70000}", "{\"price\":\"NaN\"}", "true")) {
            p.add(new Poison("take_profit", m -> m.put("take_profit", v)));
        }
        p.add(new Poison("protection_side", m -> {
            m.put("order_type", "\"limit\"");
            m.put("stop_loss", "{\"price\":66000}");
        }));
        p.add(new Poison("protection_side", m -> m.put("take_profit", "{\"price\":64000}")));
        p.add(new Poison("protection_side", m -> {
            m.put("stop_loss", "{\"price\":70000}");
            m.put("take_profit", "{\"price\":69000}");
        }));
        p.add(new Poison("protection_not_allowed", m -> {
            m.put("action", "\"sell\"");
            m.put("stop_loss", "{\"percent\":2}");
        }));
        p.add(new Poison("protection_not_allowed", m -> {
            m.put("action", "\"cancel\"");
            m.put("take_profit", "{\"percent\":3}");
        }));
        for (String type : List.of("\"quote\"", "\"base\"", "\"percent_of_balance\"")) {
            p.add(new Poison("exit_sizing", m -> {
                m.put("action", "\"exit\"");
                m.put("quantity_type", type);
            }));
        }
        p.add(new Poison("risk", m -> {
            m.put("quantity", "1000");
            m.put("price", "65000");
        }));
        p.add(new Poison("risk", m -> {
            m.put("quantity_type", "\"quote\"");
            m.put("quantity", "100000000");
        }));
        p.add(new Poison("risk", m -> m.put("price", "NaN")));
        p.add(new Poison("risk", m -> m.remove("price")));
        p.add(new Poison("risk", m -> m.put("symbol", "\"BINANCE:ETHBTC\"")));
        p.add(new Poison("risk", m -> {
            m.put("quantity", "999999999999999");
            m.put("price", "999999999999999");
        }));
        return p;
    }

    /** The {@code index}-th case; the same seed and index always give the same bytes. */
    Case create(int index) {
        SplittableRandom r = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
        Map<String, String> fields = base(index);
        List<Poison> poisons = poisons();
        Poison first = poisons.get(r.nextInt(poisons.size()));
        first.apply().accept(fields);
        String family = first.family();
        if (r.nextInt(4) == 0) {
            Poison second = poisons.get(r.nextInt(poisons.size()));
            second.apply().accept(fields);
            family = family + "+" + second.family();
        }
        String json = render(fields, r);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", r.nextInt(3) == 0 ? "text/plain" : "application/json");

        int wrapper = r.nextInt(20);
        switch (wrapper) {
            case 0, 1 -> {
                body = java.util.Arrays.copyOf(body, 1 + r.nextInt(body.length - 1));
                family = "truncated";
            }
            case 2 -> {
                body = nest(r.nextBoolean() ? '[' : '{', 33 + r.nextInt(3000), json);
                family = "deep_nesting";
            }
            case 3, 4 -> {
                body = insert(body, r.nextInt(body.length), invalidUtf8(r));
                family = "invalid_utf8";
            }
            case 5 -> {
                Charset cs = List.of(StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE, Charset.forName("UTF-32BE"),
                        Charset.forName("UTF-32LE")).get(r.nextInt(4));
                body = json.getBytes(cs);
                family = family + "+" + cs.name().toLowerCase();
            }
            case 6 -> {
                body = (json + List.of(" x", "}", "{}", ",", "]", " null", "\u0000").get(r.nextInt(7)))
                        .getBytes(StandardCharsets.UTF_8);
                family = "trailing_garbage";
            }
            case 7 -> {
                body = duplicateKey(json, fields, r).getBytes(StandardCharsets.UTF_8);
                family = "duplicate_keys";
            }
            case 8 -> {
                body = garbage(r);
                family = "garbage";
            }
            case 9 -> {
                // the secret field removed and a signature header that does not fit this body
                body = render(withoutSecret(fields), r).getBytes(StandardCharsets.UTF_8);
                headers.put(WebhookSignature.HEADER, badSignature(body, r));
                family = "signature_of_another_body";
            }
            case 10 -> {
                headers.put("X-Forwarded-For", List.of("52.89.214.238", "10.1.2.3", "127.0.0.1, 52.89.214.238",
                        "not-an-ip", "::1", "52.89.214.238, 34.212.75.30, 54.218.53.128", "1.1.1.1\tX-Injected: 1",
                        "999.999.999.999", "[::ffff:52.89.214.238]", "unknown").get(r.nextInt(10)));
                headers.put("X-Real-IP", "52.89.214.238");
                headers.put("Forwarded", "for=52.89.214.238;proto=https");
                family = family + "+forged_xff";
            }
            case 11 -> {
                headers.put("Content-Type", List.of("text/html", "application/xml", "application/x-www-form-urlencoded",
                        "multipart/form-data; boundary=x", "application/jsonx", "application/json; charset=utf-16",
                        "text/plain; charset=iso-8859-1", "*/*", "application/json, text/html", "image/png").get(r.nextInt(10)));
                family = family + "+content_type";
            }
            case 12 -> {
                body = ("\uFEFF" + json + "\r\n").getBytes(StandardCharsets.UTF_8);
                family = family + "+bom";
            }
            case 13 -> {
                body = many(fields, r);
                family = family + "+many_fields";
            }
            case 14 -> {
                body = List.of("", " ", "\n\n", "null", "[]", "\"string\"", "123", "true", "[" + json + "]", "{}",
                        "{\"secret\":" + q(secret) + "}").get(r.nextInt(11)).getBytes(StandardCharsets.UTF_8);
                family = "not_an_alert";
            }
            default -> {
                // the poisoned alert as it is, signed in either form
                if (r.nextBoolean() && fields.containsKey("secret") && fields.get("secret").equals(q(secret))) {
                    body = render(withoutSecret(fields), r).getBytes(StandardCharsets.UTF_8);
                    headers.put(WebhookSignature.HEADER, signer.headerValue(body));
                    family = family + "+signed";
                }
            }
        }
        return new Case(index, family, body, headers);
    }

    private Map<String, String> base(int index) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("secret", q(secret));
        m.put("id", q("fuzz-" + seed + "-" + index));
        m.put("symbol", "\"BINANCE:BTCUSDT\"");
        m.put("action", "\"buy\"");
        m.put("quantity", "0.01");
        m.put("order_type", "\"market\"");
        m.put("price", "65000.5");
        m.put("confidence", "0.9");
        m.put("timestamp", Long.toString(now));
        m.put("strategy", "\"fuzz\"");
        m.put("rsi", "NaN");
        return m;
    }

    private static Map<String, String> withoutSecret(Map<String, String> fields) {
        Map<String, String> copy = new LinkedHashMap<>(fields);
        copy.remove("secret");
        return copy;
    }

    private static String render(Map<String, String> fields, SplittableRandom r) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(fields.entrySet());
        if (r.nextInt(4) == 0) {
            java.util.Collections.shuffle(entries, new java.util.Random(r.nextLong()));
        }
        StringBuilder s = new StringBuilder("{");
        for (Map.Entry<String, String> e : entries) {
            if (s.length() > 1) {
                s.append(',');
            }
            s.append('"').append(e.getKey()).append("\":").append(e.getValue());
        }
        return s.append('}').toString();
    }

    private String badSignature(byte[] body, SplittableRandom r) {
        String right = signer.headerValue(body).substring("sha256=".length());
        return switch (r.nextInt(9)) {
            case 0 -> signer.headerValue((new String(body, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8));
            case 1 -> signer.headerValue(java.util.Arrays.copyOf(body, Math.max(1, body.length - 1)));
            case 2 -> new WebhookSignature(secret + "x").headerValue(body);
            case 3 -> "sha1=" + right;
            case 4 -> "sha512=" + right;
            case 5 -> "sha256=" + right.substring(0, 63);
            case 6 -> "sha256=" + right + "00";
            case 7 -> "sha256=" + "zz".repeat(32);
            default -> right; // no prefix
        };
    }

    private static byte[] nest(char open, int depth, String inner) {
        char close = open == '[' ? ']' : '}';
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            s.append(open == '[' ? "[" : "{\"a\":");
        }
        s.append(inner);
        for (int i = 0; i < depth; i++) {
            s.append(close);
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] invalidUtf8(SplittableRandom r) {
        return switch (r.nextInt(7)) {
            case 0 -> new byte[] {(byte) 0xFF};
            case 1 -> new byte[] {(byte) 0xC3, 0x28};
            case 2 -> new byte[] {(byte) 0xE2, 0x28, (byte) 0xA1};
            case 3 -> new byte[] {(byte) 0xC0, (byte) 0xAF};                 // overlong "/"
            case 4 -> new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80};    // lone surrogate
            case 5 -> new byte[] {(byte) 0x80};
            default -> new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}; // beyond U+10FFFF
        };
    }

    private static byte[] insert(byte[] body, int at, byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + bytes.length);
        out.write(body, 0, at);
        out.write(bytes, 0, bytes.length);
        out.write(body, at, body.length - at);
        return out.toByteArray();
    }

    /**
     * Repeats a key the body already has (only those: re-adding a key a poison removed would heal the alert),
     * with a valid value, so a parser that kept the last value would see a different alert than was signed.
     */
    private String duplicateKey(String json, Map<String, String> fields, SplittableRandom r) {
        List<String> extras = new ArrayList<>();
        for (String extra : List.of("\"quantity\":0.02", "\"secret\":\"wrong\"", "\"secret\":" + q(secret),
                "\"symbol\":\"ETHUSDT\"", "\"id\":\"other\"", "\"action\":\"sell\"", "\"price\":65000")) {
            if (fields.containsKey(extra.substring(1, extra.indexOf('"', 1)))) {
                extras.add(extra);
            }
        }
        String extra = extras.isEmpty() ? "\"id\":\"other\"" : extras.get(r.nextInt(extras.size()));
        return json.substring(0, json.length() - 1) + "," + extra + "}";
    }

    private static byte[] garbage(SplittableRandom r) {
        byte[] b = new byte[1 + r.nextInt(2000)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        if (b[0] == '{') {
            b[0] = 'x';
        }
        return b;
    }

    private static byte[] many(Map<String, String> fields, SplittableRandom r) {
        Map<String, String> m = new LinkedHashMap<>(fields);
        int n = 100 + r.nextInt(3000);
        for (int i = 0; i < n; i++) {
            m.put("plot_" + i, r.nextBoolean() ? "NaN" : Integer.toString(r.nextInt(1000)));
        }
        return render(m, r).getBytes(StandardCharsets.UTF_8);
    }
}
