package com.fks.execution.testexchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.math.BigDecimal;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local Coinbase Advanced Trade exchange for tests:
 * <ul>
 *   <li>Every request but GET /api/v3/brokerage/time needs {@code Authorization: Bearer <JWT>}: the signature is
 *       verified with the registered public key of the header's {@code kid} (ES256 or EdDSA), and the claims are
 *       checked: {@code iss} = cdp, {@code sub} = kid, {@code nbf} not in the future, {@code exp} not past and at
 *       most 120 s after nbf, {@code uri} = "METHOD host/path" of this very request, a {@code nonce} never seen
 *       before (each request its own JWT). Anything else is 401 "Unauthorized".</li>
 *   <li>Orders kept by {@code client_order_id}; a repeated id returns the existing order and creates none. MARKET
 *       (market_market_ioc) orders fill at the product's price; LIMIT (limit_limit_gtc) orders rest OPEN.
 *       Sizes and prices off the product's increments, or under its minimums, are refused with success:false.</li>
 *   <li>List Orders pages with {@code cursor} / {@code has_next}, newest first, filtered by product and start date;
 *       {@link #setMaxPageSize} makes pages small to exercise paging.</li>
 * </ul>
 */
public final class CoinbaseTestExchange extends TestExchangeServer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CLOCK_SKEW_ALLOWED = Duration.ofSeconds(5);

    /** The increments and fill price of one product. */
    public record ProductSpec(String productId, BigDecimal baseIncrement, BigDecimal quoteIncrement,
                              BigDecimal baseMinSize, BigDecimal baseMaxSize, BigDecimal quoteMinSize,
                              BigDecimal marketPrice, boolean tradingDisabled) {

        /** BTC-USD as Coinbase lists it, filled at 30000. */
        public static ProductSpec btcUsd() {
            return new ProductSpec("BTC-USD", new BigDecimal("0.00000001"), new BigDecimal("0.01"),
                    new BigDecimal("0.00000001"), new BigDecimal("3400"), new BigDecimal("1"),
                    new BigDecimal("30000"), false);
        }
    }

    /** One order as the exchange holds it. */
    public static final class Order {
        private final String orderId;
        private final String clientOrderId;
        private final String productId;
        private final String side;
        private final String configuration;
        private final BigDecimal baseSize;
        private final BigDecimal limitPrice;
        private final Instant createdTime;
        private volatile String status = "OPEN";
        private volatile BigDecimal filledSize = BigDecimal.ZERO;
        private volatile BigDecimal averageFilledPrice = BigDecimal.ZERO;

        Order(String orderId, String clientOrderId, String productId, String side, String configuration,
              BigDecimal baseSize, BigDecimal limitPrice, Instant createdTime) {
            this.orderId = orderId;
            this.clientOrderId = clientOrderId;
            this.productId = productId;
            this.side = side;
            this.configuration = configuration;
            this.baseSize = baseSize;
            this.limitPrice = limitPrice;
            this.createdTime = createdTime;
        }

        public String orderId() {
            return orderId;
        }

        public String clientOrderId() {
            return clientOrderId;
        }

        public String productId() {
            return productId;
        }

        public String side() {
            return side;
        }

        /** market_market_ioc or limit_limit_gtc. */
        public String configuration() {
            return configuration;
        }

        /** base_size exactly as received. */
        public BigDecimal baseSize() {
            return baseSize;
        }

        /** limit_price exactly as received; null for market orders. */
        public BigDecimal limitPrice() {
            return limitPrice;
        }

        public String status() {
            return status;
        }

        void fill(BigDecimal price) {
            filledSize = baseSize;
            averageFilledPrice = price;
            status = "FILLED";
        }
    }

    /** The claims of the last JWT accepted, for tests that check what the client sent. */
    public record AcceptedJwt(String algorithm, String kid, String nonce, JWTClaimsSet claims) {
    }

    private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();
    private final Map<String, ProductSpec> products = new ConcurrentHashMap<>();
    private final Map<String, Order> ordersByClientId = new LinkedHashMap<>();
    private final Set<String> seenNonces = ConcurrentHashMap.newKeySet();
    private volatile AcceptedJwt lastAcceptedJwt;
    private volatile String lastAuthFailure;
    private volatile int maxPageSize = 250;

    private CoinbaseTestExchange(Clock clock) {
        super(clock);
        addProduct(ProductSpec.btcUsd());
    }

    /** A running exchange with the product BTC-USD and no keys yet: {@link #registerKey} the client's key. */
    public static CoinbaseTestExchange start() {
        return new CoinbaseTestExchange(Clock.systemUTC());
    }

    /** Accepts JWTs with this {@code kid}, verified with this public key (EC P-256 or Ed25519). */
    public CoinbaseTestExchange registerKey(String keyName, PublicKey publicKey) {
        keys.put(keyName, publicKey);
        return this;
    }

    public CoinbaseTestExchange addProduct(ProductSpec spec) {
        products.put(spec.productId(), spec);
        return this;
    }

    public CoinbaseTestExchange setMaxPageSize(int size) {
        this.maxPageSize = size;
        return this;
    }

    public synchronized Map<String, Order> orders() {
        return new LinkedHashMap<>(ordersByClientId);
    }

    public synchronized int orderCount() {
        return ordersByClientId.size();
    }

    public synchronized void fill(String clientOrderId) {
        Order order = ordersByClientId.get(clientOrderId);
        order.fill(order.limitPrice != null ? order.limitPrice : products.get(order.productId).marketPrice());
    }

    public AcceptedJwt lastAcceptedJwt() {
        return lastAcceptedJwt;
    }

    /** Why the last refused JWT was refused (for test diagnostics; real Coinbase only says "Unauthorized"). */
    public String lastAuthFailure() {
        return lastAuthFailure;
    }

    // ---------------------------------------------------------------- routing

    @Override
    protected Response route(HttpExchange exchange, String method, String path, String query, String body)
            throws IOException {
        if ("GET".equals(method) && "/api/v3/brokerage/time".equals(path)) {
            Instant now = clock.instant();
            return new Response(200, JSON.createObjectNode().put("iso", now.toString())
                    .put("epochSeconds", String.valueOf(now.getEpochSecond()))
                    .put("epochMillis", String.valueOf(now.toEpochMilli())).toString());
        }
        String failure = authenticate(exchange, method, path);
        if (failure != null) {
            lastAuthFailure = failure;
            countRejectedAuth();
            return new Response(401, "Unauthorized");
        }
        if ("POST".equals(method) && "/api/v3/brokerage/orders".equals(path)) {
            return withFaults(exchange, Faults.Target.PLACE, () -> createOrder(body));
        }
        if ("GET".equals(method) && "/api/v3/brokerage/orders/historical/batch".equals(path)) {
            return withFaults(exchange, Faults.Target.LOOKUP, () -> listOrders(formParameters(query)));
        }
        if ("POST".equals(method) && "/api/v3/brokerage/orders/batch_cancel".equals(path)) {
            return withFaults(exchange, Faults.Target.CANCEL, () -> cancelOrders(body));
        }
        if ("GET".equals(method) && path.startsWith("/api/v3/brokerage/products/")) {
            return withFaults(exchange, Faults.Target.ANY,
                    () -> product(path.substring("/api/v3/brokerage/products/".length())));
        }
        if ("GET".equals(method) && "/api/v3/brokerage/key_permissions".equals(path)) {
            return withFaults(exchange, Faults.Target.ANY, () -> new Response(200, "{\"can_view\":true,"
                    + "\"can_trade\":true,\"can_transfer\":false,\"portfolio_uuid\":\"test-portfolio\","
                    + "\"portfolio_type\":\"DEFAULT\"}"));
        }
        return new Response(404, "{\"error\":\"NOT_FOUND\",\"message\":\"no route " + method + " " + path + "\"}");
    }

    /** Coinbase's JWT checks; returns why the token is refused, or null when it is good. */
    private String authenticate(HttpExchange exchange, String method, String path) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return "no bearer token";
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(authorization.substring("Bearer ".length()).trim());
            claims = jwt.getJWTClaimsSet();
        } catch (Exception e) {
            return "not a JWT";
        }
        String kid = jwt.getHeader().getKeyID();
        PublicKey key = kid == null ? null : keys.get(kid);
        if (key == null) {
            return "unknown kid";
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        try {
            boolean valid;
            if (JWSAlgorithm.ES256.equals(alg) && key instanceof ECPublicKey ec) {
                valid = jwt.verify(new ECDSAVerifier(ec));
            } else if (JWSAlgorithm.EdDSA.equals(alg) && "EdDSA".equals(key.getAlgorithm())
                    || JWSAlgorithm.EdDSA.equals(alg) && "Ed25519".equals(key.getAlgorithm())) {
                Signature ed25519 = Signature.getInstance("Ed25519");
                ed25519.initVerify(key);
                ed25519.update(jwt.getSigningInput());
                valid = ed25519.verify(jwt.getSignature().decode());
            } else {
                return "algorithm " + alg + " does not fit the key";
            }
            if (!valid) {
                return "bad signature";
            }
        } catch (Exception e) {
            return "signature check failed: " + e.getClass().getSimpleName();
        }
        Instant now = clock.instant();
        if (!"cdp".equals(claims.getIssuer())) {
            return "iss is not cdp";
        }
        if (!kid.equals(claims.getSubject())) {
            return "sub is not the key name";
        }
        if (claims.getNotBeforeTime() == null || claims.getExpirationTime() == null) {
            return "nbf or exp missing";
        }
        Instant nbf = claims.getNotBeforeTime().toInstant();
        Instant exp = claims.getExpirationTime().toInstant();
        if (nbf.isAfter(now.plus(CLOCK_SKEW_ALLOWED))) {
            return "nbf is in the future";
        }
        if (!exp.isAfter(now)) {
            return "exp has passed";
        }
        if (Duration.between(nbf, exp).compareTo(Duration.ofSeconds(120)) > 0) {
            return "lifetime over 120 s";
        }
        String host = exchange.getRequestHeaders().getFirst("Host");
        Object uri = claims.getClaim("uri");
        if (!(method + " " + host + path).equals(uri)) {
            return "uri claim does not match the request";
        }
        Object nonce = jwt.getHeader().getCustomParam("nonce");
        if (!(nonce instanceof String text) || text.isBlank()) {
            return "nonce missing";
        }
        if (!seenNonces.add(text)) {
            return "nonce reused";
        }
        lastAcceptedJwt = new AcceptedJwt(alg.getName(), kid, text, claims);
        return null;
    }

    // ---------------------------------------------------------------- endpoints

    private Response createOrder(String body) throws IOException {
        JsonNode request = JSON.readTree(body);
        String clientOrderId = request.path("client_order_id").asText("");
        String productId = request.path("product_id").asText("");
        String side = request.path("side").asText("");
        synchronized (this) {
            Order existing = ordersByClientId.get(clientOrderId);
            if (existing != null) {
                return new Response(200, success(existing));
            }
        }
        ProductSpec product = products.get(productId);
        if (product == null) {
            return refusal("INVALID_PRODUCT_ID", "Invalid product_id", "PREVIEW_INVALID_PRODUCT_ID");
        }
        if (product.tradingDisabled()) {
            return refusal("TRADING_DISABLED", "Trading is disabled for this product", "UNKNOWN_PREVIEW_FAILURE_REASON");
        }
        if (clientOrderId.isEmpty() || (!"BUY".equals(side) && !"SELL".equals(side))) {
            return new Response(400, "{\"error\":\"INVALID_ARGUMENT\",\"message\":\"client_order_id and side are"
                    + " required\"}");
        }
        JsonNode configuration = request.path("order_configuration");
        String kind;
        JsonNode spec;
        if (configuration.has("market_market_ioc")) {
            kind = "market_market_ioc";
        } else if (configuration.has("limit_limit_gtc")) {
            kind = "limit_limit_gtc";
        } else {
            return new Response(400, "{\"error\":\"INVALID_ARGUMENT\",\"message\":\"unsupported order configuration\"}");
        }
        spec = configuration.get(kind);
        BigDecimal baseSize = new BigDecimal(spec.path("base_size").asText("0"));
        BigDecimal limitPrice = spec.hasNonNull("limit_price") ? new BigDecimal(spec.get("limit_price").asText())
                : null;
        if (baseSize.remainder(product.baseIncrement()).signum() != 0) {
            return refusal("INVALID_SIZE_PRECISION", "Invalid order size precision", "PREVIEW_INVALID_SIZE_PRECISION");
        }
        if (baseSize.compareTo(product.baseMinSize()) < 0) {
            return refusal("INVALID_SIZE_TOO_SMALL", "Order size is too small",
                    "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL");
        }
        if (limitPrice != null && limitPrice.remainder(product.quoteIncrement()).signum() != 0) {
            return refusal("INVALID_PRICE_PRECISION", "Invalid limit price precision",
                    "PREVIEW_INVALID_LIMIT_PRICE_PRECISION");
        }
        BigDecimal price = limitPrice != null ? limitPrice : product.marketPrice();
        if (baseSize.multiply(price).compareTo(product.quoteMinSize()) < 0) {
            return refusal("INVALID_QUOTE_SIZE_TOO_SMALL", "Order value is too small",
                    "PREVIEW_INVALID_QUOTE_SIZE_TOO_SMALL");
        }
        synchronized (this) {
            Order existing = ordersByClientId.get(clientOrderId);
            if (existing != null) {
                return new Response(200, success(existing));
            }
            Order order = new Order(UUID.randomUUID().toString(), clientOrderId, productId, side, kind, baseSize,
                    limitPrice, clock.instant());
            if ("market_market_ioc".equals(kind)) {
                order.fill(product.marketPrice());
            }
            ordersByClientId.put(clientOrderId, order);
            return new Response(200, success(order));
        }
    }

    private synchronized Response listOrders(Map<String, String> params) {
        String productIds = params.getOrDefault("product_ids", params.get("product_id"));
        Instant since = params.containsKey("start_date") ? Instant.parse(params.get("start_date")) : Instant.MIN;
        int limit = Math.min(maxPageSize, Integer.parseInt(params.getOrDefault("limit", "100")));
        int offset = params.containsKey("cursor") ? Integer.parseInt(params.get("cursor")) : 0;
        List<Order> matching = new ArrayList<>();
        for (Order order : ordersByClientId.values()) {
            if ((productIds == null || productIds.equals(order.productId)) && !order.createdTime.isBefore(since)) {
                matching.add(0, order);  // newest first
            }
        }
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode list = answer.putArray("orders");
        int end = Math.min(matching.size(), offset + limit);
        for (int i = offset; i < end; i++) {
            list.add(orderJson(matching.get(i)));
        }
        answer.put("sequence", "0");
        answer.put("has_next", end < matching.size());
        answer.put("cursor", end < matching.size() ? String.valueOf(end) : "");
        return new Response(200, answer.toString());
    }

    private synchronized Response cancelOrders(String body) throws IOException {
        JsonNode request = JSON.readTree(body);
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode results = answer.putArray("results");
        for (JsonNode id : request.path("order_ids")) {
            Order order = ordersByClientId.values().stream().filter(o -> o.orderId.equals(id.asText())).findFirst()
                    .orElse(null);
            ObjectNode result = results.addObject().put("order_id", id.asText());
            if (order == null) {
                result.put("success", false).put("failure_reason", "UNKNOWN_CANCEL_ORDER");
            } else if (!"OPEN".equals(order.status)) {
                result.put("success", false).put("failure_reason", "INVALID_CANCEL_REQUEST");
            } else {
                order.status = "CANCELLED";
                result.put("success", true).put("failure_reason", "UNKNOWN_CANCEL_FAILURE_REASON");
            }
        }
        return new Response(200, answer.toString());
    }

    private Response product(String productId) {
        ProductSpec spec = products.get(productId);
        if (spec == null) {
            return new Response(404, "{\"error\":\"NOT_FOUND\",\"error_details\":\"ProductID is invalid\","
                    + "\"message\":\"ProductID is invalid\"}");
        }
        String[] parts = productId.split("-");
        ObjectNode node = JSON.createObjectNode();
        node.put("product_id", productId).put("price", spec.marketPrice().toPlainString())
                .put("base_increment", spec.baseIncrement().toPlainString())
                .put("quote_increment", spec.quoteIncrement().toPlainString())
                .put("quote_min_size", spec.quoteMinSize().toPlainString())
                .put("quote_max_size", "150000000")
                .put("base_min_size", spec.baseMinSize().toPlainString())
                .put("base_max_size", spec.baseMaxSize().toPlainString())
                .put("base_currency_id", parts[0]).put("quote_currency_id", parts[1])
                .put("status", "online").put("trading_disabled", spec.tradingDisabled())
                .put("is_disabled", false).put("cancel_only", false).put("limit_only", false)
                .put("post_only", false).put("product_type", "SPOT")
                .put("price_increment", spec.quoteIncrement().toPlainString());
        return new Response(200, node.toString());
    }

    private ObjectNode orderJson(Order order) {
        ObjectNode node = JSON.createObjectNode();
        node.put("order_id", order.orderId).put("product_id", order.productId).put("user_id", "test-user")
                .put("side", order.side).put("client_order_id", order.clientOrderId).put("status", order.status)
                .put("time_in_force", "market_market_ioc".equals(order.configuration) ? "IMMEDIATE_OR_CANCEL"
                        : "GOOD_UNTIL_CANCELLED")
                .put("created_time", order.createdTime.toString())
                .put("filled_size", order.filledSize.toPlainString())
                .put("average_filled_price", order.averageFilledPrice.toPlainString())
                .put("order_type", "market_market_ioc".equals(order.configuration) ? "MARKET" : "LIMIT")
                .put("product_type", "SPOT");
        ObjectNode configuration = node.putObject("order_configuration").putObject(order.configuration);
        configuration.put("base_size", order.baseSize.toPlainString());
        if (order.limitPrice != null) {
            configuration.put("limit_price", order.limitPrice.toPlainString()).put("post_only", false);
        }
        return node;
    }

    private static String success(Order order) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("success", true);
        answer.putObject("success_response").put("order_id", order.orderId).put("product_id", order.productId)
                .put("side", order.side).put("client_order_id", order.clientOrderId);
        return answer.toString();
    }

    private static Response refusal(String error, String message, String previewReason) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("success", false).put("failure_reason", "UNKNOWN_FAILURE_REASON").put("order_id", "");
        answer.putObject("error_response").put("error", error).put("message", message)
                .put("error_details", message).put("preview_failure_reason", previewReason);
        return new Response(200, answer.toString());
    }

    // ---------------------------------------------------------------- fault answers

    @Override
    protected Response banned(Duration left) {
        return rateLimited(left);
    }

    @Override
    protected Response rateLimited(Duration retryAfter) {
        return new Response(429, "{\"error\":\"RATE_LIMIT_EXCEEDED\",\"message\":\"Too many requests\"}",
                Map.of("Retry-After", retryAfterSeconds(retryAfter)));
    }

    @Override
    protected Response rejection(Faults.Target kind, Faults.Reject reject) {
        if (kind == Faults.Target.PLACE) {
            ObjectNode answer = JSON.createObjectNode();
            answer.put("success", false)
                    .put("failure_reason", reject.detail() != null ? reject.detail() : "UNKNOWN_FAILURE_REASON")
                    .put("order_id", "");
            answer.putObject("error_response").put("error", reject.code()).put("message", reject.message())
                    .put("error_details", reject.message());
            return new Response(200, answer.toString());
        }
        return new Response(400, JSON.createObjectNode().put("error", reject.code())
                .put("message", reject.message()).toString());
    }

    @Override
    protected Response serverError(Faults.ServerError error) {
        return new Response(error.status(), JSON.createObjectNode()
                .put("error", error.code() != null ? error.code() : "INTERNAL")
                .put("message", error.message() != null ? error.message() : "internal error").toString());
    }
}
