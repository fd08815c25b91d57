package com.fks.execution.exchange.coinbase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fks.execution.exchange.ExchangeClient;
import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeHttp;
import com.fks.execution.exchange.ExchangeException.Kind;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.InstrumentRules;
import com.fks.execution.exchange.OrderPreparation;
import com.fks.execution.exchange.OrderPreparation.PreparedOrder;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.nimbusds.jose.JOSEException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coinbase Advanced Trade adapter (docs.cdp.coinbase.com, Advanced Trade API).
 *
 * <p>Every request carries a fresh JWT ({@link CoinbaseJwt}) in {@code Authorization: Bearer}. A new order is
 * {@code POST /api/v3/brokerage/orders}; its answer is judged by {@code success}, not by the HTTP status:
 * {@code success:false} is {@link Kind#REJECTED} with the error code Coinbase gives. Coinbase answers a repeated
 * {@code client_order_id} with the existing order and creates none.
 *
 * <p>Lookup by client order id: List Orders ({@code GET /api/v3/brokerage/orders/historical/batch}) has no
 * client_order_id filter (Get Order's {@code client_order_id} parameter is deprecated), so the adapter lists the
 * product's orders created within {@link CoinbaseLimits#LOOKUP_WINDOW} page by page and matches the id. A search
 * it could not finish is {@link Kind#UNKNOWN_OUTCOME}, never "not found": only a complete search says the order
 * does not exist.
 *
 * <p>Order types map to Coinbase order configurations as {@link CoinbaseOrderConfiguration} describes; an OCO is
 * one {@code trigger_bracket_gtc} order, so it is looked up and cancelled by its client order id like any other.
 * Balances come from List Accounts ({@link #freeBalance}); every call, reads included, goes through the same
 * transport and honours the same back-off.
 *
 * <p>Failures map as for every adapter: HTTP 401/403 → AUTHENTICATION; 429 → RATE_LIMITED and no calls until
 * Retry-After (or {@link CoinbaseLimits#DEFAULT_RATE_LIMIT_BACKOFF}); 5xx, timeouts and lost connections →
 * UNKNOWN_OUTCOME for orders and cancels, UNAVAILABLE for reads; connection refused → UNAVAILABLE; other 4xx →
 * REJECTED. No key, JWT or signature appears in a message.
 */
public final class CoinbaseClient implements ExchangeClient {

    private static final Logger log = LoggerFactory.getLogger(CoinbaseClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDERS = "/api/v3/brokerage/orders";
    private static final String LIST_ORDERS = "/api/v3/brokerage/orders/historical/batch";
    private static final String GET_ORDER = "/api/v3/brokerage/orders/historical/";
    private static final String CANCEL_ORDERS = "/api/v3/brokerage/orders/batch_cancel";
    private static final String PRODUCTS = "/api/v3/brokerage/products/";
    private static final String ACCOUNTS = "/api/v3/brokerage/accounts";
    private static final String KEY_PERMISSIONS = "/api/v3/brokerage/key_permissions";
    private static final String UNKNOWN_FAILURE = "UNKNOWN_FAILURE_REASON";

    /**
     * One product's rules. {@code baseAsset}/{@code quoteAsset} are base_currency_id/quote_currency_id: the
     * currency an account of List Accounts names ({@code currency}), which the display symbols are not always
     * (an aliased product can display USD for a USDC quote).
     */
    private record Product(String productId, BigDecimal baseIncrement, BigDecimal priceIncrement,
                           BigDecimal quoteIncrement, BigDecimal baseMinSize, BigDecimal baseMaxSize,
                           BigDecimal quoteMinSize, String baseAsset, String quoteAsset, boolean tradingDisabled,
                           Instant fetchedAt) {
        InstrumentRules rules() {
            return new InstrumentRules(productId, baseIncrement, baseMinSize, baseMaxSize, priceIncrement, null, null,
                    quoteMinSize, true, baseAsset, quoteAsset);
        }
    }

    private final String baseUrl;
    private final String jwtHost;
    private final CoinbaseJwt jwt;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Clock clock;
    private final Map<String, Product> products = new ConcurrentHashMap<>();
    private final AtomicReference<Instant> backOffUntil = new AtomicReference<>(Instant.MIN);
    /** Client order id → Coinbase order id of the protection orders this adapter knows to be resting. */
    private final Map<String, String> restingProtections = new ConcurrentHashMap<>();

    /**
     * @param keyName    the CDP API key name ("organizations/{org}/apiKeys/{id}" or the key id)
     * @param privateKey the key's secret: EC P-256 PEM (SEC1 or PKCS#8), Ed25519 PKCS#8 PEM, or base64 Ed25519
     * @param baseUrl    https://api.coinbase.com or a local test exchange
     */
    public CoinbaseClient(String keyName, String privateKey, String baseUrl, HttpClient http, Duration requestTimeout,
                          Clock clock) {
        if (keyName == null || keyName.isBlank()) {
            throw new IllegalArgumentException("the Coinbase API key name is empty");
        }
        URI base = URI.create(baseUrl.trim());
        if (!"https".equals(base.getScheme()) && !"http".equals(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("COINBASE_BASE_URL must be an http(s) URL");
        }
        String text = base.toString();
        this.baseUrl = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.jwtHost = base.getHost() + (base.getPort() == -1 ? "" : ":" + base.getPort());
        this.jwt = new CoinbaseJwt(keyName.trim(), CoinbaseKeys.parse(privateKey), clock);
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
    }

    /** An adapter with its own HTTP/1.1 client whose connect timeout is the request timeout. */
    public static CoinbaseClient create(String keyName, String privateKey, String baseUrl, Duration requestTimeout,
                                        Clock clock) {
        HttpClient http = ExchangeHttp.newClient(requestTimeout);
        return new CoinbaseClient(keyName, privateKey, baseUrl, http, requestTimeout, clock);
    }

    @Override
    public String name() {
        return "coinbase";
    }

    @Override
    public ExchangeOrder place(OrderRequest request) throws ExchangeException {
        if (request.clientOrderId().isBlank() || request.clientOrderId().length() > 128) {
            throw ExchangeException.rejected("invalid_client_order_id", "client order id must be 1 to 128 characters");
        }
        Product product = product(productId(request.symbol()));
        if (product.tradingDisabled()) {
            throw ExchangeException.rejected("symbol_not_trading", product.productId()
                    + " has trading disabled at Coinbase");
        }
        PreparedOrder order = OrderPreparation.prepare(sizedForCoinbase(request, product), product.rules());

        ObjectNode body = JSON.createObjectNode();
        body.put("client_order_id", request.clientOrderId());
        body.put("product_id", product.productId());
        body.put("side", request.side().name());
        CoinbaseOrderConfiguration.write(order, product.priceIncrement(), body.putObject("order_configuration"));

        JsonNode answer = send("POST", ORDERS, "", body.toString(), true);
        JsonNode success = answer.get("success");
        if (success == null || !success.isBoolean()) {
            throw ExchangeException.unknownOutcome("coinbase POST " + ORDERS + ": answer without 'success'", null);
        }
        if (!success.asBoolean()) {
            throw failure(answer);
        }
        String orderId = answer.path("success_response").path("order_id").asText(answer.path("order_id").asText(null));
        ExchangeOrder placed = new ExchangeOrder(request.clientOrderId(), orderId, ExchangeOrderStatus.OPEN,
                BigDecimal.ZERO, null);
        if (request.type().isProtection()) {
            rememberResting(placed);
        }
        return placed;
    }

    /**
     * A market order sized in the quote currency as Coinbase takes it: a buy's {@code quote_size} rounded down to
     * the product's quote_increment (never spend more than asked); a sell has only {@code base_size} at Coinbase,
     * so its amount is converted to base units at the alert's price (the lot step then rounds it down).
     */
    private static OrderRequest sizedForCoinbase(OrderRequest request, Product product) throws ExchangeException {
        BigDecimal amount = request.quoteQuantity();
        if (amount == null || amount.signum() <= 0) {
            return request;
        }
        if (request.side() == Side.SELL) {
            BigDecimal price = request.referencePrice();
            if (price == null || price.signum() <= 0) {
                throw ExchangeException.rejected("quote_size_sell_without_price", "Coinbase sells only by base size;"
                        + " a sell of " + OrderPreparation.plain(amount) + " " + product.quoteAsset()
                        + " needs the alert's price to convert it");
            }
            BigDecimal base = amount.divide(price, 18, RoundingMode.FLOOR);
            return new OrderRequest(request.clientOrderId(), request.symbol(), request.side(), request.type(), base,
                    null, price, null, null);
        }
        BigDecimal increment = product.quoteIncrement();
        if (increment == null || increment.signum() <= 0) {
            return request;
        }
        BigDecimal rounded = amount.divide(increment, 0, RoundingMode.FLOOR).multiply(increment).stripTrailingZeros();
        if (rounded.signum() == 0) {
            throw ExchangeException.rejected(OrderPreparation.QUANTITY_ROUNDS_TO_ZERO, "quote amount "
                    + OrderPreparation.plain(amount) + " rounds down to 0 at quote increment "
                    + OrderPreparation.plain(increment) + " of " + product.productId());
        }
        return new OrderRequest(request.clientOrderId(), request.symbol(), request.side(), request.type(), null, null,
                request.referencePrice(), null, rounded);
    }

    @Override
    public Optional<ExchangeOrder> lookup(String symbol, String clientOrderId) throws ExchangeException {
        return search(productId(symbol), clientOrderId, CoinbaseLimits.LOOKUP_WINDOW, false);
    }

    /**
     * A protection order (stop-loss, take-profit, bracket) rests for days, longer than the 24 h an entry's lookup
     * searches. So it is looked up by its order id when this adapter placed it or saw it resting (Get Order,
     * whatever its age), else among the product's open orders (any age), else among the orders created within
     * {@link CoinbaseLimits#PROTECTION_LOOKUP_WINDOW}. As for every lookup, "not found" only after complete searches.
     */
    @Override
    public Optional<ExchangeOrder> lookup(String symbol, String clientOrderId, OrderType type)
            throws ExchangeException {
        if (!type.isProtection()) {
            return lookup(symbol, clientOrderId);
        }
        String productId = productId(symbol);
        Optional<ExchangeOrder> found = byOrderId(clientOrderId);
        if (found.isEmpty()) {
            found = search(productId, clientOrderId, null, true);
        }
        if (found.isEmpty()) {
            found = search(productId, clientOrderId, CoinbaseLimits.PROTECTION_LOOKUP_WINDOW, false);
        }
        found.ifPresent(this::rememberResting);
        return found;
    }

    /** The order through Get Order when its id is known; empty when it is not known or Coinbase has no such id. */
    private Optional<ExchangeOrder> byOrderId(String clientOrderId) throws ExchangeException {
        String orderId = restingProtections.get(clientOrderId);
        if (orderId == null) {
            return Optional.empty();
        }
        JsonNode answer;
        try {
            answer = send("GET", GET_ORDER + encode(orderId), "", null, false);
        } catch (ExchangeException e) {
            if (e.kind() != Kind.REJECTED) {
                throw e;
            }
            restingProtections.remove(clientOrderId);
            return Optional.empty();
        }
        JsonNode order = answer.path("order");
        if (!clientOrderId.equals(order.path("client_order_id").asText())) {
            restingProtections.remove(clientOrderId);
            return Optional.empty();
        }
        return Optional.of(CoinbaseOrders.toExchangeOrder(order));
    }

    /** Keeps the order id of a resting protection for {@link #byOrderId}; a final one is forgotten (bounded). */
    private void rememberResting(ExchangeOrder order) {
        if (order.status().isFinal() || order.exchangeOrderId() == null || order.exchangeOrderId().isBlank()) {
            restingProtections.remove(order.clientOrderId());
        } else {
            restingProtections.put(order.clientOrderId(), order.exchangeOrderId());
        }
    }

    /**
     * Lists the product's orders page by page and matches the client order id: those created within
     * {@code window} (null: any time), or only the open ones.
     */
    private Optional<ExchangeOrder> search(String productId, String clientOrderId, Duration window, boolean openOnly)
            throws ExchangeException {
        StringBuilder filter = new StringBuilder("product_ids=").append(encode(productId));
        if (window != null) {
            filter.append("&start_date=").append(encode(DateTimeFormatter.ISO_INSTANT.format(
                    clock.instant().minus(window).truncatedTo(ChronoUnit.SECONDS))));
        }
        if (openOnly) {
            filter.append("&order_status=OPEN");
        }
        String cursor = null;
        for (int page = 0; page < CoinbaseLimits.LOOKUP_MAX_PAGES; page++) {
            String query = filter + "&limit=" + CoinbaseLimits.LOOKUP_PAGE_SIZE
                    + (cursor == null ? "" : "&cursor=" + encode(cursor));
            JsonNode answer = send("GET", LIST_ORDERS, query, null, false);
            for (JsonNode order : answer.path("orders")) {
                if (clientOrderId.equals(order.path("client_order_id").asText())) {
                    return Optional.of(CoinbaseOrders.toExchangeOrder(order));
                }
            }
            cursor = answer.path("cursor").asText("");
            if (!answer.path("has_next").asBoolean(false) || cursor.isEmpty()) {
                return Optional.empty();
            }
        }
        throw new ExchangeException(Kind.UNKNOWN_OUTCOME, "lookup_inconclusive", "coinbase lookup of a client order id"
                + " stopped after " + CoinbaseLimits.LOOKUP_MAX_PAGES + " pages without reaching the end", null, null);
    }

    @Override
    public ExchangeOrder cancel(String symbol, String clientOrderId) throws ExchangeException {
        return cancel(clientOrderId, () -> lookup(symbol, clientOrderId));
    }

    /** As for any order, with a protection's lookup (a bracket is one order: one cancel cancels both levels). */
    @Override
    public ExchangeOrder cancel(String symbol, String clientOrderId, OrderType type) throws ExchangeException {
        return cancel(clientOrderId, () -> lookup(symbol, clientOrderId, type));
    }

    @FunctionalInterface
    private interface Lookup {
        Optional<ExchangeOrder> find() throws ExchangeException;
    }

    private ExchangeOrder cancel(String clientOrderId, Lookup lookup) throws ExchangeException {
        ExchangeOrder order = lookup.find().orElseThrow(() ->
                ExchangeException.rejected("unknown_order", "Coinbase has no order with this client order id"));
        if (order.status().isFinal()) {
            return order;
        }
        ObjectNode body = JSON.createObjectNode();
        body.putArray("order_ids").add(order.exchangeOrderId());
        JsonNode answer = send("POST", CANCEL_ORDERS, "", body.toString(), true);
        JsonNode result = answer.path("results").path(0);
        if (!result.path("success").asBoolean(false)) {
            throw ExchangeException.rejected(result.path("failure_reason").asText("UNKNOWN_CANCEL_FAILURE_REASON"),
                    "Coinbase refused to cancel the order");
        }
        return lookup.find().orElse(new ExchangeOrder(clientOrderId, order.exchangeOrderId(),
                ExchangeOrderStatus.CANCELED, order.executedQuantity(), order.averagePrice()));
    }

    @Override
    public InstrumentRules instrumentRules(String symbol) throws ExchangeException {
        return product(productId(symbol)).rules();
    }

    /** Asks for the key's permissions: succeeds only when Coinbase answers and accepts our JWT. */
    @Override
    public void ping() throws ExchangeException {
        send("GET", KEY_PERMISSIONS, "", null, false);
    }

    @Override
    public String toString() {
        return "CoinbaseClient[" + baseUrl + "]";
    }

    // ---------------------------------------------------------------- products

    private static String productId(String symbol) throws ExchangeException {
        return CoinbaseSymbols.productId(symbol).orElseThrow(() ->
                ExchangeException.rejected("unknown_symbol", "no Coinbase product for symbol " + symbol));
    }

    private Product product(String productId) throws ExchangeException {
        Product cached = products.get(productId);
        if (cached != null
                && Duration.between(cached.fetchedAt(), clock.instant()).compareTo(CoinbaseLimits.PRODUCT_MAX_AGE) < 0) {
            return cached;
        }
        JsonNode answer;
        try {
            answer = send("GET", PRODUCTS + productId, "", null, false);
        } catch (ExchangeException e) {
            if (cached != null && e.kind() != Kind.REJECTED) {
                log.warn("coinbase product {} unavailable ({}); using rules fetched at {}", productId, e.kind(),
                        cached.fetchedAt());
                return cached;
            }
            throw e;
        }
        BigDecimal priceIncrement = CoinbaseOrders.decimal(answer, "price_increment");
        BigDecimal quoteIncrement = CoinbaseOrders.decimal(answer, "quote_increment");
        String[] parts = productId.split("-", 2);
        Product product = new Product(productId,
                CoinbaseOrders.decimal(answer, "base_increment"),
                priceIncrement.signum() > 0 ? priceIncrement : quoteIncrement,
                quoteIncrement,
                CoinbaseOrders.decimal(answer, "base_min_size"),
                CoinbaseOrders.decimal(answer, "base_max_size"),
                CoinbaseOrders.decimal(answer, "quote_min_size"),
                currency(answer, "base_currency_id", parts[0]),
                currency(answer, "quote_currency_id", parts.length > 1 ? parts[1] : null),
                answer.path("trading_disabled").asBoolean(false) || answer.path("is_disabled").asBoolean(false),
                clock.instant());
        products.put(productId, product);
        return product;
    }

    // ---------------------------------------------------------------- transport

    private JsonNode send(String method, String path, String query, String body, boolean changesOrders)
            throws ExchangeException {
        String call = "coinbase " + method + " " + path;
        Instant now = clock.instant();
        Instant until = backOffUntil.get();
        if (now.isBefore(until)) {
            Duration wait = Duration.between(now, until);
            throw ExchangeException.rateLimited("backing_off", "coinbase asked us to back off; " + method + " " + path
                    + " not sent, " + wait.toMillis() + " ms left", wait);
        }
        String token;
        try {
            token = jwt.forRequest(method, jwtHost, path);
        } catch (JOSEException e) {
            throw new ExchangeException(Kind.AUTHENTICATION, "jwt_signing_failed",
                    "could not sign the Coinbase JWT with the configured key", null, null);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder()
                .uri(URI.create(baseUrl + path + (query.isEmpty() ? "" : "?" + query)))
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }

        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw ExchangeException.unavailable(call + ": connect timed out, nothing sent", e);
        } catch (ConnectException e) {
            throw ExchangeException.unavailable(call + ": connection refused, nothing sent", e);
        } catch (HttpTimeoutException e) {
            throw unknownOrUnavailable(changesOrders, null, call + ": no answer within " + requestTimeout, e);
        } catch (IOException e) {
            throw unknownOrUnavailable(changesOrders, null, call + ": connection lost ("
                    + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unknownOrUnavailable(changesOrders, null, call + ": interrupted while waiting", e);
        }

        int status = response.statusCode();
        JsonNode answer = parse(response.body());
        if (status >= 200 && status < 300) {
            if (answer == null) {
                throw unknownOrUnavailable(changesOrders, null, call + ": unreadable answer", null);
            }
            return answer;
        }
        String code = answer != null && answer.hasNonNull("error") ? answer.get("error").asText() : "http_" + status;
        String message = answer != null && answer.hasNonNull("message") ? answer.get("message").asText() : null;
        String detail = call + ": HTTP " + status + " " + code + (message != null ? " " + message : "");
        if (status == 429) {
            Duration wait = retryAfter(response).orElse(CoinbaseLimits.DEFAULT_RATE_LIMIT_BACKOFF);
            Instant next = clock.instant().plus(wait);
            backOffUntil.accumulateAndGet(next, (current, candidate) -> current.isAfter(candidate) ? current : candidate);
            log.warn("coinbase answered 429 to {} {}; no calls for {} ms", method, path, wait.toMillis());
            return throwing(ExchangeException.rateLimited(code, detail, wait));
        }
        if (status == 401 || status == 403) {
            return throwing(new ExchangeException(Kind.AUTHENTICATION, code, detail));
        }
        if (status >= 500) {
            throw unknownOrUnavailable(changesOrders, code, detail, null);
        }
        throw ExchangeException.rejected(code, message != null ? message : detail);
    }

    private static JsonNode throwing(ExchangeException e) throws ExchangeException {
        throw e;
    }

    private static ExchangeException unknownOrUnavailable(boolean changesOrders, String code, String message,
                                                          Throwable cause) {
        return new ExchangeException(changesOrders ? Kind.UNKNOWN_OUTCOME : Kind.UNAVAILABLE, code, message, null,
                cause);
    }

    /**
     * {@code success:false}: the code is the most specific one Coinbase gives (error_response.error, then the
     * preview or new-order failure reason, then failure_reason), the message is error_response.message.
     */
    private static ExchangeException failure(JsonNode answer) {
        JsonNode error = answer.path("error_response");
        String code = null;
        for (String candidate : new String[] {error.path("error").asText(""),
                error.path("preview_failure_reason").asText(""), error.path("new_order_failure_reason").asText(""),
                answer.path("failure_reason").asText("")}) {
            if (!candidate.isBlank() && !candidate.startsWith("UNKNOWN_")) {
                code = candidate;
                break;
            }
        }
        if (code == null) {
            code = answer.path("failure_reason").asText(UNKNOWN_FAILURE);
        }
        String message = error.path("message").asText("");
        if (message.isBlank()) {
            message = error.path("error_details").asText("");
        }
        return ExchangeException.rejected(code, message.isBlank() ? "Coinbase refused the order (" + code + ")"
                : message);
    }

    private Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty() || header.get().isBlank()) {
            return Optional.empty();
        }
        String value = header.get().trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration wait = Duration.between(clock.instant(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (RuntimeException unreadable) {
                return Optional.empty();
            }
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String currency(JsonNode product, String field, String fallback) {
        String value = product.path(field).asText("");
        return value.isBlank() ? fallback : value.trim().toUpperCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- balances

    /**
     * {@code available_balance.value} of the account whose {@code currency} is the asset, from List Accounts
     * ({@code GET /api/v3/brokerage/accounts}, pages of {@link CoinbaseLimits#ACCOUNTS_PAGE_SIZE} via
     * {@code cursor}/{@code has_next}). Available is what open orders do not hold. When several accounts hold the
     * currency, the one marked {@code default} wins, else the first. Zero only after every page was read without
     * such an account; a listing it could not finish is {@link Kind#UNAVAILABLE}, never zero.
     */
    @Override
    public BigDecimal freeBalance(String asset) throws ExchangeException {
        String wanted = asset.trim().toUpperCase(Locale.ROOT);
        JsonNode first = null;
        String cursor = null;
        for (int page = 0; page < CoinbaseLimits.ACCOUNTS_MAX_PAGES; page++) {
            String query = "limit=" + CoinbaseLimits.ACCOUNTS_PAGE_SIZE + (cursor == null ? "" : "&cursor=" + encode(cursor));
            JsonNode answer = send("GET", ACCOUNTS, query, null, false);
            for (JsonNode account : answer.path("accounts")) {
                if (!wanted.equals(account.path("currency").asText("").toUpperCase(Locale.ROOT))) {
                    continue;
                }
                if (account.path("default").asBoolean(false)) {
                    return available(account);
                }
                if (first == null) {
                    first = account;
                }
            }
            cursor = answer.path("cursor").asText("");
            if (!answer.path("has_next").asBoolean(false) || cursor.isEmpty()) {
                return first == null ? BigDecimal.ZERO : available(first);
            }
        }
        throw new ExchangeException(Kind.UNAVAILABLE, "balance_inconclusive", "coinbase list accounts stopped after "
                + CoinbaseLimits.ACCOUNTS_MAX_PAGES + " pages without reaching the end; the balance of " + wanted
                + " is not known", null, null);
    }

    private static BigDecimal available(JsonNode account) throws ExchangeException {
        try {
            return CoinbaseOrders.decimal(account.path("available_balance"), "value").stripTrailingZeros();
        } catch (NumberFormatException e) {
            throw ExchangeException.unavailable("coinbase account " + account.path("currency").asText()
                    + " has an unreadable available_balance", e);
        }
    }
}
