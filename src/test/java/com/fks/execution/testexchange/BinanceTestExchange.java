package com.fks.execution.testexchange;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local Binance spot REST exchange for tests, faithful to binance-spot-api-docs where the adapter depends on it:
 * <ul>
 *   <li>SIGNED endpoints: the API key from {@code X-MBX-APIKEY} (-2014 when missing, -2015 when unknown, HTTP 401);
 *       the HMAC-SHA256 signature recomputed over the query string followed by the body, without the
 *       {@code signature} parameter (-1022, HTTP 400); {@code timestamp} against {@code recvWindow} (default 5000,
 *       at most 60000) and no more than 1000 ms ahead of the server (-1021).</li>
 *   <li>Orders kept by {@code newClientOrderId}; a duplicate among OPEN orders is -2010 "Duplicate order sent.",
 *       while the id of a filled or canceled order may be used again (Binance's rule, and why lookups come first).
 *       Filters (LOT_SIZE, MARKET_LOT_SIZE, PRICE_FILTER, NOTIONAL) enforced with -1013. MARKET orders fill at the
 *       symbol's configured price; LIMIT orders rest (NEW) until {@link #fill} or a cancel.</li>
 *   <li>{@code X-MBX-USED-WEIGHT-1M} on every answer: the weight used this minute plus {@link #setUsedWeightBaseline}.</li>
 * </ul>
 * Start with {@link #start(String, String)}; close after the test.
 */
public final class BinanceTestExchange extends TestExchangeServer {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The filters and fill price of one symbol. Zero disables a filter value, as at Binance. */
    public record SymbolSpec(String symbol, String status,
                             BigDecimal lotStep, BigDecimal lotMin, BigDecimal lotMax,
                             BigDecimal marketStep, BigDecimal marketMin, BigDecimal marketMax,
                             BigDecimal tickSize, BigDecimal minPrice, BigDecimal maxPrice,
                             BigDecimal minNotional, boolean applyMinToMarket, BigDecimal marketPrice) {

        /** BTCUSDT's real filters (2024/25), filled at 30000. */
        public static SymbolSpec btcUsdt() {
            return new SymbolSpec("BTCUSDT", "TRADING",
                    new BigDecimal("0.00001000"), new BigDecimal("0.00001000"), new BigDecimal("9000.00000000"),
                    new BigDecimal("0.00000000"), new BigDecimal("0.00000000"), new BigDecimal("83.14000000"),
                    new BigDecimal("0.01000000"), new BigDecimal("0.01000000"), new BigDecimal("1000000.00000000"),
                    new BigDecimal("5.00000000"), true, new BigDecimal("30000"));
        }

        public SymbolSpec withMarketPrice(BigDecimal price) {
            return new SymbolSpec(symbol, status, lotStep, lotMin, lotMax, marketStep, marketMin, marketMax,
                    tickSize, minPrice, maxPrice, minNotional, applyMinToMarket, price);
        }

        public SymbolSpec withStatus(String newStatus) {
            return new SymbolSpec(symbol, newStatus, lotStep, lotMin, lotMax, marketStep, marketMin, marketMax,
                    tickSize, minPrice, maxPrice, minNotional, applyMinToMarket, marketPrice);
        }
    }

    /** One order as the exchange holds it. */
    public static final class Order {
        private final long orderId;
        private final String clientOrderId;
        private final String symbol;
        private final String side;
        private final String type;
        private final BigDecimal quantity;
        private final BigDecimal price;
        private final long time;
        private volatile String status;
        private volatile BigDecimal executedQty = BigDecimal.ZERO;
        private volatile BigDecimal cummulativeQuoteQty = BigDecimal.ZERO;

        Order(long orderId, String clientOrderId, String symbol, String side, String type, BigDecimal quantity,
              BigDecimal price, long time) {
            this.orderId = orderId;
            this.clientOrderId = clientOrderId;
            this.symbol = symbol;
            this.side = side;
            this.type = type;
            this.quantity = quantity;
            this.price = price;
            this.time = time;
            this.status = "NEW";
        }

        public long orderId() {
            return orderId;
        }

        public String clientOrderId() {
            return clientOrderId;
        }

        public String symbol() {
            return symbol;
        }

        public String side() {
            return side;
        }

        public String type() {
            return type;
        }

        /** The quantity exactly as received. */
        public BigDecimal quantity() {
            return quantity;
        }

        /** The limit price exactly as received; null for MARKET. */
        public BigDecimal price() {
            return price;
        }

        public String status() {
            return status;
        }

        public BigDecimal executedQty() {
            return executedQty;
        }

        boolean isOpen() {
            return "NEW".equals(status) || "PARTIALLY_FILLED".equals(status);
        }

        void fill(BigDecimal atPrice) {
            executedQty = quantity;
            cummulativeQuoteQty = quantity.multiply(atPrice);
            status = "FILLED";
        }
    }

    private final Map<String, String> secretsByKey = new ConcurrentHashMap<>();
    private final Map<String, SymbolSpec> symbols = new ConcurrentHashMap<>();
    private final List<Order> allOrders = new ArrayList<>();
    private final Map<String, Order> latestByClientOrderId = new LinkedHashMap<>();
    private final AtomicLong nextOrderId = new AtomicLong(1000);
    private final Map<Long, Integer> weightByMinute = new ConcurrentHashMap<>();
    private volatile Duration serverClockSkew = Duration.ZERO;
    private volatile int usedWeightBaseline;
    private volatile boolean fillLimitOrdersOnArrival;

    private BinanceTestExchange(Clock clock) {
        super(clock);
        addSymbol(SymbolSpec.btcUsdt());
    }

    /** A running exchange that knows one API key and its secret, and the symbol BTCUSDT. */
    public static BinanceTestExchange start(String apiKey, String apiSecret) {
        BinanceTestExchange exchange = new BinanceTestExchange(Clock.systemUTC());
        exchange.addApiKey(apiKey, apiSecret);
        return exchange;
    }

    public BinanceTestExchange addApiKey(String apiKey, String apiSecret) {
        secretsByKey.put(apiKey, apiSecret);
        return this;
    }

    public BinanceTestExchange addSymbol(SymbolSpec spec) {
        symbols.put(spec.symbol(), spec);
        return this;
    }

    /** Moves the exchange's clock (GET /api/v3/time and the recvWindow check) away from real time. */
    public BinanceTestExchange setServerClockSkew(Duration skew) {
        this.serverClockSkew = skew;
        return this;
    }

    /** Weight other clients behind the same IP have used: added to X-MBX-USED-WEIGHT-1M. */
    public BinanceTestExchange setUsedWeightBaseline(int weight) {
        this.usedWeightBaseline = weight;
        return this;
    }

    /**
     * LIMIT orders fill at their price as they arrive instead of resting (the benchmark's exchange: a resting
     * order is looked up again and again, and those lookups would spend the minute's request weight).
     */
    public BinanceTestExchange fillLimitOrdersOnArrival(boolean fill) {
        this.fillLimitOrdersOnArrival = fill;
        return this;
    }

    /** The latest order of each client order id. */
    public synchronized Map<String, Order> orders() {
        return new LinkedHashMap<>(latestByClientOrderId);
    }

    /** Every order ever accepted, reused client order ids counted each time. */
    public synchronized int orderCount() {
        return allOrders.size();
    }

    /** Every order accepted with this client order id (more than one when a filled order's id was reused). */
    public synchronized List<Order> ordersWithClientOrderId(String clientOrderId) {
        return allOrders.stream().filter(o -> o.clientOrderId.equals(clientOrderId)).toList();
    }

    /** Fills a resting order at its limit price (a LIMIT order's counterpart arrived). */
    public synchronized void fill(String clientOrderId) {
        Order order = latestByClientOrderId.get(clientOrderId);
        if (order == null || !order.isOpen()) {
            throw new IllegalStateException("no open order " + clientOrderId);
        }
        order.fill(order.price != null ? order.price : symbols.get(order.symbol).marketPrice());
    }

    /**
     * Ends a resting order at the exchange, not by this client: {@code CANCELED} (the account holder canceled it
     * on the website) or {@code EXPIRED} (the venue expired it, e.g. at a maintenance). Anything filled stays.
     */
    public synchronized void close(String clientOrderId, String status) {
        if (!"CANCELED".equals(status) && !"EXPIRED".equals(status)) {
            throw new IllegalArgumentException("a resting order ends CANCELED or EXPIRED, not " + status);
        }
        Order order = latestByClientOrderId.get(clientOrderId);
        if (order == null || !order.isOpen()) {
            throw new IllegalStateException("no open order " + clientOrderId);
        }
        order.status = status;
    }

    /** Fills part of a resting order at its limit price; it stays open (PARTIALLY_FILLED). */
    public synchronized void fillPart(String clientOrderId, BigDecimal quantity) {
        Order order = latestByClientOrderId.get(clientOrderId);
        if (order == null || !order.isOpen() || quantity.compareTo(order.quantity) >= 0) {
            throw new IllegalStateException("no open order " + clientOrderId + " larger than " + quantity);
        }
        order.executedQty = quantity;
        order.cummulativeQuoteQty = quantity.multiply(order.price);
        order.status = "PARTIALLY_FILLED";
    }

    // ---------------------------------------------------------------- routing

    @Override
    protected Response route(HttpExchange exchange, String method, String path, String query, String body)
            throws IOException {
        Response response = routeUnweighted(exchange, method, path, query, body);
        if (response == null) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>(response.headers());
        headers.put("X-MBX-USED-WEIGHT-1M", String.valueOf(usedWeightBaseline
                + weightByMinute.getOrDefault(serverMillis() / 60_000, 0)));
        return new Response(response.status(), response.body(), headers);
    }

    private Response routeUnweighted(HttpExchange exchange, String method, String path, String query, String body)
            throws IOException {
        String route = method + " " + path;
        switch (route) {
            case "GET /api/v3/ping":
                addWeight(1);
                return withFaults(exchange, Faults.Target.ANY, () -> new Response(200, "{}"));
            case "GET /api/v3/time":
                addWeight(1);
                return withFaults(exchange, Faults.Target.ANY,
                        () -> new Response(200, "{\"serverTime\":" + serverMillis() + "}"));
            case "GET /api/v3/exchangeInfo":
                addWeight(20);
                return withFaults(exchange, Faults.Target.ANY, () -> exchangeInfo(formParameters(query)));
            case "POST /api/v3/order":
                addWeight(1);
                return signed(exchange, query, body, params ->
                        withFaults(exchange, Faults.Target.PLACE, () -> newOrder(params)));
            case "GET /api/v3/order":
                addWeight(4);
                return signed(exchange, query, body, params ->
                        withFaults(exchange, Faults.Target.LOOKUP, () -> queryOrder(params)));
            case "DELETE /api/v3/order":
                addWeight(1);
                return signed(exchange, query, body, params ->
                        withFaults(exchange, Faults.Target.CANCEL, () -> cancelOrder(params)));
            default:
                return error(404, -1000, "Unknown endpoint " + route);
        }
    }

    @FunctionalInterface
    private interface SignedWork {
        Response run(Map<String, String> params) throws IOException;
    }

    /** Binance's checks of a SIGNED request, in the order a client meets them. */
    private Response signed(HttpExchange exchange, String query, String body, SignedWork work) throws IOException {
        String apiKey = exchange.getRequestHeaders().getFirst("X-MBX-APIKEY");
        if (apiKey == null || apiKey.isBlank()) {
            countRejectedAuth();
            return error(401, -2014, "API-key format invalid.");
        }
        String secret = secretsByKey.get(apiKey);
        if (secret == null) {
            countRejectedAuth();
            return error(401, -2015, "Invalid API-key, IP, or permissions for action.");
        }
        Map<String, String> params = new LinkedHashMap<>(formParameters(query));
        params.putAll(formParameters(body));
        String signature = params.remove("signature");
        if (signature == null || signature.isEmpty()) {
            return error(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
        }
        // totalParams = query string concatenated with the body, each without the signature parameter.
        String totalParams = withoutSignature(query) + withoutSignature(body);
        String expected = hmacHex(secret, totalParams);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            countRejectedAuth();
            return error(400, -1022, "Signature for this request is not valid.");
        }
        String timestamp = params.get("timestamp");
        if (timestamp == null) {
            return error(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
        }
        long recvWindow = params.containsKey("recvWindow") ? Long.parseLong(params.get("recvWindow")) : 5000;
        if (recvWindow > 60_000) {
            return error(400, -1131, "recvWindow must be less than 60000");
        }
        long sentAt = Long.parseLong(timestamp);
        long now = serverMillis();
        if (sentAt > now + 1000) {
            return error(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");
        }
        if (now - sentAt > recvWindow) {
            return error(400, -1021, "Timestamp for this request is outside of the recvWindow.");
        }
        return work.run(params);
    }

    // ---------------------------------------------------------------- endpoints

    private Response exchangeInfo(Map<String, String> params) {
        String wanted = params.get("symbol");
        ObjectNode root = JSON.createObjectNode();
        root.put("timezone", "UTC");
        root.put("serverTime", serverMillis());
        ArrayNode limits = root.putArray("rateLimits");
        limits.addObject().put("rateLimitType", "REQUEST_WEIGHT").put("interval", "MINUTE")
                .put("intervalNum", 1).put("limit", 6000);
        ArrayNode list = root.putArray("symbols");
        for (SymbolSpec spec : symbols.values()) {
            if (wanted != null && !wanted.equals(spec.symbol())) {
                continue;
            }
            ObjectNode symbol = list.addObject();
            symbol.put("symbol", spec.symbol()).put("status", spec.status());
            ArrayNode filters = symbol.putArray("filters");
            filters.addObject().put("filterType", "PRICE_FILTER").put("minPrice", s(spec.minPrice()))
                    .put("maxPrice", s(spec.maxPrice())).put("tickSize", s(spec.tickSize()));
            filters.addObject().put("filterType", "LOT_SIZE").put("minQty", s(spec.lotMin()))
                    .put("maxQty", s(spec.lotMax())).put("stepSize", s(spec.lotStep()));
            filters.addObject().put("filterType", "ICEBERG_PARTS").put("limit", 10);
            filters.addObject().put("filterType", "MARKET_LOT_SIZE").put("minQty", s(spec.marketMin()))
                    .put("maxQty", s(spec.marketMax())).put("stepSize", s(spec.marketStep()));
            filters.addObject().put("filterType", "NOTIONAL").put("minNotional", s(spec.minNotional()))
                    .put("applyMinToMarket", spec.applyMinToMarket()).put("maxNotional", "9000000.00000000")
                    .put("applyMaxToMarket", false).put("avgPriceMins", 5);
        }
        if (wanted != null && list.isEmpty()) {
            return error(400, -1121, "Invalid symbol.");
        }
        return new Response(200, root.toString());
    }

    private Response newOrder(Map<String, String> params) {
        String symbolName = params.get("symbol");
        SymbolSpec spec = symbolName == null ? null : symbols.get(symbolName);
        if (spec == null) {
            return error(400, -1121, "Invalid symbol.");
        }
        String side = params.get("side");
        String type = params.get("type");
        if (!"BUY".equals(side) && !"SELL".equals(side)) {
            return error(400, -1117, "Invalid side.");
        }
        if (!"MARKET".equals(type) && !"LIMIT".equals(type)) {
            return error(400, -1116, "Invalid orderType.");
        }
        if (params.get("quantity") == null) {
            return error(400, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
        }
        BigDecimal quantity = new BigDecimal(params.get("quantity"));
        BigDecimal price = null;
        if ("LIMIT".equals(type)) {
            if (!"GTC".equals(params.get("timeInForce")) && !"IOC".equals(params.get("timeInForce"))
                    && !"FOK".equals(params.get("timeInForce"))) {
                return error(400, -1102, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.");
            }
            if (params.get("price") == null) {
                return error(400, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
            }
            price = new BigDecimal(params.get("price"));
            if (!passes(price, spec.minPrice(), spec.maxPrice(), spec.tickSize())) {
                return error(400, -1013, "Filter failure: PRICE_FILTER");
            }
        }
        if (!passes(quantity, spec.lotMin(), spec.lotMax(), spec.lotStep())) {
            return error(400, -1013, "Filter failure: LOT_SIZE");
        }
        if ("MARKET".equals(type) && !passes(quantity, spec.marketMin(), spec.marketMax(), spec.marketStep())) {
            return error(400, -1013, "Filter failure: MARKET_LOT_SIZE");
        }
        BigDecimal notionalPrice = "LIMIT".equals(type) ? price : spec.applyMinToMarket() ? spec.marketPrice() : null;
        if (notionalPrice != null && spec.minNotional().signum() > 0
                && quantity.multiply(notionalPrice).compareTo(spec.minNotional()) < 0) {
            return error(400, -1013, "Filter failure: NOTIONAL");
        }
        if (!"TRADING".equals(spec.status())) {
            return error(400, -1013, "Market is closed.");
        }

        Order order;
        synchronized (this) {
            String clientOrderId = params.getOrDefault("newClientOrderId", "x-" + nextOrderId.get());
            Order existing = latestByClientOrderId.get(clientOrderId);
            if (existing != null && existing.isOpen()) {
                return error(400, -2010, "Duplicate order sent.");
            }
            order = new Order(nextOrderId.getAndIncrement(), clientOrderId, symbolName, side, type, quantity, price,
                    serverMillis());
            if ("MARKET".equals(type)) {
                order.fill(spec.marketPrice());
            } else if (fillLimitOrdersOnArrival) {
                order.fill(price);
            }
            allOrders.add(order);
            latestByClientOrderId.put(clientOrderId, order);
        }
        ObjectNode answer = orderJson(order);
        answer.put("transactTime", order.time);
        if ("FULL".equals(params.get("newOrderRespType"))) {
            ArrayNode fills = answer.putArray("fills");
            if ("FILLED".equals(order.status)) {
                fills.addObject().put("price", s(order.price != null ? order.price : spec.marketPrice()))
                        .put("qty", s(order.quantity))
                        .put("commission", "0").put("commissionAsset", "BNB").put("tradeId", order.orderId);
            }
        }
        return new Response(200, answer.toString());
    }

    private synchronized Response queryOrder(Map<String, String> params) {
        Order order = find(params);
        if (order == null) {
            return error(400, -2013, "Order does not exist.");
        }
        ObjectNode answer = orderJson(order);
        answer.put("time", order.time).put("updateTime", order.time).put("isWorking", order.isOpen());
        return new Response(200, answer.toString());
    }

    private synchronized Response cancelOrder(Map<String, String> params) {
        Order order = find(params);
        if (order == null || !order.isOpen()) {
            return error(400, -2011, "Unknown order sent.");
        }
        order.status = "CANCELED";
        ObjectNode answer = orderJson(order);
        answer.put("origClientOrderId", order.clientOrderId);
        answer.put("clientOrderId", "cancel-" + order.orderId);
        answer.put("transactTime", serverMillis());
        return new Response(200, answer.toString());
    }

    private Order find(Map<String, String> params) {
        String symbolName = params.get("symbol");
        Order order = null;
        if (params.containsKey("origClientOrderId")) {
            order = latestByClientOrderId.get(params.get("origClientOrderId"));
        } else if (params.containsKey("orderId")) {
            long id = Long.parseLong(params.get("orderId"));
            order = allOrders.stream().filter(o -> o.orderId == id).findFirst().orElse(null);
        }
        return order != null && order.symbol.equals(symbolName) ? order : null;
    }

    private ObjectNode orderJson(Order order) {
        ObjectNode node = JSON.createObjectNode();
        node.put("symbol", order.symbol).put("orderId", order.orderId).put("orderListId", -1)
                .put("clientOrderId", order.clientOrderId)
                .put("price", order.price == null ? "0.00000000" : s(order.price))
                .put("origQty", s(order.quantity)).put("executedQty", s(order.executedQty))
                .put("cummulativeQuoteQty", s(order.cummulativeQuoteQty)).put("status", order.status)
                .put("timeInForce", "LIMIT".equals(order.type) ? "GTC" : "GTC").put("type", order.type)
                .put("side", order.side).put("workingTime", order.time).put("selfTradePreventionMode", "NONE");
        return node;
    }

    // ---------------------------------------------------------------- fault answers

    @Override
    protected Response banned(Duration left) {
        return new Response(418, error(-1003, "Way too much request weight used; IP banned until "
                + (serverMillis() + left.toMillis()) + "."), Map.of("Retry-After", retryAfterSeconds(left)));
    }

    @Override
    protected Response rateLimited(Duration retryAfter) {
        return new Response(429, error(-1003, "Too much request weight used; current limit is 6000 request weight"
                + " per 1 MINUTE."), Map.of("Retry-After", retryAfterSeconds(retryAfter)));
    }

    @Override
    protected Response rejection(Faults.Target kind, Faults.Reject reject) {
        return error(400, Integer.parseInt(reject.code()), reject.message());
    }

    @Override
    protected Response serverError(Faults.ServerError fault) {
        if (fault.code() != null) {
            return error(fault.status(), Integer.parseInt(fault.code()), fault.message());
        }
        return new Response(fault.status(), "<html><body>" + fault.status() + " Service Unavailable</body></html>");
    }

    // ---------------------------------------------------------------- helpers

    private long serverMillis() {
        return clock.millis() + serverClockSkew.toMillis();
    }

    private void addWeight(int weight) {
        weightByMinute.merge(serverMillis() / 60_000, weight, Integer::sum);
    }

    private static Response error(int status, int code, String message) {
        return new Response(status, error(code, message));
    }

    private static String error(int code, String message) {
        return JSON.createObjectNode().put("code", code).put("msg", message).toString();
    }

    private static boolean passes(BigDecimal value, BigDecimal min, BigDecimal max, BigDecimal step) {
        if (min != null && min.signum() > 0 && value.compareTo(min) < 0) {
            return false;
        }
        if (max != null && max.signum() > 0 && value.compareTo(max) > 0) {
            return false;
        }
        if (step != null && step.signum() > 0) {
            return value.remainder(step).signum() == 0;
        }
        return true;
    }

    private static String withoutSignature(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return "";
        }
        StringBuilder kept = new StringBuilder();
        for (String pair : encoded.split("&")) {
            if (pair.startsWith("signature=")) {
                continue;
            }
            if (kept.length() > 0) {
                kept.append('&');
            }
            kept.append(pair);
        }
        return kept.toString();
    }

    static String hmacHex(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String s(BigDecimal value) {
        return value == null ? "0.00000000" : value.setScale(Math.max(8, value.scale()), RoundingMode.UNNECESSARY)
                .toPlainString();
    }
}
