package com.fks.execution.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fks.execution.config.PerpetualSymbols;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Checks an authenticated alert's fields and builds the {@link Alert}. TradingView renders a missing series
 * value as NaN (bare or quoted), Infinity or null: in an optional numeric field it becomes null and is
 * counted; in a required one it refuses the alert with a reason naming the field.
 */
public final class AlertValidator {
    /** Far beyond any real order; keeps absurd exponents (1e400) out of arithmetic and the database. */
    static final BigDecimal MAX_NUMBER = new BigDecimal("1e15");
    static final int MAX_SCALE = 18;
    private static final Pattern ALERT_ID = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private static final Set<String> KNOWN_FIELDS = Set.of("secret", "symbol", "action", "quantity", "order_type",
            "price", "confidence", "id", "timestamp", "exchange", "strategy");
    private static final Set<String> EXCHANGES = Set.of("paper", "binance", "coinbase");

    private final ObjectMapper mapper;
    private final String defaultExchange;
    private final PerpetualSymbols perpetualSymbols;
    private final Consumer<String> nanReplaced;

    /** Refuses perpetual symbols (the default of PERPETUAL_SYMBOLS). */
    public AlertValidator(ObjectMapper mapper, String defaultExchange, Consumer<String> nanReplaced) {
        this(mapper, defaultExchange, PerpetualSymbols.REFUSE, nanReplaced);
    }

    public AlertValidator(ObjectMapper mapper, String defaultExchange, PerpetualSymbols perpetualSymbols,
                          Consumer<String> nanReplaced) {
        this.mapper = mapper;
        this.defaultExchange = defaultExchange;
        this.perpetualSymbols = perpetualSymbols;
        this.nanReplaced = nanReplaced;
    }

    public Alert validate(ObjectNode body, Instant timestamp) throws AlertRejectedException {
        String symbol = symbol(body.get("symbol"));
        Side side = side(body.get("action"));
        BigDecimal quantity = requiredPositive(body.get("quantity"), "quantity", RejectionReason.MISSING_QUANTITY,
                RejectionReason.INVALID_QUANTITY, RejectionReason.QUANTITY_IS_NAN);
        OrderType type = orderType(body.get("order_type"));
        BigDecimal price;
        if (type == OrderType.LIMIT) {
            price = requiredPositive(body.get("price"), "price", RejectionReason.MISSING_PRICE,
                    RejectionReason.INVALID_PRICE, RejectionReason.PRICE_IS_NAN);
        } else {
            price = optionalPositive(body, "price", RejectionReason.INVALID_PRICE);
        }
        BigDecimal confidence = confidence(body.get("confidence"));
        String exchange = exchange(body.get("exchange"));
        String strategy = optionalText(body.get("strategy"), "strategy", RejectionReason.INVALID_STRATEGY, 200);
        JsonNode idNode = body.get("id");
        if (idNode != null && isNonFinite(idNode)) {
            // A template whose id comes from a series renders NaN when the series has no value; taken as the
            // id "NaN" it would make every later such alert a duplicate for a day.
            throw new AlertRejectedException(RejectionReason.INVALID_ID, "id is NaN or infinite: the template's id did not render");
        }
        String explicitId = optionalText(idNode, "id", RejectionReason.INVALID_ID, 200);
        if (explicitId != null && !ALERT_ID.matcher(explicitId).matches()) {
            throw new AlertRejectedException(RejectionReason.INVALID_ID,
                    "id must be 1 to 200 printable ASCII characters without spaces");
        }
        ObjectNode stored = body.deepCopy();
        stored.remove("secret");
        String alertId = explicitId != null ? explicitId : contentId(stored);
        replaceNonFiniteIndicators(stored);
        if (type == OrderType.MARKET) {
            stored.set("price", price == null ? JsonNodeFactory.instance.nullNode() : stored.get("price"));
        }
        return new Alert(alertId, symbol, side, type, quantity, price, confidence, timestamp, exchange, strategy,
                write(stored));
    }

    private String symbol(JsonNode node) throws AlertRejectedException {
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isBlank())) {
            throw new AlertRejectedException(RejectionReason.MISSING_SYMBOL, "symbol is required");
        }
        if (!node.isTextual()) {
            throw new AlertRejectedException(RejectionReason.INVALID_SYMBOL, "symbol must be a string");
        }
        String symbol = Symbols.normalise(node.textValue()).orElseThrow(() -> new AlertRejectedException(
                RejectionReason.INVALID_SYMBOL, "symbol must look like BTCUSDT or BINANCE:BTCUSDT"));
        // Only spot is traded: a perpetual strategy's sell is a short and its size assumes leverage.
        if (Symbols.isPerpetual(node.textValue()) && perpetualSymbols == PerpetualSymbols.REFUSE) {
            throw new AlertRejectedException(RejectionReason.PERPETUAL_NOT_SUPPORTED, "symbol " + symbol
                    + ".P is a perpetual futures chart; only spot pairs are traded (PERPETUAL_SYMBOLS=spot "
                    + "trades the spot pair " + symbol + ")");
        }
        return symbol;
    }

    private static Side side(JsonNode node) throws AlertRejectedException {
        if (node == null || node.isNull()) {
            throw new AlertRejectedException(RejectionReason.MISSING_ACTION, "action is required: buy or sell");
        }
        if (node.isTextual()) {
            switch (node.textValue().trim().toLowerCase(Locale.ROOT)) {
                case "buy":
                    return Side.BUY;
                case "sell":
                    return Side.SELL;
                default:
                    break;
            }
        }
        throw new AlertRejectedException(RejectionReason.INVALID_ACTION, "action must be buy or sell");
    }

    private static OrderType orderType(JsonNode node) throws AlertRejectedException {
        if (node == null || node.isNull()) {
            return OrderType.MARKET;
        }
        if (node.isTextual()) {
            switch (node.textValue().trim().toLowerCase(Locale.ROOT)) {
                case "market":
                    return OrderType.MARKET;
                case "limit":
                    return OrderType.LIMIT;
                default:
                    break;
            }
        }
        throw new AlertRejectedException(RejectionReason.INVALID_ORDER_TYPE, "order_type must be market or limit");
    }

    private BigDecimal confidence(JsonNode node) throws AlertRejectedException {
        if (node == null) {
            return BigDecimal.ONE;
        }
        if (node.isNull() || isNonFinite(node)) {
            throw new AlertRejectedException(RejectionReason.CONFIDENCE_IS_NAN,
                    "confidence is NaN (or not finite); send a number from 0 to 1 or leave it out");
        }
        BigDecimal value = number(node);
        if (value == null || value.signum() < 0 || value.compareTo(BigDecimal.ONE) > 0) {
            throw new AlertRejectedException(RejectionReason.INVALID_CONFIDENCE, "confidence must be a number from 0 to 1");
        }
        return value;
    }

    private String exchange(JsonNode node) throws AlertRejectedException {
        if (node == null || node.isNull()) {
            return defaultExchange;
        }
        String name = node.isTextual() ? node.textValue().trim().toLowerCase(Locale.ROOT) : "";
        if (!EXCHANGES.contains(name)) {
            throw new AlertRejectedException(RejectionReason.INVALID_EXCHANGE, "exchange must be paper, binance or coinbase");
        }
        return name;
    }

    private static String optionalText(JsonNode node, String field, RejectionReason reason, int maxLength)
            throws AlertRejectedException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber() && field.equals("id")) {
            return node.asText();
        }
        if (!node.isTextual() || node.textValue().isEmpty() || node.textValue().length() > maxLength) {
            throw new AlertRejectedException(reason, field + " must be a string of 1 to " + maxLength + " characters");
        }
        return node.textValue();
    }

    private static BigDecimal requiredPositive(JsonNode node, String field, RejectionReason missing,
                                               RejectionReason invalid, RejectionReason nan)
            throws AlertRejectedException {
        if (node == null || node.isNull()) {
            throw new AlertRejectedException(missing, field + " is required");
        }
        if (isNonFinite(node)) {
            throw new AlertRejectedException(nan, field + " is NaN (or not finite): TradingView had no value for it");
        }
        BigDecimal value = number(node);
        checkRange(value, field, invalid);
        return value;
    }

    /** Optional: NaN, Infinity and null become null (counted); anything else must be a positive number. */
    private BigDecimal optionalPositive(ObjectNode body, String field, RejectionReason invalid)
            throws AlertRejectedException {
        JsonNode node = body.get(field);
        if (node == null) {
            return null;
        }
        if (node.isNull() || isNonFinite(node)) {
            nanReplaced.accept(field);
            return null;
        }
        BigDecimal value = number(node);
        checkRange(value, field, invalid);
        return value;
    }

    private static void checkRange(BigDecimal value, String field, RejectionReason invalid)
            throws AlertRejectedException {
        if (value == null) {
            throw new AlertRejectedException(invalid, field + " must be a number");
        }
        if (value.signum() <= 0) {
            throw new AlertRejectedException(invalid, field + " must be greater than 0");
        }
        if (value.compareTo(MAX_NUMBER) >= 0 || value.stripTrailingZeros().scale() > MAX_SCALE) {
            throw new AlertRejectedException(invalid, field + " is out of range (below 1e15, at most "
                    + MAX_SCALE + " decimals)");
        }
    }

    /** A JSON number, or a string holding one (some templates quote their numbers); null otherwise. */
    private static BigDecimal number(JsonNode node) {
        try {
            if (node.isNumber()) {
                return node.decimalValue();
            }
            if (node.isTextual()) {
                String text = node.textValue().trim();
                if (text.length() <= 64 && text.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,3})?")) {
                    return new BigDecimal(text);
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    static boolean isNonFinite(JsonNode node) {
        if (node.isDouble() || node.isFloat()) {
            double d = node.doubleValue();
            return Double.isNaN(d) || Double.isInfinite(d);
        }
        if (node.isTextual()) {
            String t = node.textValue().trim().toLowerCase(Locale.ROOT);
            return t.equals("nan") || t.equals("infinity") || t.equals("+infinity") || t.equals("-infinity")
                    || t.equals("inf") || t.equals("-inf");
        }
        return false;
    }

    /** Indicator values (fields the service does not interpret) that are NaN or infinite become null. */
    private void replaceNonFiniteIndicators(ObjectNode stored) {
        Iterator<Map.Entry<String, JsonNode>> fields = stored.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (KNOWN_FIELDS.contains(field.getKey())) {
                continue;
            }
            if (replaceNonFinite(field.getValue())) {
                nanReplaced.accept(field.getKey());
            }
            if (isNonFinite(field.getValue())) {
                field.setValue(JsonNodeFactory.instance.nullNode());
                nanReplaced.accept(field.getKey());
            }
        }
    }

    /** Replaces non-finite values nested inside arrays and objects; true when any was replaced. */
    private static boolean replaceNonFinite(JsonNode node) {
        boolean replaced = false;
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (isNonFinite(e.getValue())) {
                    e.setValue(JsonNodeFactory.instance.nullNode());
                    replaced = true;
                } else {
                    replaced |= replaceNonFinite(e.getValue());
                }
            }
        } else if (node.isArray()) {
            var array = (com.fasterxml.jackson.databind.node.ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                if (isNonFinite(array.get(i))) {
                    array.set(i, JsonNodeFactory.instance.nullNode());
                    replaced = true;
                } else {
                    replaced |= replaceNonFinite(array.get(i));
                }
            }
        }
        return replaced;
    }

    /**
     * The id of an alert that has none: a hash of its fields (secret removed) in key order, so the same
     * alert resent by TradingView after a 5xx maps to the same id whatever the key order.
     */
    private String contentId(ObjectNode withoutSecret) {
        try {
            byte[] canonical = mapper.writeValueAsBytes(sorted(withoutSecret));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
            return "sha256-" + HexFormat.of().formatHex(digest);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash an alert that was just parsed", e);
        }
    }

    private static Object sorted(JsonNode node) {
        if (node.isObject()) {
            TreeMap<String, Object> map = new TreeMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), sorted(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            java.util.List<Object> list = new java.util.ArrayList<>();
            node.forEach(n -> list.add(sorted(n)));
            return list;
        }
        if (node.isDouble() && !Double.isFinite(node.doubleValue())) {
            return node.asText();
        }
        return node;
    }

    private String write(ObjectNode node) {
        try {
            return new String(mapper.writeValueAsBytes(node), StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an alert that was just parsed", e);
        }
    }
}
