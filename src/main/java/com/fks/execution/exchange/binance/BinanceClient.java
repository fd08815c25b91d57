package com.fks.execution.exchange.binance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.exchange.ExchangeClient;
import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeHttp;
import com.fks.execution.exchange.ExchangeException.Kind;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.InstrumentRules;
import com.fks.execution.exchange.OrderPreparation;
import com.fks.execution.exchange.OrderPreparation.PreparedOrder;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.OrderType;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binance spot REST adapter (binance-spot-api-docs, rest-api.md and errors.md).
 *
 * <p>Every order, lookup and cancel is a SIGNED request: the parameters, then {@code recvWindow} and
 * {@code timestamp}, are HMAC-SHA256 signed and {@code signature} is appended as the last parameter; the key goes
 * in {@code X-MBX-APIKEY}. New orders send their parameters in the form body, reads and cancels in the query
 * string; the signature always covers exactly the string sent.
 *
 * <p>How answers are read:
 * <ul>
 *   <li>-1006, -1007, HTTP 5xx, a timeout or a connection lost after sending: the order's fate is unknown
 *       ({@link Kind#UNKNOWN_OUTCOME}); the engine looks the order up before anything else. For reads the same
 *       failures are {@link Kind#UNAVAILABLE}: a read can simply be asked again.</li>
 *   <li>Connection refused or connect timeout: nothing was sent ({@link Kind#UNAVAILABLE}).</li>
 *   <li>429 / 418: {@link Kind#RATE_LIMITED}; every call is then refused locally, without a request, until
 *       Retry-After has passed. The adapter also refuses calls itself when {@code X-MBX-USED-WEIGHT-1M} says the
 *       minute's weight is nearly spent ({@link BinanceLimits}).</li>
 *   <li>-1022, -2014, -2015, -1002 or HTTP 401: {@link Kind#AUTHENTICATION}.</li>
 *   <li>-1021 (timestamp outside recvWindow): the request was refused before reaching the matching engine, so the
 *       adapter measures the server-time offset again and sends the same request once more. This is the only
 *       re-send the adapter ever does, and it is safe because a -1021 order was certainly not executed.</li>
 *   <li>Any other 4xx answer: {@link Kind#REJECTED} with Binance's code and message.</li>
 * </ul>
 * The exception messages name the method and path, never the query string, key or signature.
 *
 * <p>Protection orders: STOP_LOSS and TAKE_PROFIT are single orders (their trigger in {@code stopPrice}); an OCO is
 * one order list ({@code POST /api/v3/orderList/oco}: a LIMIT_MAKER take-profit above, a STOP_LOSS below), looked
 * up and cancelled as a list and reported as one {@link ExchangeOrder} ({@link BinanceOrderLists}). Orders are only
 * ever cancelled one by one (or one list): never all of a symbol's open orders, which may not be ours.
 */
public final class BinanceClient implements ExchangeClient {

    private static final Logger log = LoggerFactory.getLogger(BinanceClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CLIENT_ORDER_ID = Pattern.compile(BinanceLimits.CLIENT_ORDER_ID_PATTERN);
    private static final Set<Integer> UNKNOWN_OUTCOME_CODES = Set.of(-1006, -1007);
    private static final Set<Integer> AUTHENTICATION_CODES = Set.of(-1002, -1022, -2014, -2015);
    private static final int INVALID_TIMESTAMP = -1021;
    private static final int FILTER_FAILURE = -1013;
    private static final int NO_SUCH_ORDER = -2013;
    private static final int CANCEL_REJECTED = -2011;

    private enum Call {
        NEW_ORDER("POST", "/api/v3/order", BinanceLimits.WEIGHT_NEW_ORDER, true, true),
        QUERY_ORDER("GET", "/api/v3/order", BinanceLimits.WEIGHT_QUERY_ORDER, true, false),
        CANCEL_ORDER("DELETE", "/api/v3/order", BinanceLimits.WEIGHT_CANCEL_ORDER, true, true),
        NEW_OCO("POST", "/api/v3/orderList/oco", BinanceLimits.WEIGHT_NEW_ORDER_LIST, true, true),
        QUERY_ORDER_LIST("GET", "/api/v3/orderList", BinanceLimits.WEIGHT_QUERY_ORDER_LIST, true, false),
        CANCEL_ORDER_LIST("DELETE", "/api/v3/orderList", BinanceLimits.WEIGHT_CANCEL_ORDER_LIST, true, true),
        ACCOUNT("GET", "/api/v3/account", BinanceLimits.WEIGHT_ACCOUNT, true, false),
        EXCHANGE_INFO("GET", "/api/v3/exchangeInfo", BinanceLimits.WEIGHT_EXCHANGE_INFO, false, false),
        PING("GET", "/api/v3/ping", BinanceLimits.WEIGHT_PING, false, false),
        TIME("GET", "/api/v3/time", BinanceLimits.WEIGHT_TIME, false, false);

        final String method;
        final String path;
        final int weight;
        final boolean signed;
        final boolean changesOrders;

        Call(String method, String path, int weight, boolean signed, boolean changesOrders) {
            this.method = method;
            this.path = path;
            this.weight = weight;
            this.signed = signed;
            this.changesOrders = changesOrders;
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private record CachedFilters(BinanceSymbolFilters filters, Instant fetchedAt) {
    }

    private record WeightSample(long minute, int used) {
    }

    private record BinanceError(Integer code, String msg) {
    }

    private final String apiKey;
    private final BinanceSigner signer;
    private final String baseUrl;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Clock clock;

    private final Map<String, CachedFilters> filtersBySymbol = new ConcurrentHashMap<>();
    private final AtomicReference<Instant> backOffUntil = new AtomicReference<>(Instant.MIN);
    private final AtomicReference<WeightSample> usedWeight = new AtomicReference<>();
    private volatile long clockOffsetMillis;
    private volatile Instant clockOffsetMeasuredAt;

    /**
     * @param baseUrl        https://api.binance.com, https://testnet.binance.vision or a local test exchange
     * @param http           the transport; use HTTP/1.1 and no redirects (see {@link #create})
     * @param requestTimeout how long one request may take before its outcome is declared unknown
     * @param clock          the time source for timestamps and back-off
     */
    public BinanceClient(String apiKey, String apiSecret, String baseUrl, HttpClient http, Duration requestTimeout,
                         Clock clock) {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("the Binance API key is empty");
        }
        this.apiKey = apiKey.trim();
        this.signer = new BinanceSigner(apiSecret == null ? null : apiSecret.trim());
        this.baseUrl = normaliseBaseUrl(baseUrl);
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
    }

    /** An adapter with its own HTTP/1.1 client whose connect timeout is the request timeout. */
    public static BinanceClient create(String apiKey, String apiSecret, String baseUrl, Duration requestTimeout,
                                       Clock clock) {
        HttpClient http = ExchangeHttp.newClient(requestTimeout);
        return new BinanceClient(apiKey, apiSecret, baseUrl, http, requestTimeout, clock);
    }

    @Override
    public String name() {
        return "binance";
    }

    @Override
    public ExchangeOrder place(OrderRequest request) throws ExchangeException {
        checkClientOrderId(request.clientOrderId());
        String symbol = symbol(request.symbol());
        BinanceSymbolFilters filters = filters(symbol);
        if (!filters.isTrading()) {
            throw ExchangeException.rejected("symbol_not_trading", symbol + " is not trading at Binance (status "
                    + filters.status() + ")");
        }
        PreparedOrder order = OrderPreparation.prepare(request, filters.rulesFor(request.type()));
        try {
            if (request.type() == OrderType.OCO) {
                return placeOco(symbol, order);
            }
            return BinanceOrders.toExchangeOrder(call(Call.NEW_ORDER, newOrderParams(symbol, order, filters)),
                    request.clientOrderId());
        } catch (ExchangeException e) {
            if (String.valueOf(FILTER_FAILURE).equals(e.exchangeCode())) {
                // The symbol's filters changed under us: fetch them again before the next order.
                filtersBySymbol.remove(symbol);
            }
            throw e;
        }
    }

    /**
     * POST /api/v3/order parameters. A quote-sized MARKET order sends {@code quoteOrderQty} (cut down to the quote
     * asset's precision) instead of {@code quantity}. STOP_LOSS and TAKE_PROFIT are Binance's market-on-trigger
     * types: their trigger is {@code stopPrice} (for a take-profit, its price).
     */
    private static LinkedHashMap<String, String> newOrderParams(String symbol, PreparedOrder order,
                                                                BinanceSymbolFilters filters)
            throws ExchangeException {
        OrderRequest request = order.request();
        LinkedHashMap<String, String> params = new LinkedHashMap<>();
        params.put("symbol", symbol);
        params.put("side", request.side().name());
        params.put("type", request.type().name());
        if (request.type() == OrderType.LIMIT) {
            params.put("timeInForce", "GTC");
        }
        if (order.quantity() == null) {
            params.put("quoteOrderQty", quoteAmount(request.quoteQuantity(), filters));
        } else {
            params.put("quantity", OrderPreparation.plain(order.quantity()));
        }
        switch (request.type()) {
            case LIMIT -> params.put("price", OrderPreparation.plain(order.price()));
            case STOP_LOSS -> params.put("stopPrice", OrderPreparation.plain(order.stopPrice()));
            case TAKE_PROFIT -> params.put("stopPrice", OrderPreparation.plain(order.price()));
            default -> {
            }
        }
        params.put("newClientOrderId", request.clientOrderId());
        params.put("newOrderRespType", "RESULT");
        return params;
    }

    /** The amount cut down (never up: never spend more than asked) to the decimals Binance accepts for it. */
    private static String quoteAmount(BigDecimal amount, BinanceSymbolFilters filters) throws ExchangeException {
        BigDecimal cut = filters.quotePrecision() == null ? amount
                : amount.setScale(filters.quotePrecision(), RoundingMode.DOWN);
        if (cut.signum() <= 0) {
            throw ExchangeException.rejected(OrderPreparation.QUANTITY_ROUNDS_TO_ZERO, "quote amount "
                    + OrderPreparation.plain(amount) + " rounds down to 0 at " + filters.quotePrecision()
                    + " decimals of " + filters.quoteAsset());
        }
        return OrderPreparation.plain(cut);
    }

    /**
     * A SELL (or BUY) OCO as one order list: the take-profit as the LIMIT_MAKER above the market, the stop-loss as
     * the STOP_LOSS below it, each leg with its own client id so either can be recognised at Binance.
     */
    private ExchangeOrder placeOco(String symbol, PreparedOrder order) throws ExchangeException {
        OrderRequest request = order.request();
        String listId = request.clientOrderId();
        String takeProfitId = OrderRequest.takeProfitLegId(listId);
        String stopLossId = OrderRequest.stopLossLegId(listId);
        checkClientOrderId(takeProfitId);
        checkClientOrderId(stopLossId);
        LinkedHashMap<String, String> params = new LinkedHashMap<>();
        params.put("symbol", symbol);
        params.put("listClientOrderId", listId);
        params.put("side", request.side().name());
        params.put("quantity", OrderPreparation.plain(order.quantity()));
        params.put("aboveType", "LIMIT_MAKER");
        params.put("abovePrice", OrderPreparation.plain(order.price()));
        params.put("aboveClientOrderId", takeProfitId);
        params.put("belowType", "STOP_LOSS");
        params.put("belowStopPrice", OrderPreparation.plain(order.stopPrice()));
        params.put("belowClientOrderId", stopLossId);
        params.put("newOrderRespType", "RESULT");
        JsonNode list = call(Call.NEW_OCO, params);
        List<JsonNode> legs = new ArrayList<>();
        list.path("orderReports").forEach(legs::add);
        return BinanceOrderLists.toExchangeOrder(list, legs, listId);
    }

    @Override
    public Optional<ExchangeOrder> lookup(String symbol, String clientOrderId, OrderType type)
            throws ExchangeException {
        return type == OrderType.OCO ? lookupList(clientOrderId) : lookup(symbol, clientOrderId);
    }

    @Override
    public ExchangeOrder cancel(String symbol, String clientOrderId, OrderType type) throws ExchangeException {
        return type == OrderType.OCO ? cancelList(symbol, clientOrderId) : cancel(symbol, clientOrderId);
    }

    /**
     * GET /api/v3/orderList by the list's client id (it takes no symbol), then each leg by its order id: the list
     * alone names its legs but not their fills. 4 + 4 + 4 request weight.
     */
    private Optional<ExchangeOrder> lookupList(String listClientOrderId) throws ExchangeException {
        checkClientOrderId(listClientOrderId);
        LinkedHashMap<String, String> params = new LinkedHashMap<>();
        params.put("origClientOrderId", listClientOrderId);
        JsonNode list;
        try {
            list = call(Call.QUERY_ORDER_LIST, params);
        } catch (ExchangeException e) {
            if (isNoSuchOrder(e)) {
                return Optional.empty();
            }
            throw e;
        }
        String listSymbol = list.path("symbol").asText();
        List<JsonNode> legs = new ArrayList<>();
        for (JsonNode leg : list.path("orders")) {
            LinkedHashMap<String, String> legParams = new LinkedHashMap<>();
            legParams.put("symbol", leg.path("symbol").asText(listSymbol));
            legParams.put("orderId", leg.path("orderId").asText());
            try {
                legs.add(call(Call.QUERY_ORDER, legParams));
            } catch (ExchangeException e) {
                if (!isNoSuchOrder(e)) {
                    throw e;
                }
                // Binance archives legs that ended without a trade; such a leg filled nothing.
                log.info("binance order list {}: leg {} no longer listed", listClientOrderId,
                        leg.path("clientOrderId").asText());
            }
        }
        return Optional.of(BinanceOrderLists.toExchangeOrder(list, legs, listClientOrderId));
    }

    /**
     * DELETE /api/v3/orderList: both legs end CANCELED in the answer. A list that is already done (a leg filled, or
     * it was canceled before) cannot be canceled (-2011); its final state is then looked up and returned.
     */
    private ExchangeOrder cancelList(String symbol, String listClientOrderId) throws ExchangeException {
        checkClientOrderId(listClientOrderId);
        LinkedHashMap<String, String> params = new LinkedHashMap<>();
        params.put("symbol", symbol(symbol));
        params.put("listClientOrderId", listClientOrderId);
        JsonNode list;
        try {
            list = call(Call.CANCEL_ORDER_LIST, params);
        } catch (ExchangeException e) {
            if (isNoSuchOrder(e)) {
                Optional<ExchangeOrder> done = lookupList(listClientOrderId);
                if (done.isPresent() && done.get().status().isFinal()) {
                    return done.get();
                }
            }
            throw e;
        }
        List<JsonNode> legs = new ArrayList<>();
        list.path("orderReports").forEach(legs::add);
        return BinanceOrderLists.toExchangeOrder(list, legs, listClientOrderId);
    }

    private static boolean isNoSuchOrder(ExchangeException e) {
        return e.kind() == Kind.REJECTED && (String.valueOf(NO_SUCH_ORDER).equals(e.exchangeCode())
                || String.valueOf(CANCEL_REJECTED).equals(e.exchangeCode()));
    }

    /** GET /api/v3/account (weight 20, non-zero balances only): the asset's {@code free}, zero when not listed. */
    @Override
    public BigDecimal freeBalance(String asset) throws ExchangeException {
        String wanted = asset.trim().toUpperCase(Locale.ROOT);
        LinkedHashMap<String, String> params = new LinkedHashMap<>();
        params.put("omitZeroBalances", "true");
        JsonNode account = call(Call.ACCOUNT, params);
        if (!account.path("balances").isArray()) {
            throw ExchangeException.unavailable("binance GET /api/v3/account: no balances in the answer", null);
        }
        for (JsonNode balance : account.path("balances")) {
            if (wanted.equals(balance.path("asset").asText())) {
                try {
                    return new BigDecimal(balance.path("free").asText());
                } catch (NumberFormatException e) {
                    throw ExchangeException.unavailable("binance GET /api/v3/account: unreadable free balance of "
                            + wanted, e);
                }
            }
        }
        return BigDecimal.ZERO;
    }

    @Override
    public Optional<ExchangeOrder> lookup(String symbol, String clientOrderId) throws ExchangeException {
        checkClientOrderId(clientOrderId);
        LinkedHashMap<String, String> params = new LinkedHashMap<>();
        params.put("symbol", symbol(symbol));
        params.put("origClientOrderId", clientOrderId);
        try {
            return Optional.of(BinanceOrders.toExchangeOrder(call(Call.QUERY_ORDER, params), clientOrderId));
        } catch (ExchangeException e) {
            if (e.kind() == Kind.REJECTED && String.valueOf(NO_SUCH_ORDER).equals(e.exchangeCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public ExchangeOrder cancel(String symbol, String clientOrderId) throws ExchangeException {
        checkClientOrderId(clientOrderId);
        LinkedHashMap<String, String> params = new LinkedHashMap<>();
        params.put("symbol", symbol(symbol));
        params.put("origClientOrderId", clientOrderId);
        return BinanceOrders.toExchangeOrder(call(Call.CANCEL_ORDER, params), clientOrderId);
    }

    @Override
    public InstrumentRules instrumentRules(String symbol) throws ExchangeException {
        return filters(symbol(symbol)).rulesFor(OrderType.LIMIT);
    }

    @Override
    public void ping() throws ExchangeException {
        call(Call.PING, new LinkedHashMap<>());
    }

    @Override
    public String toString() {
        return "BinanceClient[" + baseUrl + "]";
    }

    // ---------------------------------------------------------------- symbol rules

    private BinanceSymbolFilters filters(String symbol) throws ExchangeException {
        CachedFilters cached = filtersBySymbol.get(symbol);
        if (cached != null && age(cached.fetchedAt()).compareTo(BinanceLimits.EXCHANGE_INFO_MAX_AGE) < 0) {
            return cached.filters();
        }
        LinkedHashMap<String, String> params = new LinkedHashMap<>();
        params.put("symbol", symbol);
        JsonNode info;
        try {
            info = call(Call.EXCHANGE_INFO, params);
        } catch (ExchangeException e) {
            if (cached != null && e.kind() != Kind.REJECTED) {
                log.warn("binance exchangeInfo for {} unavailable ({}); using rules fetched at {}", symbol,
                        e.kind(), cached.fetchedAt());
                return cached.filters();
            }
            throw e;
        }
        for (JsonNode node : info.path("symbols")) {
            if (symbol.equals(node.path("symbol").asText())) {
                BinanceSymbolFilters filters = BinanceSymbolFilters.parse(node);
                filtersBySymbol.put(symbol, new CachedFilters(filters, clock.instant()));
                return filters;
            }
        }
        throw ExchangeException.rejected("unknown_symbol", symbol + " is not listed at Binance");
    }

    // ---------------------------------------------------------------- transport

    private JsonNode call(Call call, LinkedHashMap<String, String> params) throws ExchangeException {
        return call(call, params, true);
    }

    private JsonNode call(Call call, LinkedHashMap<String, String> params, boolean mayResyncClock)
            throws ExchangeException {
        refuseWhileBackingOff(call);
        refuseNearWeightLimit(call);
        if (call.signed) {
            ensureClockOffset();
        }
        String payload = encode(params);
        if (call.signed) {
            String stamped = (payload.isEmpty() ? "" : payload + "&") + "recvWindow="
                    + BinanceLimits.RECV_WINDOW_MILLIS + "&timestamp=" + serverNowMillis();
            payload = stamped + "&signature=" + signer.sign(stamped);
        }

        HttpResponse<String> response = send(call, payload);
        recordUsedWeight(response);
        int status = response.statusCode();
        if (status == 200) {
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw outcomeUnknownOrUnavailable(call, "binance " + call + ": unreadable answer", e);
            }
        }
        BinanceError error = parseError(response.body());
        if (status == 429 || status == 418) {
            throw backOff(call, status, error, response);
        }
        if (call.signed && mayResyncClock && error.code() != null && error.code() == INVALID_TIMESTAMP) {
            log.info("binance answered -1021 to {}; measuring the server-time offset again", call);
            measureClockOffset();
            return call(call, params, false);
        }
        throw map(call, status, error);
    }

    private HttpResponse<String> send(Call call, String payload) throws ExchangeException {
        HttpRequest.Builder builder = HttpRequest.newBuilder().timeout(requestTimeout);
        if (call.signed) {
            builder.header("X-MBX-APIKEY", apiKey);
        }
        if ("POST".equals(call.method)) {
            builder.uri(URI.create(baseUrl + call.path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(payload));
        } else {
            builder.uri(URI.create(baseUrl + call.path + (payload.isEmpty() ? "" : "?" + payload)))
                    .method(call.method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw ExchangeException.unavailable("binance " + call + ": connect timed out, nothing sent", e);
        } catch (ConnectException e) {
            throw ExchangeException.unavailable("binance " + call + ": connection refused, nothing sent", e);
        } catch (HttpTimeoutException e) {
            throw outcomeUnknownOrUnavailable(call, "binance " + call + ": no answer within " + requestTimeout, e);
        } catch (IOException e) {
            throw outcomeUnknownOrUnavailable(call, "binance " + call + ": connection lost ("
                    + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw outcomeUnknownOrUnavailable(call, "binance " + call + ": interrupted while waiting", e);
        }
    }

    private ExchangeException map(Call call, int status, BinanceError error) {
        Integer code = error.code();
        String exchangeCode = code != null ? String.valueOf(code) : "http_" + status;
        String detail = "binance " + call + ": HTTP " + status + " " + exchangeCode
                + (error.msg() != null ? " " + error.msg() : "");
        if (code != null && UNKNOWN_OUTCOME_CODES.contains(code)) {
            ExchangeException e = outcomeUnknownOrUnavailable(call, detail, null);
            return new ExchangeException(e.kind(), exchangeCode, detail);
        }
        if ((code != null && AUTHENTICATION_CODES.contains(code)) || status == 401) {
            return new ExchangeException(Kind.AUTHENTICATION, exchangeCode, detail);
        }
        if (status >= 500) {
            ExchangeException e = outcomeUnknownOrUnavailable(call, detail, null);
            return new ExchangeException(e.kind(), exchangeCode, detail);
        }
        if (status == 403) {
            // The web application firewall refused the request before it reached the API.
            return new ExchangeException(Kind.UNAVAILABLE, exchangeCode, detail);
        }
        if (code != null && code == INVALID_TIMESTAMP) {
            // Still outside recvWindow after a fresh offset: refused, certainly not executed.
            return new ExchangeException(Kind.UNAVAILABLE, exchangeCode, detail);
        }
        return ExchangeException.rejected(exchangeCode, error.msg() != null ? error.msg() : detail);
    }

    private static ExchangeException outcomeUnknownOrUnavailable(Call call, String message, Throwable cause) {
        return call.changesOrders ? ExchangeException.unknownOutcome(message, cause)
                : ExchangeException.unavailable(message, cause);
    }

    // ---------------------------------------------------------------- rate limits

    private void refuseWhileBackingOff(Call call) throws ExchangeException {
        Instant until = backOffUntil.get();
        Instant now = clock.instant();
        if (now.isBefore(until)) {
            Duration wait = Duration.between(now, until);
            throw ExchangeException.rateLimited("backing_off", "binance asked us to back off; " + call
                    + " not sent, " + wait.toMillis() + " ms left", wait);
        }
    }

    private void refuseNearWeightLimit(Call call) throws ExchangeException {
        WeightSample sample = usedWeight.get();
        long now = serverNowMillis();
        long minute = now / 60_000;
        if (sample == null || sample.minute() != minute) {
            return;
        }
        int ceiling = call.signed ? BinanceLimits.TRADING_WEIGHT_CEILING : BinanceLimits.HOUSEKEEPING_WEIGHT_CEILING;
        if (sample.used() + call.weight > ceiling) {
            Duration wait = Duration.ofMillis((minute + 1) * 60_000 - now);
            throw ExchangeException.rateLimited("weight_limit", "binance request weight " + sample.used() + " of "
                    + BinanceLimits.REQUEST_WEIGHT_PER_MINUTE + " used this minute; " + call + " not sent", wait);
        }
    }

    private void recordUsedWeight(HttpResponse<?> response) {
        response.headers().firstValue("X-MBX-USED-WEIGHT-1M").ifPresent(value -> {
            try {
                usedWeight.set(new WeightSample(serverNowMillis() / 60_000, Integer.parseInt(value.trim())));
            } catch (NumberFormatException e) {
                log.warn("binance sent an unreadable X-MBX-USED-WEIGHT-1M header");
            }
        });
    }

    private ExchangeException backOff(Call call, int status, BinanceError error, HttpResponse<?> response) {
        Duration wait = retryAfter(response, clock).orElse(status == 418
                ? BinanceLimits.DEFAULT_BAN_BACKOFF : BinanceLimits.DEFAULT_RATE_LIMIT_BACKOFF);
        Instant until = clock.instant().plus(wait);
        backOffUntil.accumulateAndGet(until, (current, next) -> current.isAfter(next) ? current : next);
        String code = error.code() != null ? String.valueOf(error.code()) : "http_" + status;
        log.warn("binance answered HTTP {} to {}; no calls for {} s", status, call, wait.toSeconds());
        return ExchangeException.rateLimited(code, "binance " + call + ": HTTP " + status
                + (status == 418 ? " (IP banned)" : " (rate limited)") + ", retry after " + wait.toMillis() + " ms",
                wait);
    }

    /** Retry-After as delta-seconds or an HTTP date (RFC 9110 10.2.3). */
    static Optional<Duration> retryAfter(HttpResponse<?> response, Clock clock) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty() || header.get().isBlank()) {
            return Optional.empty();
        }
        String value = header.get().trim();
        try {
            long seconds = Long.parseLong(value);
            return Optional.of(Duration.ofSeconds(Math.max(0, seconds)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(clock.instant(), at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (RuntimeException unreadable) {
                return Optional.empty();
            }
        }
    }

    // ---------------------------------------------------------------- server time

    private long serverNowMillis() {
        return clock.millis() + clockOffsetMillis;
    }

    private void ensureClockOffset() throws ExchangeException {
        Instant measured = clockOffsetMeasuredAt;
        if (measured != null && age(measured).compareTo(BinanceLimits.CLOCK_OFFSET_MAX_AGE) < 0) {
            return;
        }
        try {
            measureClockOffset();
        } catch (ExchangeException e) {
            if (measured == null) {
                throw e;
            }
            log.warn("binance server time unavailable ({}); keeping the offset measured at {}", e.kind(), measured);
        }
    }

    private void measureClockOffset() throws ExchangeException {
        long before = clock.millis();
        JsonNode time = call(Call.TIME, new LinkedHashMap<>());
        long after = clock.millis();
        if (!time.path("serverTime").canConvertToLong()) {
            throw ExchangeException.unavailable("binance GET /api/v3/time: no serverTime in the answer", null);
        }
        long offset = time.path("serverTime").asLong() - (before + after) / 2;
        clockOffsetMillis = offset;
        clockOffsetMeasuredAt = clock.instant();
        log.debug("binance server-time offset {} ms", offset);
    }

    // ---------------------------------------------------------------- helpers

    private Duration age(Instant since) {
        return Duration.between(since, clock.instant());
    }

    private static String encode(LinkedHashMap<String, String> params) {
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String> entry : params.entrySet()) {
            if (query.length() > 0) {
                query.append('&');
            }
            query.append(entry.getKey()).append('=')
                    .append(URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    private static BinanceError parseError(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.has("code")) {
                return new BinanceError(node.get("code").asInt(), node.path("msg").asText(null));
            }
        } catch (IOException | RuntimeException notJson) {
            // An HTML error page from a proxy or the firewall: the HTTP status is all there is.
        }
        return new BinanceError(null, null);
    }

    private static void checkClientOrderId(String clientOrderId) throws ExchangeException {
        if (clientOrderId == null || !CLIENT_ORDER_ID.matcher(clientOrderId).matches()) {
            throw ExchangeException.rejected("invalid_client_order_id",
                    "Binance client order ids are 1 to 36 characters of A-Z a-z 0-9 . : / _ -");
        }
    }

    private static String symbol(String symbol) {
        return symbol.trim().toUpperCase(Locale.ROOT);
    }

    private static String normaliseBaseUrl(String baseUrl) {
        URI uri = URI.create(baseUrl.trim());
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("BINANCE_BASE_URL must be an http(s) URL");
        }
        String text = uri.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
