package com.fks.execution.exchange.coinbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import com.fks.execution.testexchange.Faults.DropAfterAccept;
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

/**
 * The Coinbase side of trading actions (issue 12): balances, quote-sized market orders and the protection orders
 * (stop-loss, take-profit, bracket), against the local Coinbase test exchange over HTTP.
 */
final class CoinbaseTradingActionsTest {

    private static final String KEY_NAME = "organizations/test-org/apiKeys/trading";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String ORDERS = "/api/v3/brokerage/orders";

    private CoinbaseTestExchange exchange;
    private CoinbaseClient client;

    @BeforeEach
    void startExchange() {
        exchange = CoinbaseTestExchange.start();
        KeyPair key = TestKeys.ecP256();
        exchange.registerKey(KEY_NAME, key.getPublic());
        client = CoinbaseClient.create(KEY_NAME, TestKeys.pkcs8Pem(key.getPrivate()), exchange.baseUrl(), TIMEOUT,
                Clock.systemUTC());
    }

    @AfterEach
    void stopExchange() {
        exchange.close();
    }

    private static OrderRequest protection(String id, OrderType type, String quantity, String takeProfit,
                                           String stop) {
        return new OrderRequest(id, "BTCUSD", Side.SELL, type, new BigDecimal(quantity),
                takeProfit == null ? null : new BigDecimal(takeProfit), null,
                stop == null ? null : new BigDecimal(stop), null);
    }

    // ---------------------------------------------------------------- balances and rules

    @Test
    void shouldReadTheAvailableBalanceFromALaterPageOfAccounts() throws Exception {
        exchange.setMaxAccountsPageSize(2);
        for (String currency : new String[] {"ETH", "SOL", "USDC", "EUR", "USD", "BTC"}) {
            exchange.setBalance(currency, "1");
        }
        exchange.setBalance("USD", "1234.56");

        BigDecimal usd = client.freeBalance("USD");
        int afterFirstRead = exchange.requestCount("GET", "/api/v3/brokerage/accounts");
        BigDecimal doge = client.freeBalance("doge");

        assertThat(usd).isEqualByComparingTo("1234.56");
        assertThat(afterFirstRead).isEqualTo(3);
        assertThat(doge).isZero();
        assertThat(exchange.requestCount("GET", "/api/v3/brokerage/accounts")).isEqualTo(6);
    }

    @Test
    void shouldNotCountWhatOpenOrdersHoldAsFree() throws Exception {
        exchange.setBalance("BTC", "0.5").setBalance("USD", "0");

        client.place(protection("cb-hold", OrderType.TAKE_PROFIT, "0.2", "40000", null));

        assertThat(client.freeBalance("BTC")).isEqualByComparingTo("0.3");
    }

    @Test
    void shouldReportABalanceItCouldNotReadAsUnavailableNotZero() {
        exchange.setBalance("USD", "100");
        exchange.faults().add(Target.ANY, new ServerError(503, false, null, null));

        ExchangeException e = catchThrowableOfType(ExchangeException.class, () -> client.freeBalance("USD"));

        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void shouldNameTheBaseAndQuoteCurrenciesOfAProductAsItsAccountsDo() throws Exception {
        InstrumentRules rules = client.instrumentRules("BTCUSD");

        assertThat(rules.baseAsset()).isEqualTo("BTC");
        assertThat(rules.quoteAsset()).isEqualTo("USD");
        assertThat(rules.tickSize()).isEqualByComparingTo("0.01");
    }

    // ---------------------------------------------------------------- quote-sized market orders

    @Test
    void shouldBuyWithAQuoteSizeRoundedDownToTheQuoteIncrement() throws Exception {
        exchange.setBalance("USD", "1000").setBalance("BTC", "0");

        client.place(new OrderRequest("cb-quote-1", "BTCUSD", Side.BUY, OrderType.MARKET, null, null,
                new BigDecimal("30000"), null, new BigDecimal("100.129")));
        Optional<ExchangeOrder> filled = client.lookup("BTCUSD", "cb-quote-1");

        CoinbaseTestExchange.Order sent = exchange.orders().get("cb-quote-1");
        assertThat(sent.configuration()).isEqualTo("market_market_ioc");
        assertThat(sent.quoteSize()).isEqualByComparingTo("100.12");
        assertThat(filled).get().satisfies(order -> {
            assertThat(order.status()).isEqualTo(ExchangeOrderStatus.FILLED);
            assertThat(order.executedQuantity()).isEqualByComparingTo("0.00333733");
            assertThat(order.averagePrice()).isEqualByComparingTo("30000");
        });
        assertThat(client.freeBalance("USD")).isEqualByComparingTo("899.88");
        assertThat(client.freeBalance("BTC")).isEqualByComparingTo("0.00333733");
    }

    @Test
    void shouldSellAQuoteSizedAmountAsABaseSizeAtTheAlertsPrice() throws Exception {
        client.place(new OrderRequest("cb-quote-2", "BTCUSD", Side.SELL, OrderType.MARKET, null, null,
                new BigDecimal("30000"), null, new BigDecimal("100")));

        CoinbaseTestExchange.Order sent = exchange.orders().get("cb-quote-2");
        assertThat(sent.quoteSize()).isNull();
        assertThat(sent.baseSize()).isEqualByComparingTo("0.00333333");
    }

    @Test
    void shouldRefuseLocallyAQuoteAmountBelowTheIncrementOrTheMinimum() {
        ExchangeException zero = catchThrowableOfType(ExchangeException.class, () -> client.place(
                new OrderRequest("cb-quote-3", "BTCUSD", Side.BUY, OrderType.MARKET, null, null, null, null,
                        new BigDecimal("0.004"))));
        ExchangeException small = catchThrowableOfType(ExchangeException.class, () -> client.place(
                new OrderRequest("cb-quote-4", "BTCUSD", Side.BUY, OrderType.MARKET, null, null, null, null,
                        new BigDecimal("0.5"))));

        assertThat(zero.exchangeCode()).isEqualTo(OrderPreparation.QUANTITY_ROUNDS_TO_ZERO);
        assertThat(small.exchangeCode()).isEqualTo(OrderPreparation.BELOW_MIN_NOTIONAL);
        assertThat(exchange.requestCount("POST", ORDERS)).isZero();
    }

    // ---------------------------------------------------------------- protection

    @Test
    void shouldPlaceAnOcoAsOneSellBracketAndFillItAtTheTakeProfit() throws Exception {
        exchange.setBalance("BTC", "0.01").setBalance("USD", "0");

        ExchangeOrder placed = client.place(protection("cb-oco-1", OrderType.OCO, "0.01", "33000.001", "27000.009"));
        Optional<ExchangeOrder> resting = client.lookup("BTCUSD", "cb-oco-1", OrderType.OCO);
        exchange.setLastPrice("BTC-USD", "32999.99");
        Optional<ExchangeOrder> stillResting = client.lookup("BTCUSD", "cb-oco-1", OrderType.OCO);
        exchange.setLastPrice("BTC-USD", "33000.50");
        Optional<ExchangeOrder> filled = client.lookup("BTCUSD", "cb-oco-1", OrderType.OCO);

        CoinbaseTestExchange.Order sent = exchange.orders().get("cb-oco-1");
        assertThat(sent.configuration()).isEqualTo("trigger_bracket_gtc");
        assertThat(sent.side()).isEqualTo("SELL");
        assertThat(sent.baseSize()).isEqualByComparingTo("0.01");
        assertThat(sent.limitPrice()).isEqualByComparingTo("33000.01");
        assertThat(sent.stopTriggerPrice()).isEqualByComparingTo("27000");
        assertThat(exchange.orderCount()).isEqualTo(1);
        assertThat(placed.exchangeOrderId()).isEqualTo(sent.orderId());
        assertThat(resting).get().extracting(ExchangeOrder::status).isEqualTo(ExchangeOrderStatus.OPEN);
        assertThat(stillResting).get().extracting(ExchangeOrder::status).isEqualTo(ExchangeOrderStatus.OPEN);
        assertThat(filled).get().satisfies(order -> {
            assertThat(order.status()).isEqualTo(ExchangeOrderStatus.FILLED);
            assertThat(order.exchangeOrderId()).isEqualTo(sent.orderId());
            assertThat(order.executedQuantity()).isEqualByComparingTo("0.01");
            assertThat(order.averagePrice()).isEqualByComparingTo("33000.01");
        });
        assertThat(exchange.balance("USD")).isEqualByComparingTo("330.0001");
    }

    @Test
    void shouldFillABracketsStopWhenThePriceFallsToTheTrigger() throws Exception {
        client.place(protection("cb-oco-2", OrderType.OCO, "0.01", "33000", "27000"));

        exchange.setLastPrice("BTC-USD", "27000.01");
        Optional<ExchangeOrder> above = client.lookup("BTCUSD", "cb-oco-2", OrderType.OCO);
        exchange.setLastPrice("BTC-USD", "26950");
        Optional<ExchangeOrder> stopped = client.lookup("BTCUSD", "cb-oco-2", OrderType.OCO);

        assertThat(above).get().extracting(ExchangeOrder::status).isEqualTo(ExchangeOrderStatus.OPEN);
        assertThat(stopped).get().satisfies(order -> {
            assertThat(order.status()).isEqualTo(ExchangeOrderStatus.FILLED);
            assertThat(order.executedQuantity()).isEqualByComparingTo("0.01");
            assertThat(order.averagePrice()).isEqualByComparingTo("26950");
        });
        assertThat(exchange.orders().get("cb-oco-2").triggered()).isTrue();
    }

    @Test
    void shouldPlaceAStopLossAsASellStopLimitFivePercentBelowTheStop() throws Exception {
        client.place(protection("cb-sl-1", OrderType.STOP_LOSS, "0.01", null, "27000.019"));

        exchange.setLastPrice("BTC-USD", "27500");
        Optional<ExchangeOrder> resting = client.lookup("BTCUSD", "cb-sl-1", OrderType.STOP_LOSS);
        exchange.setLastPrice("BTC-USD", "26999.50");
        Optional<ExchangeOrder> stopped = client.lookup("BTCUSD", "cb-sl-1", OrderType.STOP_LOSS);

        CoinbaseTestExchange.Order sent = exchange.orders().get("cb-sl-1");
        assertThat(sent.configuration()).isEqualTo("stop_limit_stop_limit_gtc");
        assertThat(sent.side()).isEqualTo("SELL");
        assertThat(sent.stopDirection()).isEqualTo("STOP_DIRECTION_STOP_DOWN");
        assertThat(sent.stopPrice()).isEqualByComparingTo("27000.01");
        assertThat(sent.limitPrice()).isEqualByComparingTo("25650.00");
        assertThat(resting).get().extracting(ExchangeOrder::status).isEqualTo(ExchangeOrderStatus.OPEN);
        assertThat(stopped).get().satisfies(order -> {
            assertThat(order.status()).isEqualTo(ExchangeOrderStatus.FILLED);
            assertThat(order.averagePrice()).isEqualByComparingTo("26999.50");
        });
    }

    @Test
    void shouldPlaceATakeProfitAsARestingLimitSellAtItsPrice() throws Exception {
        client.place(protection("cb-tp-1", OrderType.TAKE_PROFIT, "0.01", "33000.001", null));

        exchange.setLastPrice("BTC-USD", "31000");
        Optional<ExchangeOrder> resting = client.lookup("BTCUSD", "cb-tp-1", OrderType.TAKE_PROFIT);
        exchange.setLastPrice("BTC-USD", "33100");
        Optional<ExchangeOrder> taken = client.lookup("BTCUSD", "cb-tp-1", OrderType.TAKE_PROFIT);

        CoinbaseTestExchange.Order sent = exchange.orders().get("cb-tp-1");
        assertThat(sent.configuration()).isEqualTo("limit_limit_gtc");
        assertThat(sent.side()).isEqualTo("SELL");
        assertThat(sent.limitPrice()).isEqualByComparingTo("33000.01");
        assertThat(resting).get().extracting(ExchangeOrder::status).isEqualTo(ExchangeOrderStatus.OPEN);
        assertThat(taken).get().satisfies(order -> {
            assertThat(order.status()).isEqualTo(ExchangeOrderStatus.FILLED);
            assertThat(order.averagePrice()).isEqualByComparingTo("33000.01");
        });
    }

    @Test
    void shouldCancelABracketByItsClientOrderId() throws Exception {
        client.place(protection("cb-oco-3", OrderType.OCO, "0.01", "33000", "27000"));

        ExchangeOrder canceled = client.cancel("BTCUSD", "cb-oco-3", OrderType.OCO);
        exchange.setLastPrice("BTC-USD", "34000");

        assertThat(canceled.status()).isEqualTo(ExchangeOrderStatus.CANCELED);
        assertThat(canceled.executedQuantity()).isZero();
        assertThat(exchange.orders().get("cb-oco-3").status()).isEqualTo("CANCELLED");
        assertThat(exchange.requestCount("POST", "/api/v3/brokerage/orders/batch_cancel")).isEqualTo(1);
    }

    @Test
    void shouldFindABracketWhoseAnswerWasLostSoItIsNeverSentTwice() throws Exception {
        exchange.faults().add(Target.PLACE, new DropAfterAccept());
        OrderRequest bracket = protection("cb-oco-4", OrderType.OCO, "0.01", "33000", "27000");

        ExchangeException lost = catchThrowableOfType(ExchangeException.class, () -> client.place(bracket));
        // The engine's rule after an unknown outcome: look up first, place again only when the exchange has none.
        Optional<ExchangeOrder> found = client.lookup("BTCUSD", "cb-oco-4", OrderType.OCO);
        if (found.isEmpty()) {
            client.place(bracket);
        }

        assertThat(lost.kind()).isEqualTo(Kind.UNKNOWN_OUTCOME);
        assertThat(found).get().satisfies(order -> {
            assertThat(order.status()).isEqualTo(ExchangeOrderStatus.OPEN);
            assertThat(order.exchangeOrderId()).isEqualTo(exchange.orders().get("cb-oco-4").orderId());
        });
        assertThat(exchange.requestCount("POST", ORDERS)).isEqualTo(1);
        assertThat(exchange.orderCount()).isEqualTo(1);
    }

    @Test
    void shouldRefuseLocallyABracketWhoseStopIsNotBelowItsTakeProfit() {
        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(protection("cb-oco-5", OrderType.OCO, "0.01", "27000", "27000")));

        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.exchangeCode()).isEqualTo(OrderPreparation.INVALID_PRICE);
        assertThat(exchange.requestCount("POST", ORDERS)).isZero();
    }

    // ---------------------------------------------------------------- protection that rests for days

    private CoinbaseClient restartedClient() {
        KeyPair key = TestKeys.ecP256();
        String keyName = "organizations/test-org/apiKeys/restarted-" + System.nanoTime();
        exchange.registerKey(keyName, key.getPublic());
        return CoinbaseClient.create(keyName, TestKeys.pkcs8Pem(key.getPrivate()), exchange.baseUrl(), TIMEOUT,
                Clock.systemUTC());
    }

    @Test
    void shouldFindAfterARestartABracketOlderThanTheEntryLookupWindow() throws Exception {
        client.place(protection("cb-old-1", OrderType.OCO, "0.01", "33000", "27000"));
        exchange.ageOrder("cb-old-1", Duration.ofDays(3));
        CoinbaseClient restarted = restartedClient();

        Optional<ExchangeOrder> asEntry = restarted.lookup("BTCUSD", "cb-old-1");
        Optional<ExchangeOrder> resting = restarted.lookup("BTCUSD", "cb-old-1", OrderType.OCO);
        exchange.setLastPrice("BTC-USD", "33000");
        Optional<ExchangeOrder> filled = restartedClient().lookup("BTCUSD", "cb-old-1", OrderType.OCO);

        assertThat(asEntry).isEmpty();
        assertThat(resting).get().extracting(ExchangeOrder::status).isEqualTo(ExchangeOrderStatus.OPEN);
        assertThat(filled).get().satisfies(order -> {
            assertThat(order.status()).isEqualTo(ExchangeOrderStatus.FILLED);
            assertThat(order.averagePrice()).isEqualByComparingTo("33000");
        });
    }

    @Test
    void shouldLookUpAProtectionItPlacedByItsOrderIdWhateverItsAge() throws Exception {
        client.place(protection("cb-old-2", OrderType.STOP_LOSS, "0.01", null, "27000"));
        exchange.ageOrder("cb-old-2", Duration.ofDays(200));
        exchange.setLastPrice("BTC-USD", "26000");
        int listsBefore = exchange.requestCount("GET", "/api/v3/brokerage/orders/historical/batch");

        Optional<ExchangeOrder> stopped = client.lookup("BTCUSD", "cb-old-2", OrderType.STOP_LOSS);

        String orderId = exchange.orders().get("cb-old-2").orderId();
        assertThat(stopped).get().satisfies(order -> {
            assertThat(order.status()).isEqualTo(ExchangeOrderStatus.FILLED);
            assertThat(order.exchangeOrderId()).isEqualTo(orderId);
            assertThat(order.averagePrice()).isEqualByComparingTo("26000");
        });
        assertThat(exchange.requestCount("GET", "/api/v3/brokerage/orders/historical/" + orderId)).isEqualTo(1);
        assertThat(exchange.requestCount("GET", "/api/v3/brokerage/orders/historical/batch")).isEqualTo(listsBefore);
    }
}
