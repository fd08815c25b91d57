package com.fks.execution.exchange.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeException.Kind;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.InstrumentRules;
import com.fks.execution.exchange.OrderPreparation;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.fks.execution.testexchange.BinanceTestExchange;
import com.fks.execution.testexchange.BinanceTestExchange.SymbolSpec;
import com.fks.execution.testexchange.Faults.DropAfterAccept;
import com.fks.execution.testexchange.Faults.Hang;
import com.fks.execution.testexchange.Faults.RateLimit;
import com.fks.execution.testexchange.Faults.Reject;
import com.fks.execution.testexchange.Faults.ServerError;
import com.fks.execution.testexchange.Faults.Target;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class BinanceClientTest {

    private static final String KEY = "test-api-key-0001";
    private static final String SECRET = "test-api-secret-NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP";
    /** Generous: the machine is shared; only the timeout test uses a short one. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private BinanceTestExchange exchange;
    private BinanceClient client;

    @BeforeEach
    void startExchange() {
        exchange = BinanceTestExchange.start(KEY, SECRET);
        client = BinanceClient.create(KEY, SECRET, exchange.baseUrl(), TIMEOUT, Clock.systemUTC());
    }

    @AfterEach
    void stopExchange() {
        exchange.close();
    }

    private static OrderRequest market(String id, Side side, String quantity) {
        return new OrderRequest(id, "BTCUSDT", side, OrderType.MARKET, new BigDecimal(quantity), null,
                new BigDecimal("30000"));
    }

    private static OrderRequest limit(String id, Side side, String quantity, String price) {
        return new OrderRequest(id, "BTCUSDT", side, OrderType.LIMIT, new BigDecimal(quantity),
                new BigDecimal(price), null);
    }

    @Test
    void shouldSignBinancesDocumentedHmacExample() {
        // binance-spot-api-docs, "SIGNED Endpoint Examples for POST /api/v3/order", HMAC keys.
        BinanceSigner signer = new BinanceSigner("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j");

        String signature = signer.sign("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
                + "&recvWindow=5000&timestamp=1499827319559");

        assertThat(signature).isEqualTo("c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
        assertThat(signer.toString()).doesNotContain("NhqPtmdSJ");
    }

    @Test
    void shouldPlaceASignedMarketOrderThatTheExchangeVerifies() throws Exception {
        ExchangeOrder order = client.place(market("alert-1", Side.BUY, "0.001"));

        assertThat(order.clientOrderId()).isEqualTo("alert-1");
        assertThat(order.exchangeOrderId()).isNotBlank();
        assertThat(order.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(order.executedQuantity()).isEqualByComparingTo("0.001");
        assertThat(order.averagePrice()).isEqualByComparingTo("30000");
        assertThat(exchange.rejectedAuthCount()).isZero();
        assertThat(exchange.orderCount()).isEqualTo(1);
        BinanceTestExchange.Order atExchange = exchange.orders().get("alert-1");
        assertThat(atExchange.side()).isEqualTo("BUY");
        assertThat(atExchange.type()).isEqualTo("MARKET");
        assertThat(atExchange.quantity()).isEqualByComparingTo("0.001");
    }

    @Test
    void shouldPlaceASignedLimitOrderGoodTillCanceled() throws Exception {
        ExchangeOrder order = client.place(limit("alert-2", Side.SELL, "0.5", "31000"));

        assertThat(order.status()).isEqualTo(ExchangeOrderStatus.OPEN);
        assertThat(order.executedQuantity()).isZero();
        assertThat(order.averagePrice()).isNull();
        assertThat(exchange.orders().get("alert-2").price()).isEqualByComparingTo("31000");
    }

    @Test
    void shouldReportAuthenticationWithoutLeakingTheSecretWhenTheSecretIsWrong() {
        BinanceClient wrongSecret = BinanceClient.create(KEY, "not-the-secret-0123456789", exchange.baseUrl(),
                TIMEOUT, Clock.systemUTC());

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> wrongSecret.place(market("alert-3", Side.BUY, "0.001")));

        assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
        assertThat(e.exchangeCode()).isEqualTo("-1022");
        assertThat(e.getMessage()).doesNotContain("not-the-secret", "signature=", KEY);
        assertThat(exchange.rejectedAuthCount()).isEqualTo(1);
        assertThat(exchange.orderCount()).isZero();
    }

    @Test
    void shouldReportAuthenticationWhenTheKeyIsUnknown() {
        BinanceClient unknownKey = BinanceClient.create("someone-else", SECRET, exchange.baseUrl(), TIMEOUT,
                Clock.systemUTC());

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> unknownKey.lookup("BTCUSDT", "alert-4"));

        assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
        assertThat(e.exchangeCode()).isEqualTo("-2015");
    }

    @Test
    void shouldRoundQuantityToTheLotStepAndPriceToTheTickBeforeSending() throws Exception {
        // LOT_SIZE step 0.00001 and PRICE_FILTER tick 0.01: unrounded, the exchange would answer -1013.
        client.place(limit("alert-5", Side.BUY, "0.123456789", "30000.129"));
        client.place(limit("alert-6", Side.SELL, "0.123456789", "30000.121"));

        assertThat(exchange.orders().get("alert-5").quantity()).isEqualByComparingTo("0.12345");
        assertThat(exchange.orders().get("alert-5").price()).isEqualByComparingTo("30000.12");
        assertThat(exchange.orders().get("alert-6").price()).isEqualByComparingTo("30000.13");
    }

    @Test
    void shouldUseTheCoarserMarketLotSizeForMarketOrders() throws Exception {
        SymbolSpec spec = SymbolSpec.btcUsdt();
        exchange.addSymbol(new SymbolSpec("ETHUSDT", "TRADING", new BigDecimal("0.0001"), new BigDecimal("0.0001"),
                new BigDecimal("9000"), new BigDecimal("0.01"), new BigDecimal("0.01"), new BigDecimal("100"),
                spec.tickSize(), spec.minPrice(), spec.maxPrice(), new BigDecimal("5"), true,
                new BigDecimal("2000")));

        client.place(new OrderRequest("alert-7", "ETHUSDT", Side.BUY, OrderType.MARKET, new BigDecimal("0.12345"),
                null, new BigDecimal("2000")));

        assertThat(exchange.orders().get("alert-7").quantity()).isEqualByComparingTo("0.12");
    }

    @Test
    void shouldRejectBelowMinimumNotionalLocallyWithoutSendingTheOrder() {
        // 0.0001 BTC x 30000 = 3 USDT, under NOTIONAL 5 with applyMinToMarket.
        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("alert-8", Side.BUY, "0.0001")));

        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.exchangeCode()).isEqualTo(OrderPreparation.BELOW_MIN_NOTIONAL);
        assertThat(exchange.requestCount("POST", "/api/v3/order")).isZero();
        assertThat(exchange.orderCount()).isZero();
    }

    @Test
    void shouldRejectAQuantityThatRoundsToZeroLocally() {
        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("alert-9", Side.SELL, "0.000001")));

        assertThat(e.exchangeCode()).isEqualTo(OrderPreparation.QUANTITY_ROUNDS_TO_ZERO);
        assertThat(exchange.requestCount("POST", "/api/v3/order")).isZero();
    }

    @Test
    void shouldRejectWithBinancesCodeAndMessageOnInsufficientBalance() {
        exchange.faults().add(Target.PLACE,
                new Reject("-2010", "Account has insufficient balance for requested action.", null));

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("alert-10", Side.BUY, "0.001")));

        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.exchangeCode()).isEqualTo("-2010");
        assertThat(e.getMessage()).isEqualTo("Account has insufficient balance for requested action.");
        assertThat(e.countsAgainstExchange()).isFalse();
        assertThat(exchange.orderCount()).isZero();
    }

    @Test
    void shouldRejectAClientOrderIdStillOpenAsADuplicate() throws Exception {
        client.place(limit("alert-11", Side.BUY, "0.01", "20000"));

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(limit("alert-11", Side.BUY, "0.01", "20000")));

        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.exchangeCode()).isEqualTo("-2010");
        assertThat(e.getMessage()).isEqualTo("Duplicate order sent.");
        assertThat(exchange.orderCount()).isEqualTo(1);
    }

    @Test
    void shouldShowThatAFilledMarketOrdersIdTradesAgainWhichIsWhyLookupComesFirst() throws Exception {
        client.place(market("alert-12", Side.BUY, "0.001"));

        client.place(market("alert-12", Side.BUY, "0.001"));

        assertThat(exchange.ordersWithClientOrderId("alert-12")).hasSize(2);
        assertThat(client.lookup("BTCUSDT", "alert-12")).get()
                .extracting(ExchangeOrder::status).isEqualTo(ExchangeOrderStatus.FILLED);
    }

    @Test
    void shouldReportUnknownOutcomeOn5xxAfterAcceptanceAndFindTheOrderByLookup() throws Exception {
        exchange.faults().add(Target.PLACE, new ServerError(503, true, null, null));

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("alert-13", Side.BUY, "0.001")));
        Optional<ExchangeOrder> found = client.lookup("BTCUSDT", "alert-13");

        assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_OUTCOME);
        assertThat(e.exchangeCode()).isEqualTo("http_503");
        assertThat(found).get().extracting(ExchangeOrder::status).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(exchange.orderCount()).isEqualTo(1);
    }

    @Test
    void shouldReportUnknownOutcomeWhenTheResponseIsLostAndFindExactlyOneOrder() throws Exception {
        exchange.faults().add(Target.PLACE, new DropAfterAccept());

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("alert-14", Side.SELL, "0.002")));
        Optional<ExchangeOrder> found = client.lookup("BTCUSDT", "alert-14");

        assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_OUTCOME);
        assertThat(found).get().extracting(ExchangeOrder::executedQuantity)
                .satisfies(q -> assertThat(q).isEqualByComparingTo("0.002"));
        assertThat(exchange.ordersWithClientOrderId("alert-14")).hasSize(1);
        assertThat(exchange.requestCount("POST", "/api/v3/order")).isEqualTo(1);
    }

    @Test
    void shouldReportUnknownOutcomeOnATimeoutWithoutResending() throws Exception {
        client.instrumentRules("BTCUSDT");
        BinanceClient impatient = BinanceClient.create(KEY, SECRET, exchange.baseUrl(), Duration.ofMillis(500),
                Clock.systemUTC());
        exchange.faults().add(Target.PLACE, new Hang(Duration.ofMillis(2500)));

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> impatient.place(market("alert-15", Side.BUY, "0.001")));

        assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_OUTCOME);
        assertThat(e.getMessage()).contains("no answer within");
        assertThat(client.lookup("BTCUSDT", "alert-15")).isPresent();
        assertThat(exchange.requestCount("POST", "/api/v3/order")).isEqualTo(1);
        assertThat(exchange.orderCount()).isEqualTo(1);
    }

    @Test
    void shouldReportUnknownOutcomeForMinus1007EvenOnA4xxStatus() {
        exchange.faults().add(Target.PLACE, new Reject("-1007",
                "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
                null));

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("alert-16", Side.BUY, "0.001")));

        assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_OUTCOME);
        assertThat(e.exchangeCode()).isEqualTo("-1007");
    }

    @Test
    void shouldReportUnavailableWhenNothingListens() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        BinanceClient nowhere = BinanceClient.create(KEY, SECRET, "http://127.0.0.1:" + closedPort, TIMEOUT,
                Clock.systemUTC());

        ExchangeException e = catchThrowableOfType(ExchangeException.class, nowhere::ping);

        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void shouldBackOffAfter429AndRefuseLocallyUntilRetryAfterHasPassed() throws Exception {
        client.place(market("alert-17", Side.BUY, "0.001"));
        int requestsBefore = exchange.requestCount();
        exchange.faults().add(Target.PLACE, new RateLimit(Duration.ofSeconds(1)));

        ExchangeException limited = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("alert-18", Side.BUY, "0.001")));
        ExchangeException refused = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("alert-18", Side.BUY, "0.001")));

        assertThat(limited.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(limited.exchangeCode()).isEqualTo("-1003");
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(refused.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(refused.exchangeCode()).isEqualTo("backing_off");
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(exchange.requestCount()).isEqualTo(requestsBefore + 1);

        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThatCode(client::ping).doesNotThrowAnyException());
        client.place(market("alert-18", Side.BUY, "0.001"));

        assertThat(exchange.requestsDuringBan()).isZero();
        assertThat(exchange.ordersWithClientOrderId("alert-18")).hasSize(1);
    }

    @Test
    void shouldTreatA418BanAsRateLimitedAndStopCalling() {
        exchange.faults().add(Target.ANY, new RateLimit(Duration.ofSeconds(5)));
        BinanceClient other = BinanceClient.create(KEY, SECRET, exchange.baseUrl(), TIMEOUT, Clock.systemUTC());
        catchThrowableOfType(ExchangeException.class, other::ping);

        ExchangeException banned = catchThrowableOfType(ExchangeException.class, client::ping);
        ExchangeException refused = catchThrowableOfType(ExchangeException.class, client::ping);

        assertThat(banned.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(banned.getMessage()).contains("418");
        assertThat(banned.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(refused.exchangeCode()).isEqualTo("backing_off");
        assertThat(exchange.requestsDuringBan()).isEqualTo(1);
    }

    @Test
    void shouldRefuseLocallyWhenTheMinutesRequestWeightIsNearlySpent() throws Exception {
        awayFromAMinuteBoundary();
        client.place(limit("alert-19", Side.BUY, "0.01", "20000"));
        exchange.setUsedWeightBaseline(5_950);
        client.lookup("BTCUSDT", "alert-19");
        int postsBefore = exchange.requestCount("POST", "/api/v3/order");

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(limit("alert-20", Side.BUY, "0.01", "20000")));

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.exchangeCode()).isEqualTo("weight_limit");
        assertThat(e.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
        assertThat(exchange.requestCount("POST", "/api/v3/order")).isEqualTo(postsBefore);
    }

    @Test
    void shouldMeasureTheServerTimeOffsetSoADriftingClockIsNotRefused() throws Exception {
        // Our clock is 30 s behind Binance's: far outside recvWindow without the offset.
        BinanceClient late = BinanceClient.create(KEY, SECRET, exchange.baseUrl(), TIMEOUT,
                Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-30)));

        late.place(market("alert-21", Side.BUY, "0.001"));

        assertThat(exchange.orderCount()).isEqualTo(1);
        assertThat(exchange.requestCount("GET", "/api/v3/time")).isEqualTo(1);
    }

    @Test
    void shouldMeasureTheOffsetAgainOnMinus1021AndSendOnce() throws Exception {
        client.place(market("alert-22", Side.BUY, "0.001"));
        // Binance's clock jumps 20 s ahead after our offset was measured: the next request is -1021.
        exchange.setServerClockSkew(Duration.ofSeconds(20));

        ExchangeOrder order = client.place(market("alert-23", Side.BUY, "0.001"));

        assertThat(order.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(exchange.requestCount("GET", "/api/v3/time")).isEqualTo(2);
        assertThat(exchange.requestCount("POST", "/api/v3/order")).isEqualTo(3);
        assertThat(exchange.ordersWithClientOrderId("alert-23")).hasSize(1);
    }

    @Test
    void shouldFindNothingForAnUnknownClientOrderId() throws Exception {
        assertThat(client.lookup("BTCUSDT", "never-sent")).isEmpty();
    }

    @Test
    void shouldCancelAnOpenLimitOrderAndRejectCancelingItAgain() throws Exception {
        client.place(limit("alert-24", Side.BUY, "0.01", "20000"));

        ExchangeOrder canceled = client.cancel("BTCUSDT", "alert-24");
        ExchangeException again = catchThrowableOfType(ExchangeException.class,
                () -> client.cancel("BTCUSDT", "alert-24"));

        assertThat(canceled.clientOrderId()).isEqualTo("alert-24");
        assertThat(canceled.status()).isEqualTo(ExchangeOrderStatus.CANCELED);
        assertThat(exchange.orders().get("alert-24").status()).isEqualTo("CANCELED");
        assertThat(again.kind()).isEqualTo(Kind.REJECTED);
        assertThat(again.exchangeCode()).isEqualTo("-2011");
    }

    @Test
    void shouldReadInstrumentRulesFromExchangeInfoOnceAndCacheThem() throws Exception {
        InstrumentRules rules = client.instrumentRules("BTCUSDT");
        client.instrumentRules("btcusdt");
        client.place(market("alert-25", Side.BUY, "0.001"));

        assertThat(rules.stepSize()).isEqualByComparingTo("0.00001");
        assertThat(rules.tickSize()).isEqualByComparingTo("0.01");
        assertThat(rules.minNotional()).isEqualByComparingTo("5");
        assertThat(rules.minNotionalAppliesToMarket()).isTrue();
        assertThat(exchange.requestCount("GET", "/api/v3/exchangeInfo")).isEqualTo(1);
    }

    @Test
    void shouldRejectUnknownSymbolsAndSymbolsNotTrading() {
        exchange.addSymbol(SymbolSpec.btcUsdt().withStatus("BREAK"));

        ExchangeException unknown = catchThrowableOfType(ExchangeException.class,
                () -> client.instrumentRules("NOPEUSDT"));
        ExchangeException halted = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("alert-26", Side.BUY, "0.001")));

        assertThat(unknown.kind()).isEqualTo(Kind.REJECTED);
        assertThat(unknown.exchangeCode()).isEqualTo("-1121");
        assertThat(halted.exchangeCode()).isEqualTo("symbol_not_trading");
        assertThat(exchange.requestCount("POST", "/api/v3/order")).isZero();
    }

    @Test
    void shouldRejectAClientOrderIdBinanceWouldNotAcceptWithoutSending() {
        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("has spaces and is far too long for binance ids", Side.BUY, "0.001")));

        assertThat(e.exchangeCode()).isEqualTo("invalid_client_order_id");
        assertThat(exchange.requestCount()).isZero();
    }

    private static void awayFromAMinuteBoundary() throws InterruptedException {
        long intoMinute = System.currentTimeMillis() % 60_000;
        if (intoMinute > 55_000) {
            Thread.sleep(60_500 - intoMinute);
        }
    }
}
