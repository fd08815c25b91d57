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
 *   <li>Balances ({@code GET /api/v3/account}, {@link #setBalance}): fills move them, open orders lock what they
 *       would spend; once a balance was set, an order the account cannot pay for is -2010.</li>
 *   <li>{@link #setLastPrice} is a trade: MARKET orders (by {@code quantity} or {@code quoteOrderQty}) fill at the
 *       last price; resting LIMIT, LIMIT_MAKER, STOP_LOSS and TAKE_PROFIT orders it crosses execute.</li>
 *   <li>SELL OCO lists ({@code POST/GET/DELETE /api/v3/orderList[/oco]}), LIMIT_MAKER above and STOP_LOSS below,
 *       refused with -2010 unless LIMIT_MAKER price &gt; last price &gt; stop; one leg filling expires the other
 *       (OCO_TRIGGER); cancelling a leg cancels the list.</li>
 * </ul>
 * Start with {@link #start(String, String)}; close after the test.
 */
public final class BinanceTestExchange extends TestExchangeServer {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** quoteAssetPrecision of every symbol here (USDT's at Binance). */
    private static final int QUOTE_PRECISION = 8;
    /** Quote assets recognised at the end of a symbol, longest first (BTCUSDT: BTC and USDT). */
    private static final List<String> QUOTE_ASSETS = List.of("FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USD", "EUR",
            "BTC", "ETH", "BNB");

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

    /**
     * Funds an open order holds: the quote of a BUY at its limit price, the base of a SELL. The two legs of an OCO
     * share one lock (Binance locks the list's quantity once).
     */
    private static final class Lock {
        private final String asset;
        private final BigDecimal perUnit;
        private BigDecimal remaining;

        Lock(String asset, BigDecimal perUnit, BigDecimal quantity) {
            this.asset = asset;
            this.perUnit = perUnit;
            this.remaining = quantity.multiply(perUnit);
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
        private final BigDecimal stopPrice;
        private final BigDecimal origQuoteOrderQty;
        private final long time;
        private volatile long orderListId = -1;
        private volatile String status;
        private volatile String expiryReason;
        private volatile BigDecimal executedQty = BigDecimal.ZERO;
        private volatile BigDecimal cummulativeQuoteQty = BigDecimal.ZERO;
        private Lock lock;

        Order(long orderId, String clientOrderId, String symbol, String side, String type, BigDecimal quantity,
              BigDecimal price, long time) {
            this(orderId, clientOrderId, symbol, side, type, quantity, price, null, null, time);
        }

        Order(long orderId, String clientOrderId, String symbol, String side, String type, BigDecimal quantity,
              BigDecimal price, BigDecimal stopPrice, BigDecimal origQuoteOrderQty, long time) {
            this.orderId = orderId;
            this.clientOrderId = clientOrderId;
            this.symbol = symbol;
            this.side = side;
            this.type = type;
            this.quantity = quantity;
            this.price = price;
            this.stopPrice = stopPrice;
            this.origQuoteOrderQty = origQuoteOrderQty;
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

        /** The limit price exactly as received; null for MARKET, STOP_LOSS and TAKE_PROFIT. */
        public BigDecimal price() {
            return price;
        }

        /** The trigger of a STOP_LOSS or TAKE_PROFIT (also as an OCO leg) exactly as received; else null. */
        public BigDecimal stopPrice() {
            return stopPrice;
        }

        /** The quoteOrderQty of a MARKET order sized in the quote asset, exactly as received; else null. */
        public BigDecimal quoteOrderQty() {
            return origQuoteOrderQty;
        }

        /** The order list (OCO) this order is a leg of, or -1. */
        public long orderListId() {
            return orderListId;
        }

        /** Why the exchange expired the order (an OCO's losing leg: OCO_TRIGGER), or null. */
        public String expiryReason() {
            return expiryReason;
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

    }

    /** An OCO order list: the LIMIT_MAKER above the market and the STOP_LOSS below it, one cancelling the other. */
    public static final class OrderList {
        private final long orderListId;
        private final String listClientOrderId;
        private final String symbol;
        private final Order above;
        private final Order below;
        private final long transactionTime;
        private volatile String listStatusType = "EXEC_STARTED";
        private volatile String listOrderStatus = "EXECUTING";

        OrderList(long orderListId, String listClientOrderId, String symbol, Order above, Order below, long time) {
            this.orderListId = orderListId;
            this.listClientOrderId = listClientOrderId;
            this.symbol = symbol;
            this.above = above;
            this.below = below;
            this.transactionTime = time;
        }

        public long orderListId() {
            return orderListId;
        }

        public String listClientOrderId() {
            return listClientOrderId;
        }

        /** The upper leg (LIMIT_MAKER, the take-profit of a SELL). */
        public Order above() {
            return above;
        }

        /** The lower leg (STOP_LOSS). */
        public Order below() {
            return below;
        }

        /** EXECUTING while both legs rest, ALL_DONE once one filled or the list was canceled. */
        public String listOrderStatus() {
            return listOrderStatus;
        }

        boolean isExecuting() {
            return "EXECUTING".equals(listOrderStatus);
        }

        List<Order> legs() {
            return List.of(below, above);
        }
    }

    private final Map<String, String> secretsByKey = new ConcurrentHashMap<>();
    private final Map<String, SymbolSpec> symbols = new ConcurrentHashMap<>();
    private final List<Order> allOrders = new ArrayList<>();
    private final Map<String, Order> latestByClientOrderId = new LinkedHashMap<>();
    private final Map<Long, OrderList> listsById = new LinkedHashMap<>();
    private final Map<String, OrderList> latestListByClientId = new LinkedHashMap<>();
    private final Map<String, BigDecimal[]> balances = new LinkedHashMap<>();
    private boolean enforceBalances;
    private final AtomicLong nextOrderId = new AtomicLong(1000);
    private final AtomicLong nextOrderListId = new AtomicLong(1);
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

    /**
     * Sets an asset's free balance (nothing locked). From the first call on, orders are refused with -2010
     * "Account has insufficient balance for requested action." when the account cannot pay for them; before it,
     * balances still move with fills (and may go below zero) but nothing is refused for them.
     */
    public synchronized BinanceTestExchange setBalance(String asset, BigDecimal free) {
        enforceBalances = true;
        balances.put(asset, new BigDecimal[] {free, BigDecimal.ZERO});
        return this;
    }

    /** An asset's free balance as GET /api/v3/account shows it (zero when never held). */
    public synchronized BigDecimal freeBalance(String asset) {
        return balance(asset)[0];
    }

    /** What open orders hold of an asset (a SELL's base, a BUY limit's quote at its price). */
    public synchronized BigDecimal lockedBalance(String asset) {
        return balance(asset)[1];
    }

    /**
     * A trade at this price on the symbol: it becomes the last traded price (MARKET orders fill at it, OCO price
     * rules are checked against it), and resting orders it crosses execute: a LIMIT or LIMIT_MAKER at its price
     * (SELL when the price reaches it from below, BUY from above), a STOP_LOSS (SELL at or below its stopPrice) or
     * TAKE_PROFIT (SELL at or above it; BUY the other way round) at this price. A filled OCO leg expires the other.
     */
    public synchronized BinanceTestExchange setLastPrice(String symbol, BigDecimal price) {
        SymbolSpec spec = symbols.get(symbol);
        if (spec == null) {
            throw new IllegalArgumentException("no symbol " + symbol);
        }
        symbols.put(symbol, spec.withMarketPrice(price));
        for (Order order : new ArrayList<>(allOrders)) {
            if (!order.symbol.equals(symbol) || !order.isOpen()) {
                continue;
            }
            boolean sell = "SELL".equals(order.side);
            boolean crossed = switch (order.type) {
                case "LIMIT", "LIMIT_MAKER" -> sell ? price.compareTo(order.price) >= 0
                        : price.compareTo(order.price) <= 0;
                case "STOP_LOSS" -> sell ? price.compareTo(order.stopPrice) <= 0
                        : price.compareTo(order.stopPrice) >= 0;
                case "TAKE_PROFIT" -> sell ? price.compareTo(order.stopPrice) >= 0
                        : price.compareTo(order.stopPrice) <= 0;
                default -> false;
            };
            if (crossed) {
                BigDecimal at = order.price != null ? order.price : price;
                applyFill(order, order.quantity.subtract(order.executedQty), at);
            }
        }
        return this;
    }

    /** The latest order list (OCO) of each list client order id. */
    public synchronized Map<String, OrderList> orderLists() {
        return new LinkedHashMap<>(latestListByClientId);
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

    /**
     * Fills a resting order at its limit price (a LIMIT order's counterpart arrived); a stop at its stopPrice. An
     * OCO leg's fill expires the other leg.
     */
    public synchronized void fill(String clientOrderId) {
        Order order = latestByClientOrderId.get(clientOrderId);
        if (order == null || !order.isOpen()) {
            throw new IllegalStateException("no open order " + clientOrderId);
        }
        BigDecimal at = order.price != null ? order.price
                : order.stopPrice != null ? order.stopPrice : symbols.get(order.symbol).marketPrice();
        applyFill(order, order.quantity.subtract(order.executedQty), at);
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
        end(order, status);
    }

    /** Fills part of a resting order at its limit price; it stays open (PARTIALLY_FILLED). */
    public synchronized void fillPart(String clientOrderId, BigDecimal quantity) {
        Order order = latestByClientOrderId.get(clientOrderId);
        if (order == null || !order.isOpen() || quantity.compareTo(order.quantity) >= 0) {
            throw new IllegalStateException("no open order " + clientOrderId + " larger than " + quantity);
        }
        applyFill(order, quantity.subtract(order.executedQty), order.price);
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
            case "POST /api/v3/orderList/oco":
                addWeight(1);
                return signed(exchange, query, body, params ->
                        withFaults(exchange, Faults.Target.PLACE, () -> newOco(params)));
            case "GET /api/v3/orderList":
                addWeight(4);
                return signed(exchange, query, body, params ->
                        withFaults(exchange, Faults.Target.LOOKUP, () -> queryOrderList(params)));
            case "DELETE /api/v3/orderList":
                addWeight(1);
                return signed(exchange, query, body, params ->
                        withFaults(exchange, Faults.Target.CANCEL, () -> cancelOrderList(params)));
            case "GET /api/v3/account":
                addWeight(20);
                return signed(exchange, query, body, params ->
                        withFaults(exchange, Faults.Target.ANY, () -> account(params)));
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
            String[] assets = assets(spec.symbol());
            symbol.put("symbol", spec.symbol()).put("status", spec.status())
                    .put("baseAsset", assets[0]).put("baseAssetPrecision", 8)
                    .put("quoteAsset", assets[1]).put("quotePrecision", QUOTE_PRECISION)
                    .put("quoteAssetPrecision", QUOTE_PRECISION).put("ocoAllowed", true)
                    .put("quoteOrderQtyMarketAllowed", true);
            ArrayNode orderTypes = symbol.putArray("orderTypes");
            List.of("LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT",
                    "TAKE_PROFIT_LIMIT").forEach(orderTypes::add);
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
        if (!List.of("MARKET", "LIMIT", "STOP_LOSS", "TAKE_PROFIT").contains(type)) {
            return error(400, -1116, "Invalid orderType.");
        }
        String quantityText = params.get("quantity");
        String quoteText = params.get("quoteOrderQty");
        if ("MARKET".equals(type)) {
            if (quantityText == null && quoteText == null) {
                return error(400, -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!");
            }
            if (quantityText != null && quoteText != null) {
                return error(400, -1106, "Parameter 'quoteOrderQty' sent when not required.");
            }
        } else {
            if (quoteText != null) {
                return error(400, -1106, "Parameter 'quoteOrderQty' sent when not required.");
            }
            if (quantityText == null) {
                return error(400, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
            }
        }
        BigDecimal price = null;
        BigDecimal stopPrice = null;
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
        } else if (params.containsKey("price")) {
            return error(400, -1106, "Parameter 'price' sent when not required.");
        }
        if ("STOP_LOSS".equals(type) || "TAKE_PROFIT".equals(type)) {
            if (params.get("stopPrice") == null) {
                return error(400, -1102, "Mandatory parameter 'stopPrice' was not sent, was empty/null, or malformed.");
            }
            stopPrice = new BigDecimal(params.get("stopPrice"));
            if (!passes(stopPrice, spec.minPrice(), spec.maxPrice(), spec.tickSize())) {
                return error(400, -1013, "Filter failure: PRICE_FILTER");
            }
        } else if (params.containsKey("stopPrice")) {
            return error(400, -1106, "Parameter 'stopPrice' sent when not required.");
        }

        BigDecimal quantity;
        BigDecimal quoteOrderQty = null;
        if (quoteText != null) {
            // Sized in the quote asset: the base quantity is what the amount buys (or sells) at the market price,
            // cut to the lot step.
            quoteOrderQty = new BigDecimal(quoteText);
            if (quoteOrderQty.scale() > QUOTE_PRECISION) {
                return error(400, -1111, "Parameter 'quoteOrderQty' has too much precision.");
            }
            if (quoteOrderQty.signum() <= 0) {
                return error(400, -1013, "Invalid quantity.");
            }
            if (spec.applyMinToMarket() && spec.minNotional().signum() > 0
                    && quoteOrderQty.compareTo(spec.minNotional()) < 0) {
                return error(400, -1013, "Filter failure: NOTIONAL");
            }
            BigDecimal step = coarser(spec.lotStep(), spec.marketStep());
            quantity = quoteOrderQty.divide(spec.marketPrice(), 16, RoundingMode.DOWN);
            if (step != null && step.signum() > 0) {
                quantity = quantity.divide(step, 0, RoundingMode.DOWN).multiply(step);
            }
            if (quantity.signum() <= 0 || !passes(quantity, spec.lotMin(), spec.lotMax(), null)) {
                return error(400, -1013, "Filter failure: LOT_SIZE");
            }
        } else {
            quantity = new BigDecimal(quantityText);
            if (!passes(quantity, spec.lotMin(), spec.lotMax(), spec.lotStep())) {
                return error(400, -1013, "Filter failure: LOT_SIZE");
            }
            if ("MARKET".equals(type) && !passes(quantity, spec.marketMin(), spec.marketMax(), spec.marketStep())) {
                return error(400, -1013, "Filter failure: MARKET_LOT_SIZE");
            }
            BigDecimal notionalPrice = switch (type) {
                case "LIMIT" -> price;
                case "MARKET" -> spec.applyMinToMarket() ? spec.marketPrice() : null;
                default -> stopPrice;
            };
            if (notionalPrice != null && spec.minNotional().signum() > 0
                    && quantity.multiply(notionalPrice).compareTo(spec.minNotional()) < 0) {
                return error(400, -1013, "Filter failure: NOTIONAL");
            }
        }
        if (!"TRADING".equals(spec.status())) {
            return error(400, -1013, "Market is closed.");
        }

        Order order;
        synchronized (this) {
            BigDecimal last = symbols.get(symbolName).marketPrice();
            if (stopPrice != null && wouldTriggerNow(type, "SELL".equals(side), stopPrice, last)) {
                return error(400, -2010, "Stop price would trigger immediately.");
            }
            String clientOrderId = params.getOrDefault("newClientOrderId", "x-" + nextOrderId.get());
            Order existing = latestByClientOrderId.get(clientOrderId);
            if (existing != null && existing.isOpen()) {
                return error(400, -2010, "Duplicate order sent.");
            }
            String[] assets = assets(symbolName);
            Lock lock = null;
            if (!"MARKET".equals(type) && "SELL".equals(side)) {
                lock = new Lock(assets[0], BigDecimal.ONE, quantity);
            } else if ("LIMIT".equals(type)) {
                lock = new Lock(assets[1], price, quantity);
            }
            BigDecimal spend = lock != null ? lock.remaining
                    : "SELL".equals(side) ? quantity : quantity.multiply(last);
            String spendAsset = lock != null ? lock.asset : "SELL".equals(side) ? assets[0] : assets[1];
            if (enforceBalances && balance(spendAsset)[0].compareTo(spend) < 0) {
                return error(400, -2010, "Account has insufficient balance for requested action.");
            }
            order = new Order(nextOrderId.getAndIncrement(), clientOrderId, symbolName, side, type, quantity, price,
                    stopPrice, quoteOrderQty, serverMillis());
            allOrders.add(order);
            latestByClientOrderId.put(clientOrderId, order);
            if (lock != null) {
                hold(order, lock);
            }
            if ("MARKET".equals(type)) {
                applyFill(order, quantity, last);
            } else if ("LIMIT".equals(type) && fillLimitOrdersOnArrival) {
                applyFill(order, quantity, price);
            }
        }
        ObjectNode answer = orderJson(order);
        answer.put("transactTime", order.time);
        if ("FULL".equals(params.get("newOrderRespType"))) {
            ArrayNode fills = answer.putArray("fills");
            if ("FILLED".equals(order.status)) {
                fills.addObject().put("price", s(order.cummulativeQuoteQty.divide(order.executedQty,
                                8, RoundingMode.HALF_EVEN)))
                        .put("qty", s(order.quantity))
                        .put("commission", "0").put("commissionAsset", "BNB").put("tradeId", order.orderId);
            }
        }
        return new Response(200, answer.toString());
    }

    /**
     * A SELL OCO: the LIMIT_MAKER above, the STOP_LOSS below, Binance's price rule checked against the last traded
     * price (LIMIT_MAKER price &gt; last &gt; stopPrice, else -2010). Other leg types and BUY lists are refused
     * with -1014 (this test exchange does not model them).
     */
    private Response newOco(Map<String, String> params) {
        String symbolName = params.get("symbol");
        SymbolSpec spec = symbolName == null ? null : symbols.get(symbolName);
        if (spec == null) {
            return error(400, -1121, "Invalid symbol.");
        }
        for (String mandatory : List.of("side", "quantity", "aboveType", "belowType")) {
            if (params.get(mandatory) == null) {
                return error(400, -1102, "Mandatory parameter '" + mandatory
                        + "' was not sent, was empty/null, or malformed.");
            }
        }
        if (!"SELL".equals(params.get("side")) || !"LIMIT_MAKER".equals(params.get("aboveType"))
                || !"STOP_LOSS".equals(params.get("belowType"))) {
            return error(400, -1014, "Unsupported order combination.");
        }
        if (params.get("abovePrice") == null) {
            return error(400, -1102, "Mandatory parameter 'abovePrice' was not sent, was empty/null, or malformed.");
        }
        if (params.get("belowStopPrice") == null) {
            return error(400, -1102,
                    "Mandatory parameter 'belowStopPrice' was not sent, was empty/null, or malformed.");
        }
        BigDecimal quantity = new BigDecimal(params.get("quantity"));
        BigDecimal abovePrice = new BigDecimal(params.get("abovePrice"));
        BigDecimal belowStopPrice = new BigDecimal(params.get("belowStopPrice"));
        if (!passes(abovePrice, spec.minPrice(), spec.maxPrice(), spec.tickSize())
                || !passes(belowStopPrice, spec.minPrice(), spec.maxPrice(), spec.tickSize())) {
            return error(400, -1013, "Filter failure: PRICE_FILTER");
        }
        if (!passes(quantity, spec.lotMin(), spec.lotMax(), spec.lotStep())) {
            return error(400, -1013, "Filter failure: LOT_SIZE");
        }
        if (spec.minNotional().signum() > 0 && quantity.multiply(belowStopPrice).compareTo(spec.minNotional()) < 0) {
            return error(400, -1013, "Filter failure: NOTIONAL");
        }
        if (!"TRADING".equals(spec.status())) {
            return error(400, -1013, "Market is closed.");
        }
        OrderList list;
        synchronized (this) {
            BigDecimal last = symbols.get(symbolName).marketPrice();
            if (abovePrice.compareTo(last) <= 0 || belowStopPrice.compareTo(last) >= 0) {
                return error(400, -2010, "The relationship of the prices for the orders is not correct.");
            }
            long listId = nextOrderListId.getAndIncrement();
            String listClientOrderId = params.getOrDefault("listClientOrderId", "list-" + listId);
            OrderList existingList = latestListByClientId.get(listClientOrderId);
            if (existingList != null && existingList.isExecuting()) {
                return error(400, -2010, "Duplicate order sent.");
            }
            String aboveId = params.getOrDefault("aboveClientOrderId", "x-" + nextOrderId.get() + "a");
            String belowId = params.getOrDefault("belowClientOrderId", "x-" + nextOrderId.get() + "b");
            for (String legId : List.of(aboveId, belowId)) {
                Order existing = latestByClientOrderId.get(legId);
                if (existing != null && existing.isOpen()) {
                    return error(400, -2010, "Duplicate order sent.");
                }
            }
            Lock lock = new Lock(assets(symbolName)[0], BigDecimal.ONE, quantity);
            if (enforceBalances && balance(lock.asset)[0].compareTo(lock.remaining) < 0) {
                return error(400, -2010, "Account has insufficient balance for requested action.");
            }
            long now = serverMillis();
            Order below = new Order(nextOrderId.getAndIncrement(), belowId, symbolName, "SELL", "STOP_LOSS", quantity,
                    null, belowStopPrice, null, now);
            Order above = new Order(nextOrderId.getAndIncrement(), aboveId, symbolName, "SELL", "LIMIT_MAKER",
                    quantity, abovePrice, null, null, now);
            list = new OrderList(listId, listClientOrderId, symbolName, above, below, now);
            for (Order leg : list.legs()) {
                leg.orderListId = listId;
                allOrders.add(leg);
                latestByClientOrderId.put(leg.clientOrderId, leg);
            }
            listsById.put(listId, list);
            latestListByClientId.put(listClientOrderId, list);
            hold(below, lock);
            above.lock = lock;
        }
        ObjectNode answer = listJson(list);
        ArrayNode reports = answer.putArray("orderReports");
        for (Order leg : list.legs()) {
            reports.add(orderJson(leg).put("transactTime", list.transactionTime));
        }
        return new Response(200, answer.toString());
    }

    private synchronized Response queryOrderList(Map<String, String> params) {
        for (String name : params.keySet()) {
            if (!List.of("orderListId", "origClientOrderId", "recvWindow", "timestamp").contains(name)) {
                // Binance reads only its own parameters and refuses a request with others (e.g. a symbol).
                return error(400, -1104, "Not all sent parameters were read; read '" + (params.size() - 1)
                        + "' parameter(s) but was sent '" + params.size() + "'.");
            }
        }
        OrderList list = findList(params.get("orderListId"), params.get("origClientOrderId"));
        if (list == null) {
            return error(400, -2013, "Order list does not exist.");
        }
        return new Response(200, listJson(list).toString());
    }

    private synchronized Response cancelOrderList(Map<String, String> params) {
        OrderList list = findList(params.get("orderListId"), params.get("listClientOrderId"));
        if (list == null || !list.symbol.equals(params.get("symbol")) || !list.isExecuting()) {
            return error(400, -2011, "Order list does not exist.");
        }
        end(list.below, "CANCELED");
        return new Response(200, canceledListJson(list, params.get("newClientOrderId")).toString());
    }

    private synchronized Response account(Map<String, String> params) {
        ObjectNode root = JSON.createObjectNode();
        root.put("makerCommission", 0).put("takerCommission", 0).put("canTrade", true)
                .put("canWithdraw", false).put("canDeposit", true).put("updateTime", serverMillis())
                .put("accountType", "SPOT");
        boolean omitZero = "true".equalsIgnoreCase(params.get("omitZeroBalances"));
        ArrayNode list = root.putArray("balances");
        balances.forEach((asset, amounts) -> {
            if (omitZero && amounts[0].signum() == 0 && amounts[1].signum() == 0) {
                return;
            }
            list.addObject().put("asset", asset).put("free", s(amounts[0])).put("locked", s(amounts[1]));
        });
        root.putArray("permissions").add("SPOT");
        return new Response(200, root.toString());
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
        // Canceling one leg of an order list cancels the whole list (Binance, "Cancel order").
        end(order, "CANCELED");
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
                .put("timeInForce", "GTC").put("type", order.type)
                .put("side", order.side).put("workingTime", order.time).put("selfTradePreventionMode", "NONE")
                .put("origQuoteOrderQty", order.origQuoteOrderQty == null ? "0.00000000" : s(order.origQuoteOrderQty));
        node.put("orderListId", order.orderListId);
        if (order.stopPrice != null) {
            node.put("stopPrice", s(order.stopPrice));
        }
        if (order.expiryReason != null) {
            node.put("expiryReason", order.expiryReason);
        }
        return node;
    }

    private ObjectNode listJson(OrderList list) {
        ObjectNode node = JSON.createObjectNode();
        node.put("orderListId", list.orderListId).put("contingencyType", "OCO")
                .put("listStatusType", list.listStatusType).put("listOrderStatus", list.listOrderStatus)
                .put("listClientOrderId", list.listClientOrderId).put("transactionTime", list.transactionTime)
                .put("symbol", list.symbol);
        ArrayNode orders = node.putArray("orders");
        for (Order leg : list.legs()) {
            orders.addObject().put("symbol", leg.symbol).put("orderId", leg.orderId)
                    .put("clientOrderId", leg.clientOrderId);
        }
        return node;
    }

    private ObjectNode canceledListJson(OrderList list, String cancelId) {
        ObjectNode node = listJson(list);
        ArrayNode reports = node.putArray("orderReports");
        for (Order leg : list.legs()) {
            reports.add(orderJson(leg).put("origClientOrderId", leg.clientOrderId)
                    .put("clientOrderId", cancelId != null ? cancelId : "cancel-" + list.orderListId)
                    .put("transactTime", serverMillis()));
        }
        return node;
    }

    private OrderList findList(String orderListId, String clientId) {
        if (orderListId != null) {
            OrderList list = listsById.get(Long.parseLong(orderListId));
            return list != null && (clientId == null || clientId.equals(list.listClientOrderId)) ? list : null;
        }
        return clientId == null ? null : latestListByClientId.get(clientId);
    }

    // ---------------------------------------------------------------- executions and balances

    /** Executes {@code quantity} more of an order at a price: balances move, the lock is used up, a list ends. */
    private void applyFill(Order order, BigDecimal quantity, BigDecimal atPrice) {
        if (quantity.signum() <= 0) {
            return;
        }
        order.executedQty = order.executedQty.add(quantity);
        order.cummulativeQuoteQty = order.cummulativeQuoteQty.add(quantity.multiply(atPrice));
        boolean filled = order.executedQty.compareTo(order.quantity) >= 0;
        order.status = filled ? "FILLED" : "PARTIALLY_FILLED";
        if (order.lock != null) {
            release(order.lock, quantity.multiply(order.lock.perUnit));
        }
        String[] assets = assets(order.symbol);
        BigDecimal quote = quantity.multiply(atPrice);
        boolean buy = "BUY".equals(order.side);
        balance(assets[0])[0] = balance(assets[0])[0].add(buy ? quantity : quantity.negate());
        balance(assets[1])[0] = balance(assets[1])[0].add(buy ? quote.negate() : quote);
        if (filled) {
            OrderList list = order.orderListId < 0 ? null : listsById.get(order.orderListId);
            if (list != null && list.isExecuting()) {
                for (Order other : list.legs()) {
                    if (other != order && other.isOpen()) {
                        other.status = "EXPIRED";
                        other.expiryReason = "OCO_TRIGGER";
                    }
                }
                list.listStatusType = "ALL_DONE";
                list.listOrderStatus = "ALL_DONE";
            }
            if (order.lock != null) {
                release(order.lock, order.lock.remaining);
            }
        }
    }

    /** Ends an open order (and, for an OCO leg, its whole list) with this status; what it held is freed. */
    private void end(Order order, String status) {
        OrderList list = order.orderListId < 0 ? null : listsById.get(order.orderListId);
        List<Order> ending = list == null ? List.of(order) : list.legs();
        for (Order each : ending) {
            if (each.isOpen()) {
                each.status = status;
                if (each.lock != null) {
                    release(each.lock, each.lock.remaining);
                }
            }
        }
        if (list != null) {
            list.listStatusType = "ALL_DONE";
            list.listOrderStatus = "ALL_DONE";
        }
    }

    private void hold(Order order, Lock lock) {
        order.lock = lock;
        BigDecimal[] amounts = balance(lock.asset);
        amounts[0] = amounts[0].subtract(lock.remaining);
        amounts[1] = amounts[1].add(lock.remaining);
    }

    private void release(Lock lock, BigDecimal amount) {
        BigDecimal freed = amount.min(lock.remaining);
        if (freed.signum() <= 0) {
            return;
        }
        lock.remaining = lock.remaining.subtract(freed);
        BigDecimal[] amounts = balance(lock.asset);
        amounts[0] = amounts[0].add(freed);
        amounts[1] = amounts[1].subtract(freed);
    }

    private BigDecimal[] balance(String asset) {
        return balances.computeIfAbsent(asset, a -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
    }

    /** Base and quote asset of a symbol, by its quote suffix (BTCUSDT: BTC, USDT). */
    static String[] assets(String symbol) {
        for (String quote : QUOTE_ASSETS) {
            if (symbol.endsWith(quote) && symbol.length() > quote.length()) {
                return new String[] {symbol.substring(0, symbol.length() - quote.length()), quote};
            }
        }
        throw new IllegalArgumentException("no known quote asset at the end of " + symbol);
    }

    /** Binance refuses a stop that the last price has already reached ("Stop price would trigger immediately."). */
    private static boolean wouldTriggerNow(String type, boolean sell, BigDecimal stopPrice, BigDecimal last) {
        boolean stopLoss = "STOP_LOSS".equals(type);
        // A SELL stop-loss triggers at or below its price, a SELL take-profit at or above; a BUY the other way.
        boolean triggersBelow = stopLoss == sell;
        return triggersBelow ? last.compareTo(stopPrice) <= 0 : last.compareTo(stopPrice) >= 0;
    }

    private static BigDecimal coarser(BigDecimal a, BigDecimal b) {
        if (b == null || b.signum() == 0) {
            return a;
        }
        if (a == null || a.signum() == 0) {
            return b;
        }
        return a.max(b);
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
