package com.fks.execution.exchange.coinbase;

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
import com.fks.execution.testexchange.CoinbaseTestExchange;
import com.fks.execution.testexchange.CoinbaseTestExchange.ProductSpec;
import com.fks.execution.testexchange.Faults.DropAfterAccept;
import com.fks.execution.testexchange.Faults.RateLimit;
import com.fks.execution.testexchange.Faults.Reject;
import com.fks.execution.testexchange.Faults.ServerError;
import com.fks.execution.testexchange.Faults.Target;
import com.fks.execution.testexchange.TestKeys;
import java.math.BigDecimal;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class CoinbaseClientTest {

    private static final String KEY_NAME = "organizations/test-org/apiKeys/test-key-1";
    /** Generous: the machine is shared; only the timeout test uses a short one. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private CoinbaseTestExchange exchange;
    private KeyPair ecKey;
    private CoinbaseClient client;

    @BeforeEach
    void startExchange() {
        exchange = CoinbaseTestExchange.start();
        ecKey = TestKeys.ecP256();
        exchange.registerKey(KEY_NAME, ecKey.getPublic());
        client = CoinbaseClient.create(KEY_NAME, TestKeys.pkcs8Pem(ecKey.getPrivate()), exchange.baseUrl(), TIMEOUT,
                Clock.systemUTC());
    }

    @AfterEach
    void stopExchange() {
        exchange.close();
    }

    private static OrderRequest market(String id, String symbol, Side side, String quantity) {
        return new OrderRequest(id, symbol, side, OrderType.MARKET, new BigDecimal(quantity), null,
                new BigDecimal("30000"));
    }

    @Test
    void shouldPlaceAnOrderWithAnEs256JwtFromASec1KeyThatTheExchangeVerifies() throws Exception {
        String keyName = "organizations/test-org/apiKeys/sec1";
        exchange.registerKey(keyName, TestKeys.ecPublicKeyPem(TestKeys.resource("coinbase-test-ec-public.pem")));
        CoinbaseClient sec1 = CoinbaseClient.create(keyName, TestKeys.resource("coinbase-test-ec-sec1.pem"),
                exchange.baseUrl(), TIMEOUT, Clock.systemUTC());

        ExchangeOrder placed = sec1.place(market("cb-1", "BTCUSD", Side.BUY, "0.001"));

        assertThat(placed.clientOrderId()).isEqualTo("cb-1");
        assertThat(placed.exchangeOrderId()).isEqualTo(exchange.orders().get("cb-1").orderId());
        assertThat(placed.status()).isEqualTo(ExchangeOrderStatus.OPEN);
        assertThat(exchange.lastAcceptedJwt().algorithm()).isEqualTo("ES256");
        assertThat(exchange.rejectedAuthCount()).isZero();
        assertThat(exchange.orders().get("cb-1").productId()).isEqualTo("BTC-USD");
        assertThat(exchange.orders().get("cb-1").configuration()).isEqualTo("market_market_ioc");
    }

    @Test
    void shouldPlaceAnOrderWithAnEd25519KeyInCoinbasesBase64Form() throws Exception {
        KeyPair ed = TestKeys.ed25519();
        String keyName = "ed25519-key";
        exchange.registerKey(keyName, ed.getPublic());
        CoinbaseClient edClient = CoinbaseClient.create(keyName, TestKeys.coinbaseEd25519Secret(ed),
                exchange.baseUrl(), TIMEOUT, Clock.systemUTC());

        edClient.place(market("cb-2", "BTCUSD", Side.SELL, "0.002"));

        assertThat(exchange.lastAcceptedJwt().algorithm()).isEqualTo("EdDSA");
        assertThat(exchange.orders()).containsKey("cb-2");
        assertThat(exchange.rejectedAuthCount()).isZero();
    }

    @Test
    void shouldPlaceAnOrderWithAnEd25519Pkcs8PemKey() throws Exception {
        KeyPair ed = TestKeys.ed25519();
        exchange.registerKey("ed-pem", ed.getPublic());
        CoinbaseClient edClient = CoinbaseClient.create("ed-pem", TestKeys.pkcs8Pem(ed.getPrivate()),
                exchange.baseUrl(), TIMEOUT, Clock.systemUTC());

        edClient.place(market("cb-3", "BTCUSD", Side.BUY, "0.001"));

        assertThat(exchange.lastAcceptedJwt().algorithm()).isEqualTo("EdDSA");
        assertThat(exchange.orderCount()).isEqualTo(1);
    }

    @Test
    void shouldSendAFreshJwtPerRequestWithTheDocumentedClaims() throws Exception {
        client.place(market("cb-4", "BTCUSD", Side.BUY, "0.001"));
        CoinbaseTestExchange.AcceptedJwt first = exchange.lastAcceptedJwt();
        client.ping();
        CoinbaseTestExchange.AcceptedJwt second = exchange.lastAcceptedJwt();

        String host = exchange.baseUrl().substring("http://".length());
        assertThat(first.kid()).isEqualTo(KEY_NAME);
        assertThat(first.claims().getIssuer()).isEqualTo("cdp");
        assertThat(first.claims().getSubject()).isEqualTo(KEY_NAME);
        assertThat(first.claims().getClaim("uri")).isEqualTo("POST " + host + "/api/v3/brokerage/orders");
        assertThat(Duration.between(first.claims().getNotBeforeTime().toInstant(),
                first.claims().getExpirationTime().toInstant())).isEqualTo(Duration.ofSeconds(120));
        assertThat(second.claims().getClaim("uri")).isEqualTo("GET " + host + "/api/v3/brokerage/key_permissions");
        assertThat(second.nonce()).isNotEqualTo(first.nonce()).matches("[0-9a-f]{32}");
    }

    @Test
    void shouldReportAuthenticationWhenTheJwtIsSignedWithAnotherKey() {
        KeyPair other = TestKeys.ecP256();
        String otherPem = TestKeys.pkcs8Pem(other.getPrivate());
        CoinbaseClient impostor = CoinbaseClient.create(KEY_NAME, otherPem, exchange.baseUrl(), TIMEOUT,
                Clock.systemUTC());

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> impostor.place(market("cb-5", "BTCUSD", Side.BUY, "0.001")));

        assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
        assertThat(e.getMessage()).doesNotContain("Bearer", "eyJ", otherPem.substring(40, 80));
        assertThat(exchange.lastAuthFailure()).isEqualTo("bad signature");
        assertThat(exchange.rejectedAuthCount()).isEqualTo(1);
        assertThat(exchange.orderCount()).isZero();
    }

    @Test
    void shouldReportAuthenticationWhenTheJwtHasExpired() {
        CoinbaseClient slowClock = CoinbaseClient.create(KEY_NAME, TestKeys.pkcs8Pem(ecKey.getPrivate()),
                exchange.baseUrl(), TIMEOUT, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-5)));

        ExchangeException e = catchThrowableOfType(ExchangeException.class, slowClock::ping);

        assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
        assertThat(exchange.lastAuthFailure()).isEqualTo("exp has passed");
    }

    @Test
    void shouldRejectWithCoinbasesErrorWhenSuccessIsFalse() {
        exchange.faults().add(Target.PLACE, new Reject("INSUFFICIENT_FUND", "Insufficient balance in source account",
                "UNKNOWN_FAILURE_REASON"));

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("cb-6", "BTCUSD", Side.BUY, "0.001")));

        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.exchangeCode()).isEqualTo("INSUFFICIENT_FUND");
        assertThat(e.getMessage()).isEqualTo("Insufficient balance in source account");
        assertThat(exchange.orderCount()).isZero();
    }

    @Test
    void shouldCreateOneOrderForARepeatedClientOrderId() throws Exception {
        ExchangeOrder first = client.place(market("cb-7", "BTCUSD", Side.BUY, "0.001"));
        ExchangeOrder second = client.place(market("cb-7", "BTCUSD", Side.BUY, "0.001"));

        assertThat(second.exchangeOrderId()).isEqualTo(first.exchangeOrderId());
        assertThat(exchange.orderCount()).isEqualTo(1);
    }

    @Test
    void shouldRoundToTheProductIncrementsAndRejectBelowTheMinimumLocally() throws Exception {
        exchange.addProduct(new ProductSpec("ETH-USDC", new BigDecimal("0.0001"), new BigDecimal("0.01"),
                new BigDecimal("0.001"), new BigDecimal("1000"), new BigDecimal("1"), new BigDecimal("2000"), false));

        client.place(new OrderRequest("cb-8", "ETHUSDC", Side.BUY, OrderType.LIMIT, new BigDecimal("0.123456"),
                new BigDecimal("2000.129"), null));
        ExchangeException tooSmall = catchThrowableOfType(ExchangeException.class,
                () -> client.place(new OrderRequest("cb-9", "ETHUSDC", Side.BUY, OrderType.LIMIT,
                        new BigDecimal("0.001"), new BigDecimal("500"), null)));
        InstrumentRules rules = client.instrumentRules("ETHUSDC");

        assertThat(exchange.orders().get("cb-8").baseSize()).isEqualByComparingTo("0.1234");
        assertThat(exchange.orders().get("cb-8").limitPrice()).isEqualByComparingTo("2000.12");
        assertThat(exchange.orders().get("cb-8").configuration()).isEqualTo("limit_limit_gtc");
        assertThat(tooSmall.exchangeCode()).isEqualTo(OrderPreparation.BELOW_MIN_NOTIONAL);
        assertThat(exchange.orders()).doesNotContainKey("cb-9");
        assertThat(exchange.requestCount("POST", "/api/v3/brokerage/orders")).isEqualTo(1);
        assertThat(rules.stepSize()).isEqualByComparingTo("0.0001");
        assertThat(rules.minNotional()).isEqualByComparingTo("1");
        assertThat(exchange.requestCount("GET", "/api/v3/brokerage/products/ETH-USDC")).isEqualTo(1);
    }

    @Test
    void shouldReportUnknownOutcomeWhenTheResponseIsLostAndFindExactlyOneOrder() throws Exception {
        exchange.faults().add(Target.PLACE, new DropAfterAccept());

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("cb-10", "BTCUSD", Side.BUY, "0.001")));
        Optional<ExchangeOrder> found = client.lookup("BTCUSD", "cb-10");

        assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_OUTCOME);
        assertThat(found).get().satisfies(order -> {
            assertThat(order.status()).isEqualTo(ExchangeOrderStatus.FILLED);
            assertThat(order.executedQuantity()).isEqualByComparingTo("0.001");
            assertThat(order.averagePrice()).isEqualByComparingTo("30000");
        });
        assertThat(exchange.orderCount()).isEqualTo(1);
    }

    @Test
    void shouldReportUnknownOutcomeOn5xxForOrdersAndUnavailableForReads() {
        exchange.faults().add(Target.PLACE, new ServerError(503, true, null, null));
        exchange.faults().add(Target.LOOKUP, new ServerError(500, false, null, null));

        ExchangeException place = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("cb-11", "BTCUSD", Side.BUY, "0.001")));
        ExchangeException lookup = catchThrowableOfType(ExchangeException.class,
                () -> client.lookup("BTCUSD", "cb-11"));

        assertThat(place.kind()).isEqualTo(Kind.UNKNOWN_OUTCOME);
        assertThat(lookup.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(exchange.orderCount()).isEqualTo(1);
    }

    @Test
    void shouldSearchEveryPageBeforeSayingAnOrderDoesNotExist() throws Exception {
        exchange.setMaxPageSize(2);
        for (int i = 0; i < 5; i++) {
            client.place(market("cb-page-" + i, "BTCUSD", Side.BUY, "0.001"));
        }
        int listsBefore = exchange.requestCount("GET", "/api/v3/brokerage/orders/historical/batch");

        Optional<ExchangeOrder> oldest = client.lookup("BTCUSD", "cb-page-0");
        Optional<ExchangeOrder> never = client.lookup("BTCUSD", "never-sent");

        assertThat(oldest).isPresent();
        assertThat(never).isEmpty();
        assertThat(exchange.requestCount("GET", "/api/v3/brokerage/orders/historical/batch") - listsBefore)
                .isEqualTo(6);
    }

    @Test
    void shouldBackOffAfter429AndRefuseLocallyUntilRetryAfterHasPassed() throws Exception {
        exchange.faults().add(Target.PLACE, new RateLimit(Duration.ofSeconds(1)));
        client.instrumentRules("BTCUSD");
        int requestsBefore = exchange.requestCount();

        ExchangeException limited = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("cb-12", "BTCUSD", Side.BUY, "0.001")));
        ExchangeException refused = catchThrowableOfType(ExchangeException.class, client::ping);

        assertThat(limited.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(refused.exchangeCode()).isEqualTo("backing_off");
        assertThat(exchange.requestCount()).isEqualTo(requestsBefore + 1);

        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThatCode(client::ping).doesNotThrowAnyException());
        assertThat(exchange.requestsDuringBan()).isZero();
    }

    @Test
    void shouldCancelAnOpenLimitOrder() throws Exception {
        client.place(new OrderRequest("cb-13", "BTCUSD", Side.BUY, OrderType.LIMIT, new BigDecimal("0.01"),
                new BigDecimal("20000"), null));

        ExchangeOrder canceled = client.cancel("BTCUSD", "cb-13");
        ExchangeException unknown = catchThrowableOfType(ExchangeException.class,
                () -> client.cancel("BTCUSD", "never-sent"));

        assertThat(canceled.status()).isEqualTo(ExchangeOrderStatus.CANCELED);
        assertThat(exchange.orders().get("cb-13").status()).isEqualTo("CANCELLED");
        assertThat(unknown.exchangeCode()).isEqualTo("unknown_order");
    }

    @Test
    void shouldRejectUnknownProductsAndSymbolsWithoutAProduct() {
        ExchangeException unknownProduct = catchThrowableOfType(ExchangeException.class,
                () -> client.instrumentRules("DOGEUSD"));
        ExchangeException unmappable = catchThrowableOfType(ExchangeException.class,
                () -> client.place(market("cb-14", "???", Side.BUY, "1")));

        assertThat(unknownProduct.kind()).isEqualTo(Kind.REJECTED);
        assertThat(unknownProduct.exchangeCode()).isEqualTo("NOT_FOUND");
        assertThat(unmappable.exchangeCode()).isEqualTo("unknown_symbol");
    }
}
