package com.fks.execution.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fks.execution.config.PerpetualSymbols;
import com.fks.execution.order.OrderKind;
import com.fks.execution.order.OrderTerms;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.PriceLevel;
import com.fks.execution.order.QuantityType;
import com.fks.execution.order.Side;

import java.math.BigDecimal;
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
    private static final int MAX_ALERT_ID_LENGTH = 200;
    /** Compiled once: String.matches would compile it for every quoted number. */
    private static final Pattern QUOTED_NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,3})?");
    /**
     * Fields the validator reads as values: never replaced as indicators. stop_loss and take_profit are not among
     * them, so a NaN inside protection that an exit ignores is still replaced in what is kept.
     */
    private static final Set<String> KNOWN_FIELDS = Set.of("secret", "symbol", "action", "quantity", "order_type",
            "price", "confidence", "id", "timestamp", "exchange", "strategy", "sentiment", "quantity_type");
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
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

    /**
     * The alert the body asks for. The body becomes the alert as kept (its secret removed, indicators that are not
     * numbers replaced, a market order's price dropped): it is changed in place, not copied, since the webhook
     * parsed it for this call alone (the copy was 850 of the 2,770 bytes a validation allocated).
     */
    public Alert validate(ObjectNode body, Instant timestamp) throws AlertRejectedException {
        String symbol = symbol(body.get("symbol"));
        AlertAction requested = action(body.get("action"));
        Sentiment sentiment = sentiment(body.get("sentiment"));
        AlertAction action = applySentiment(requested, sentiment);
        QuantityType quantityType = quantityType(body.get("quantity_type"));
        OrderType requestedType = orderType(body.get("order_type"));
        Shape shape = switch (action) {
            case BUY, SELL -> entry(body, action, quantityType, requestedType);
            case EXIT -> exit(body, requested == AlertAction.EXIT, quantityType);
            case CANCEL -> cancel(body);
        };
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
        if (explicitId != null && !isAlertId(explicitId)) {
            throw new AlertRejectedException(RejectionReason.INVALID_ID,
                    "id must be 1 to 200 printable ASCII characters without spaces");
        }
        OrderTerms terms = terms(body, action, sentiment, shape);
        body.remove("secret");
        String alertId = explicitId != null ? explicitId : contentId(body);
        replaceNonFiniteIndicators(body);
        if (shape.type() == OrderType.MARKET) {
            body.set("price", shape.price() == null ? JsonNodeFactory.instance.nullNode() : body.get("price"));
        }
        Side side = action == AlertAction.BUY ? Side.BUY : Side.SELL;
        return new Alert(alertId, symbol, action, sentiment, side, shape.type(), shape.quantity(), shape.price(),
                confidence, timestamp, exchange, strategy, write(body), terms);
    }

    /** 1 to 200 printable ASCII characters without spaces ([\\x21-\\x7e]{1,200}), checked for every alert. */
    static boolean isAlertId(String id) {
        int n = id.length();
        if (n == 0 || n > MAX_ALERT_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** The order an alert asks for, before its protection: what it counts, how much, and at what price. */
    private record Shape(OrderKind kind, QuantityType quantityType, BigDecimal quantity, OrderType type,
                         BigDecimal price) {
    }

    /**
     * Flat makes any alert an exit; short makes a sell (or an exit) an exit of the long, since spot cannot be short.
     * A buy with short stays a buy here: the pipeline answers it as ignored (a short strategy covering part of a
     * short the service never opened).
     */
    private static AlertAction applySentiment(AlertAction requested, Sentiment sentiment) {
        if (sentiment == Sentiment.FLAT) {
            return AlertAction.EXIT;
        }
        if (sentiment == Sentiment.SHORT && (requested == AlertAction.SELL || requested == AlertAction.EXIT)) {
            return AlertAction.EXIT;
        }
        return requested;
    }

    private Shape entry(ObjectNode body, AlertAction action, QuantityType given, OrderType type)
            throws AlertRejectedException {
        QuantityType quantityType = given == null ? QuantityType.BASE : given;
        BigDecimal quantity = requiredPositive(body.get("quantity"), "quantity", RejectionReason.MISSING_QUANTITY,
                RejectionReason.INVALID_QUANTITY, RejectionReason.QUANTITY_IS_NAN);
        if (action == AlertAction.BUY && quantityType == QuantityType.PERCENT_OF_POSITION) {
            throw new AlertRejectedException(RejectionReason.QUANTITY_TYPE_NOT_ALLOWED,
                    "quantity_type percent_of_position is for sell and exit; a buy is sized in base, quote or "
                            + "percent_of_balance");
        }
        checkPercent(quantityType, quantity);
        BigDecimal price;
        if (type == OrderType.LIMIT) {
            price = requiredPositive(body.get("price"), "price", RejectionReason.MISSING_PRICE,
                    RejectionReason.INVALID_PRICE, RejectionReason.PRICE_IS_NAN);
        } else {
            price = optionalPositive(body, "price", RejectionReason.INVALID_PRICE);
        }
        return new Shape(OrderKind.ENTRY, quantityType, quantity, type, price);
    }

    /**
     * An exit closes the whole position, or with percent_of_position that share of it. An explicit {@code exit}
     * with a quantity in any other unit is refused: selling the whole position instead of what was written would be
     * a surprise with money in it. An exit made by the sentiment (a strategy template's sell with flat or short)
     * closes the whole position whatever its quantity says: the strategy holds nothing more.
     */
    private Shape exit(ObjectNode body, boolean explicit, QuantityType quantityType) throws AlertRejectedException {
        BigDecimal percent = HUNDRED;
        if (explicit && quantityType == QuantityType.PERCENT_OF_POSITION) {
            percent = requiredPositive(body.get("quantity"), "quantity", RejectionReason.MISSING_QUANTITY,
                    RejectionReason.INVALID_QUANTITY, RejectionReason.QUANTITY_IS_NAN);
            checkPercent(quantityType, percent);
        } else if (explicit && quantityType != null) {
            throw new AlertRejectedException(RejectionReason.QUANTITY_TYPE_NOT_ALLOWED, "an exit is sized by "
                    + "quantity_type percent_of_position, or closes the whole position without a quantity");
        } else {
            BigDecimal quantity = optionalQuantity(body.get("quantity"));
            if (explicit && quantity != null) {
                throw new AlertRejectedException(RejectionReason.QUANTITY_TYPE_NOT_ALLOWED, "an exit closes the whole "
                        + "position without a quantity, or a share of it with quantity_type percent_of_position; "
                        + "to sell a quantity in base units send action sell");
            }
        }
        BigDecimal price = optionalPositive(body, "price", RejectionReason.INVALID_PRICE);
        return new Shape(OrderKind.EXIT, QuantityType.PERCENT_OF_POSITION, percent, OrderType.MARKET, price);
    }

    /** A cancel trades nothing: a quantity is not needed, and one that is there must still be a number. */
    private Shape cancel(ObjectNode body) throws AlertRejectedException {
        optionalQuantity(body.get("quantity"));
        BigDecimal price = optionalPositive(body, "price", RejectionReason.INVALID_PRICE);
        return new Shape(OrderKind.CANCEL, QuantityType.BASE, BigDecimal.ZERO, OrderType.MARKET, price);
    }

    /**
     * Protection is for buy entries. On any other alert it is refused, except when the alert carries a sentiment:
     * a TradingView strategy sends one message template for every order it fills, so its exits carry the same
     * stop_loss and take_profit as its entries, and refusing them would leave the position open.
     */
    private OrderTerms terms(ObjectNode body, AlertAction action, Sentiment sentiment, Shape shape)
            throws AlertRejectedException {
        JsonNode stopLossNode = body.get("stop_loss");
        JsonNode takeProfitNode = body.get("take_profit");
        boolean asked = (stopLossNode != null && !stopLossNode.isNull())
                || (takeProfitNode != null && !takeProfitNode.isNull());
        if (action != AlertAction.BUY) {
            if (asked && sentiment == null) {
                throw new AlertRejectedException(RejectionReason.PROTECTION_NOT_ALLOWED, "stop_loss and take_profit "
                        + "are placed after a buy fills; a " + action.name().toLowerCase(Locale.ROOT)
                        + " cannot carry them");
            }
            return OrderTerms.of(shape.kind(), shape.quantityType());
        }
        PriceLevel stopLoss = priceLevel(stopLossNode, "stop_loss", RejectionReason.INVALID_STOP_LOSS, true);
        PriceLevel takeProfit = priceLevel(takeProfitNode, "take_profit", RejectionReason.INVALID_TAKE_PROFIT, false);
        checkProtectionPrices(stopLoss, takeProfit, shape.price());
        return new OrderTerms(OrderKind.ENTRY, shape.quantityType(), stopLoss, takeProfit, null, null);
    }

    /** {"price": 48000} or {"percent": 2.5}: exactly one key, a positive number; a stop-loss percent below 100. */
    private static PriceLevel priceLevel(JsonNode node, String field, RejectionReason invalid, boolean stopLoss)
            throws AlertRejectedException {
        if (node == null || node.isNull()) {
            return null;
        }
        String key = node.isObject() && node.size() == 1 ? node.fieldNames().next() : "";
        if (!key.equals("price") && !key.equals("percent")) {
            throw new AlertRejectedException(invalid, field + " must be {\"price\": <number>} or {\"percent\": <number>}");
        }
        JsonNode value = node.get(key);
        String name = field + "." + key;
        if (value.isNull() || isNonFinite(value)) {
            // A protection whose level did not render must not become a buy without protection.
            throw new AlertRejectedException(invalid, name + " is NaN or null: TradingView had no value for it");
        }
        BigDecimal level = number(value);
        checkRange(level, name, invalid);
        if (stopLoss && key.equals("percent") && level.compareTo(HUNDRED) >= 0) {
            throw new AlertRejectedException(invalid, name + " must be below 100 (a stop-loss 100 % below the entry is at zero)");
        }
        return key.equals("price") ? PriceLevel.atPrice(level) : PriceLevel.atPercent(level);
    }

    /**
     * Absolute levels on the wrong side would trigger at once (a stop above the price) or never protect: checked
     * against the limit price, or a market buy's close price when the alert has one.
     */
    private static void checkProtectionPrices(PriceLevel stopLoss, PriceLevel takeProfit, BigDecimal reference)
            throws AlertRejectedException {
        BigDecimal stop = stopLoss == null ? null : stopLoss.price();
        BigDecimal target = takeProfit == null ? null : takeProfit.price();
        if (stop != null && reference != null && stop.compareTo(reference) >= 0) {
            throw new AlertRejectedException(RejectionReason.STOP_LOSS_NOT_BELOW_PRICE, "stop_loss.price "
                    + stop.toPlainString() + " must be below the price " + reference.toPlainString());
        }
        if (target != null && reference != null && target.compareTo(reference) <= 0) {
            throw new AlertRejectedException(RejectionReason.TAKE_PROFIT_NOT_ABOVE_PRICE, "take_profit.price "
                    + target.toPlainString() + " must be above the price " + reference.toPlainString());
        }
        if (stop != null && target != null && stop.compareTo(target) >= 0) {
            throw new AlertRejectedException(RejectionReason.STOP_LOSS_NOT_BELOW_TAKE_PROFIT, "stop_loss.price "
                    + stop.toPlainString() + " must be below take_profit.price " + target.toPlainString());
        }
    }

    private static void checkPercent(QuantityType quantityType, BigDecimal quantity) throws AlertRejectedException {
        boolean percent = quantityType == QuantityType.PERCENT_OF_BALANCE
                || quantityType == QuantityType.PERCENT_OF_POSITION;
        if (percent && quantity.compareTo(HUNDRED) > 0) {
            throw new AlertRejectedException(RejectionReason.PERCENT_OUT_OF_RANGE, "quantity is a percent with "
                    + "quantity_type " + quantityType.name().toLowerCase(Locale.ROOT) + ": more than 0, at most 100");
        }
    }

    /** A quantity an alert does not need: absent or null is fine; anything else must still be a valid quantity. */
    private static BigDecimal optionalQuantity(JsonNode node) throws AlertRejectedException {
        if (node == null || node.isNull()) {
            return null;
        }
        return requiredPositive(node, "quantity", RejectionReason.MISSING_QUANTITY, RejectionReason.INVALID_QUANTITY,
                RejectionReason.QUANTITY_IS_NAN);
    }

    private static Sentiment sentiment(JsonNode node) throws AlertRejectedException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            switch (node.textValue().trim().toLowerCase(Locale.ROOT)) {
                case "long", "bullish":
                    return Sentiment.LONG;
                case "short", "bearish":
                    return Sentiment.SHORT;
                case "flat":
                    return Sentiment.FLAT;
                default:
                    break;
            }
        }
        throw new AlertRejectedException(RejectionReason.INVALID_SENTIMENT,
                "sentiment must be long, short or flat (or bullish, bearish)");
    }

    private static QuantityType quantityType(JsonNode node) throws AlertRejectedException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            switch (node.textValue().trim().toLowerCase(Locale.ROOT)) {
                case "base":
                    return QuantityType.BASE;
                case "quote":
                    return QuantityType.QUOTE;
                case "percent_of_balance":
                    return QuantityType.PERCENT_OF_BALANCE;
                case "percent_of_position":
                    return QuantityType.PERCENT_OF_POSITION;
                default:
                    break;
            }
        }
        throw new AlertRejectedException(RejectionReason.INVALID_QUANTITY_TYPE,
                "quantity_type must be base, quote, percent_of_balance or percent_of_position");
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

    private static AlertAction action(JsonNode node) throws AlertRejectedException {
        if (node == null || node.isNull()) {
            throw new AlertRejectedException(RejectionReason.MISSING_ACTION, "action is required: buy, sell, exit or cancel");
        }
        if (node.isTextual()) {
            switch (node.textValue().trim().toLowerCase(Locale.ROOT)) {
                case "buy":
                    return AlertAction.BUY;
                case "sell":
                    return AlertAction.SELL;
                case "exit":
                    return AlertAction.EXIT;
                case "cancel":
                    return AlertAction.CANCEL;
                default:
                    break;
            }
        }
        throw new AlertRejectedException(RejectionReason.INVALID_ACTION, "action must be buy, sell, exit or cancel");
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
                if (text.length() <= 64 && QUOTED_NUMBER.matcher(text).matches()) {
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
            if (trimmedLength(node.textValue()) > LONGEST_NON_FINITE_WORD) {
                // Lower-casing never shortens a text, so a longer one cannot be any of the words: this skips a
                // lower-cased copy of every alert's id and other text fields.
                return false;
            }
            String t = node.textValue().trim().toLowerCase(Locale.ROOT);
            return t.equals("nan") || t.equals("infinity") || t.equals("+infinity") || t.equals("-infinity")
                    || t.equals("inf") || t.equals("-inf");
        }
        return false;
    }

    private static final int LONGEST_NON_FINITE_WORD = "+infinity".length();

    /** The length String.trim() would leave, without making the trimmed copy. */
    private static int trimmedLength(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && text.charAt(end - 1) <= ' ') {
            end--;
        }
        return end - start;
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
            // Straight to a String: the bytes first were one more copy of the alert for every webhook.
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an alert that was just parsed", e);
        }
    }
}
