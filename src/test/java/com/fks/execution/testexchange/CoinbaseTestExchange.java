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
import java.math.RoundingMode;
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
 *       (market_market_ioc, with base_size, or quote_size for a buy) orders fill at the product's last price;
 *       limit_limit_gtc, stop_limit_stop_limit_gtc and (SELL) trigger_bracket_gtc orders rest OPEN until
 *       {@link #fill} or a {@link #setLastPrice} that crosses them. Sizes and prices off the product's increments,
 *       or under its minimums, are refused with success:false.</li>
 *   <li>List Accounts ({@code GET /api/v3/brokerage/accounts}) answers the balances a test set with
 *       {@link #setBalance}, paged with {@code limit}/{@code cursor}/{@code has_next}; {@code available_balance}
 *       is the balance less what open orders hold, and fills move the balances (no fees).</li>
 *   <li>Get Order by order id, whatever its age ({@link #ageOrder} makes an order older).</li>
 *   <li>List Orders pages with {@code cursor} / {@code has_next}, newest first, filtered by product, start date and
 *       {@code order_status};
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
        private final BigDecimal quoteSize;
        private final BigDecimal limitPrice;
        private final BigDecimal stopPrice;
        private final String stopDirection;
        private final BigDecimal stopTriggerPrice;
        private volatile Instant createdTime;
        private volatile String status = "OPEN";
        private volatile boolean triggered;
        private volatile BigDecimal filledSize = BigDecimal.ZERO;
        private volatile BigDecimal averageFilledPrice = BigDecimal.ZERO;

        Order(String orderId, String clientOrderId, String productId, String side, String configuration,
              BigDecimal baseSize, BigDecimal quoteSize, BigDecimal limitPrice, BigDecimal stopPrice,
              String stopDirection, BigDecimal stopTriggerPrice, Instant createdTime) {
            this.orderId = orderId;
            this.clientOrderId = clientOrderId;
            this.productId = productId;
            this.side = side;
            this.configuration = configuration;
            this.baseSize = baseSize;
            this.quoteSize = quoteSize;
            this.limitPrice = limitPrice;
            this.stopPrice = stopPrice;
            this.stopDirection = stopDirection;
            this.stopTriggerPrice = stopTriggerPrice;
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

        /** market_market_ioc, limit_limit_gtc, stop_limit_stop_limit_gtc or trigger_bracket_gtc. */
        public String configuration() {
            return configuration;
        }

        /** base_size exactly as received; for a quote-sized market order, the base it bought once filled. */
        public BigDecimal baseSize() {
            return baseSize != null ? baseSize : filledSize;
        }

        /** quote_size exactly as received; null when the order was sized in base units. */
        public BigDecimal quoteSize() {
            return quoteSize;
        }

        /** limit_price exactly as received (a bracket's take-profit); null for market orders. */
        public BigDecimal limitPrice() {
            return limitPrice;
        }

        /** stop_price of a stop-limit order, else null. */
        public BigDecimal stopPrice() {
            return stopPrice;
        }

        /** stop_direction of a stop-limit order, else null. */
        public String stopDirection() {
            return stopDirection;
        }

        /** stop_trigger_price of a bracket order, else null. */
        public BigDecimal stopTriggerPrice() {
            return stopTriggerPrice;
        }

        public String status() {
            return status;
        }

        /** Whether the stop of a stop-limit or bracket order has triggered. */
        public boolean triggered() {
            return triggered;
        }

        public BigDecimal filledSize() {
            return filledSize;
        }

        public BigDecimal averageFilledPrice() {
            return averageFilledPrice;
        }

        boolean isStop() {
            return stopPrice != null || stopTriggerPrice != null;
        }

        void fill(BigDecimal size, BigDecimal price) {
            filledSize = size;
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
    private final Map<String, BigDecimal> lastPrices = new ConcurrentHashMap<>();
    /** Account balances by currency (total, holds of open orders not deducted); guarded by this. */
    private final Map<String, BigDecimal> balances = new LinkedHashMap<>();
    private final Set<String> seenNonces = ConcurrentHashMap.newKeySet();
    private volatile AcceptedJwt lastAcceptedJwt;
    private volatile String lastAuthFailure;
    private volatile int maxPageSize = 250;
    private volatile int maxAccountsPageSize = 250;

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

    /** Largest page of List Accounts this exchange answers, whatever limit the client asks. */
    public CoinbaseTestExchange setMaxAccountsPageSize(int size) {
        this.maxAccountsPageSize = size;
        return this;
    }

    /** Sets the total balance of a currency's account (creating the account); fills then move it. */
    public synchronized CoinbaseTestExchange setBalance(String currency, String amount) {
        balances.put(currency, new BigDecimal(amount));
        return this;
    }

    /** A currency's total balance (open orders' holds not deducted), or null when there is no such account. */
    public synchronized BigDecimal balance(String currency) {
        return balances.get(currency);
    }

    /**
     * Moves a product's last trade price (market orders fill at it) and lets resting orders react as Coinbase
     * documents: a limit sell fills at its limit when the price reaches it (a buy when it falls to it); a
     * stop-limit triggers when the price crosses its stop_price in its stop_direction and then fills at the last
     * price while that price is within its limit; a SELL bracket fills at its limit_price when the price reaches
     * it, or triggers its stop at stop_trigger_price, placing a stop-limit 5 % below the trigger.
     */
    public synchronized void setLastPrice(String productId, String price) {
        BigDecimal last = new BigDecimal(price);
        lastPrices.put(productId, last);
        for (Order order : ordersByClientId.values()) {
            if (order.productId.equals(productId) && "OPEN".equals(order.status)) {
                react(order, last);
            }
        }
    }

    /** Makes an order look created {@code age} earlier, as if it had rested that long. */
    public synchronized void ageOrder(String clientOrderId, Duration age) {
        Order order = ordersByClientId.get(clientOrderId);
        order.createdTime = order.createdTime.minus(age);
    }

    public synchronized Map<String, Order> orders() {
        return new LinkedHashMap<>(ordersByClientId);
    }

    public synchronized int orderCount() {
        return ordersByClientId.size();
    }

    /** Fills a resting order at its limit price (or the last price when it has none), whatever the price is. */
    public synchronized void fill(String clientOrderId) {
        Order order = ordersByClientId.get(clientOrderId);
        execute(order, order.limitPrice != null ? order.limitPrice : lastPrice(order.productId));
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
        if ("GET".equals(method) && path.startsWith("/api/v3/brokerage/orders/historical/")) {
            String orderId = path.substring("/api/v3/brokerage/orders/historical/".length());
            return withFaults(exchange, Faults.Target.LOOKUP, () -> getOrder(orderId));
        }
        if ("POST".equals(method) && "/api/v3/brokerage/orders/batch_cancel".equals(path)) {
            return withFaults(exchange, Faults.Target.CANCEL, () -> cancelOrders(body));
        }
        if ("GET".equals(method) && path.startsWith("/api/v3/brokerage/products/")) {
            return withFaults(exchange, Faults.Target.ANY,
                    () -> product(path.substring("/api/v3/brokerage/products/".length())));
        }
        if ("GET".equals(method) && "/api/v3/brokerage/accounts".equals(path)) {
            return withFaults(exchange, Faults.Target.ANY, () -> listAccounts(formParameters(query)));
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
            return invalidArgument("client_order_id and side are required");
        }
        JsonNode configuration = request.path("order_configuration");
        String kind = null;
        for (String candidate : List.of("market_market_ioc", "limit_limit_gtc", "stop_limit_stop_limit_gtc",
                "trigger_bracket_gtc")) {
            if (configuration.has(candidate)) {
                kind = candidate;
            }
        }
        if (kind == null) {
            return invalidArgument("unsupported order configuration");
        }
        JsonNode spec = configuration.get(kind);
        BigDecimal baseSize = decimal(spec, "base_size");
        BigDecimal quoteSize = decimal(spec, "quote_size");
        BigDecimal limitPrice = decimal(spec, "limit_price");
        BigDecimal stopPrice = decimal(spec, "stop_price");
        BigDecimal stopTriggerPrice = decimal(spec, "stop_trigger_price");
        String stopDirection = spec.hasNonNull("stop_direction") ? spec.get("stop_direction").asText() : null;

        if ((baseSize == null) == (quoteSize == null)) {
            return invalidArgument("exactly one of base_size and quote_size is required");
        }
        if (quoteSize != null && !("market_market_ioc".equals(kind) && "BUY".equals(side))) {
            // The guide: "To buy a product, provide a quote_size or base_size; to sell, provide a base_size."
            return invalidArgument("quote_size is only for market buys");
        }
        switch (kind) {
            case "limit_limit_gtc" -> {
                if (limitPrice == null) {
                    return invalidArgument("limit_price is required");
                }
            }
            case "stop_limit_stop_limit_gtc" -> {
                if (limitPrice == null || stopPrice == null) {
                    return invalidArgument("limit_price and stop_price are required");
                }
                if (!"STOP_DIRECTION_STOP_UP".equals(stopDirection) && !"STOP_DIRECTION_STOP_DOWN".equals(stopDirection)) {
                    return invalidArgument("stop_direction must be STOP_DIRECTION_STOP_UP or STOP_DIRECTION_STOP_DOWN");
                }
            }
            case "trigger_bracket_gtc" -> {
                if (limitPrice == null || stopTriggerPrice == null) {
                    return invalidArgument("limit_price and stop_trigger_price are required");
                }
                if (!"SELL".equals(side)) {
                    return invalidArgument("this test exchange models SELL brackets only");
                }
                if (stopTriggerPrice.compareTo(limitPrice) >= 0) {
                    return refusal("INVALID_LIMIT_PRICE", "A sell bracket's stop_trigger_price must be below its"
                            + " limit_price", "PREVIEW_INVALID_LIMIT_PRICE");
                }
            }
            default -> {
            }
        }
        if (baseSize != null && baseSize.remainder(product.baseIncrement()).signum() != 0) {
            return refusal("INVALID_SIZE_PRECISION", "Invalid order size precision", "PREVIEW_INVALID_SIZE_PRECISION");
        }
        if (baseSize != null && baseSize.compareTo(product.baseMinSize()) < 0) {
            return refusal("INVALID_SIZE_TOO_SMALL", "Order size is too small",
                    "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL");
        }
        if (quoteSize != null && quoteSize.remainder(product.quoteIncrement()).signum() != 0) {
            return refusal("INVALID_QUOTE_SIZE_PRECISION", "Invalid quote size precision",
                    "PREVIEW_INVALID_QUOTE_SIZE_PRECISION");
        }
        for (BigDecimal price : new BigDecimal[] {limitPrice, stopPrice, stopTriggerPrice}) {
            if (price != null && (price.signum() <= 0 || price.remainder(product.quoteIncrement()).signum() != 0)) {
                return refusal("INVALID_PRICE_PRECISION", "Invalid limit price precision",
                        "PREVIEW_INVALID_LIMIT_PRICE_PRECISION");
            }
        }
        BigDecimal notional = quoteSize != null ? quoteSize
                : baseSize.multiply(limitPrice != null ? limitPrice : lastPrice(productId));
        if (notional.compareTo(product.quoteMinSize()) < 0) {
            return refusal("INVALID_QUOTE_SIZE_TOO_SMALL", "Order value is too small",
                    "PREVIEW_INVALID_QUOTE_SIZE_TOO_SMALL");
        }
        synchronized (this) {
            Order existing = ordersByClientId.get(clientOrderId);
            if (existing != null) {
                return new Response(200, success(existing));
            }
            Order order = new Order(UUID.randomUUID().toString(), clientOrderId, productId, side, kind, baseSize,
                    quoteSize, limitPrice, stopPrice, stopDirection, stopTriggerPrice, clock.instant());
            if ("market_market_ioc".equals(kind)) {
                execute(order, lastPrice(productId));
            }
            ordersByClientId.put(clientOrderId, order);
            return new Response(200, success(order));
        }
    }

    /** What a resting order does when the last price moves to {@code last} (see {@link #setLastPrice}). */
    private void react(Order order, BigDecimal last) {
        boolean sell = "SELL".equals(order.side);
        switch (order.configuration) {
            case "limit_limit_gtc" -> {
                if (sell ? last.compareTo(order.limitPrice) >= 0 : last.compareTo(order.limitPrice) <= 0) {
                    execute(order, order.limitPrice);
                }
            }
            case "stop_limit_stop_limit_gtc" -> {
                boolean down = "STOP_DIRECTION_STOP_DOWN".equals(order.stopDirection);
                if (!order.triggered && (down ? last.compareTo(order.stopPrice) <= 0
                        : last.compareTo(order.stopPrice) >= 0)) {
                    order.triggered = true;
                }
                if (order.triggered && (sell ? last.compareTo(order.limitPrice) >= 0
                        : last.compareTo(order.limitPrice) <= 0)) {
                    execute(order, last);
                }
            }
            case "trigger_bracket_gtc" -> {
                if (!order.triggered && last.compareTo(order.limitPrice) >= 0) {
                    execute(order, order.limitPrice);
                    return;
                }
                if (!order.triggered && last.compareTo(order.stopTriggerPrice) <= 0) {
                    order.triggered = true;
                }
                if (order.triggered && last.compareTo(bracketStopLimit(order)) >= 0) {
                    execute(order, last);
                }
            }
            default -> {
            }
        }
    }

    /** The limit of the stop-limit a sell bracket places when triggered: 5 % below the trigger, on the tick. */
    private BigDecimal bracketStopLimit(Order order) {
        BigDecimal tick = products.get(order.productId).quoteIncrement();
        return order.stopTriggerPrice.multiply(new BigDecimal("0.95")).divide(tick, 0, RoundingMode.FLOOR)
                .multiply(tick);
    }

    /** Fills an order completely at {@code price} and moves the balances of its product's two currencies. */
    private void execute(Order order, BigDecimal price) {
        ProductSpec product = products.get(order.productId);
        // A quote-sized buy gets what its amount buys at the price, rounded down to the base increment.
        BigDecimal size = order.baseSize != null ? order.baseSize
                : order.quoteSize.divide(price, 18, RoundingMode.FLOOR)
                .divide(product.baseIncrement(), 0, RoundingMode.FLOOR).multiply(product.baseIncrement());
        BigDecimal value = order.quoteSize != null ? order.quoteSize : size.multiply(price);
        order.fill(size, price);
        String[] currencies = order.productId.split("-");
        boolean buy = "BUY".equals(order.side);
        balances.merge(currencies[0], buy ? size : size.negate(), BigDecimal::add);
        balances.merge(currencies[1], buy ? value.negate() : value, BigDecimal::add);
    }

    private BigDecimal lastPrice(String productId) {
        BigDecimal last = lastPrices.get(productId);
        return last != null ? last : products.get(productId).marketPrice();
    }

    /** What open orders hold of a currency: a resting sell its base size, a resting buy its size at its limit. */
    private BigDecimal held(String currency) {
        BigDecimal held = BigDecimal.ZERO;
        for (Order order : ordersByClientId.values()) {
            if (!"OPEN".equals(order.status) || "market_market_ioc".equals(order.configuration)) {
                continue;
            }
            String[] currencies = order.productId.split("-");
            if ("SELL".equals(order.side) && currencies[0].equals(currency)) {
                held = held.add(order.baseSize);
            } else if ("BUY".equals(order.side) && currencies[1].equals(currency)) {
                held = held.add(order.baseSize.multiply(order.limitPrice));
            }
        }
        return held;
    }

    /** List Accounts: pages of {@code limit} (default 49, at most 250 or the test's maximum) via cursor. */
    private synchronized Response listAccounts(Map<String, String> params) {
        int limit = Math.min(Math.min(250, maxAccountsPageSize), Integer.parseInt(params.getOrDefault("limit", "49")));
        int offset = params.containsKey("cursor") ? Integer.parseInt(params.get("cursor")) : 0;
        List<String> currencies = new ArrayList<>(balances.keySet());
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode accounts = answer.putArray("accounts");
        int end = Math.min(currencies.size(), offset + limit);
        for (int i = offset; i < end; i++) {
            String currency = currencies.get(i);
            BigDecimal hold = held(currency);
            ObjectNode account = accounts.addObject();
            account.put("uuid", UUID.nameUUIDFromBytes(currency.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                            .toString())
                    .put("name", currency + " Wallet").put("currency", currency);
            account.putObject("available_balance").put("value", balances.get(currency).subtract(hold).toPlainString())
                    .put("currency", currency);
            account.put("default", true).put("active", true).put("created_at", "2026-01-01T00:00:00Z")
                    .put("updated_at", "2026-01-01T00:00:00Z").putNull("deleted_at")
                    .put("type", currency.startsWith("USD") && currency.length() == 3 ? "ACCOUNT_TYPE_FIAT"
                            : "ACCOUNT_TYPE_CRYPTO")
                    .put("ready", true).put("retail_portfolio_id", "test-portfolio");
            account.putObject("hold").put("value", hold.toPlainString()).put("currency", currency);
        }
        answer.put("has_next", end < currencies.size());
        answer.put("cursor", end < currencies.size() ? String.valueOf(end) : "");
        answer.put("size", end - offset);
        return new Response(200, answer.toString());
    }

    private static BigDecimal decimal(JsonNode spec, String field) {
        return spec.hasNonNull(field) && !spec.get(field).asText().isBlank() ? new BigDecimal(spec.get(field).asText())
                : null;
    }

    private static Response invalidArgument(String message) {
        return new Response(400, JSON.createObjectNode().put("error", "INVALID_ARGUMENT").put("message", message)
                .toString());
    }

    private synchronized Response listOrders(Map<String, String> params) {
        String productIds = params.getOrDefault("product_ids", params.get("product_id"));
        Instant since = params.containsKey("start_date") ? Instant.parse(params.get("start_date")) : Instant.MIN;
        String status = params.get("order_status");
        int limit = Math.min(maxPageSize, Integer.parseInt(params.getOrDefault("limit", "100")));
        int offset = params.containsKey("cursor") ? Integer.parseInt(params.get("cursor")) : 0;
        List<Order> matching = new ArrayList<>();
        for (Order order : ordersByClientId.values()) {
            if ((productIds == null || productIds.equals(order.productId)) && !order.createdTime.isBefore(since)
                    && (status == null || status.equals(order.status))) {
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

    /** Get Order ({@code GET /api/v3/brokerage/orders/historical/{order_id}}), whatever the order's age. */
    private synchronized Response getOrder(String orderId) {
        for (Order order : ordersByClientId.values()) {
            if (order.orderId.equals(orderId)) {
                ObjectNode answer = JSON.createObjectNode();
                answer.set("order", orderJson(order));
                return new Response(200, answer.toString());
            }
        }
        return new Response(404, "{\"error\":\"NOT_FOUND\",\"message\":\"order not found\"}");
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
        boolean market = "market_market_ioc".equals(order.configuration);
        ObjectNode node = JSON.createObjectNode();
        node.put("order_id", order.orderId).put("product_id", order.productId).put("user_id", "test-user")
                .put("side", order.side).put("client_order_id", order.clientOrderId).put("status", order.status)
                .put("time_in_force", market ? "IMMEDIATE_OR_CANCEL" : "GOOD_UNTIL_CANCELLED")
                .put("created_time", order.createdTime.toString())
                .put("filled_size", order.filledSize.toPlainString())
                .put("average_filled_price", order.averageFilledPrice.toPlainString())
                .put("order_type", switch (order.configuration) {
                    case "market_market_ioc" -> "MARKET";
                    case "stop_limit_stop_limit_gtc" -> "STOP_LIMIT";
                    case "trigger_bracket_gtc" -> "BRACKET";
                    default -> "LIMIT";
                })
                .put("trigger_status", !order.isStop() ? "INVALID_ORDER_TYPE"
                        : order.triggered ? "STOP_TRIGGERED" : "STOP_PENDING")
                .put("product_type", "SPOT");
        ObjectNode configuration = node.putObject("order_configuration").putObject(order.configuration);
        if (order.baseSize != null) {
            configuration.put("base_size", order.baseSize.toPlainString());
        }
        if (order.quoteSize != null) {
            configuration.put("quote_size", order.quoteSize.toPlainString());
        }
        if (order.limitPrice != null) {
            configuration.put("limit_price", order.limitPrice.toPlainString());
        }
        if (order.stopPrice != null) {
            configuration.put("stop_price", order.stopPrice.toPlainString()).put("stop_direction", order.stopDirection);
        }
        if (order.stopTriggerPrice != null) {
            configuration.put("stop_trigger_price", order.stopTriggerPrice.toPlainString());
        }
        if ("limit_limit_gtc".equals(order.configuration)) {
            configuration.put("post_only", false);
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
