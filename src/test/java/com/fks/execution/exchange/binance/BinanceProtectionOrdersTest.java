package com.fks.execution.exchange.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeException.Kind;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.fks.execution.testexchange.BinanceTestExchange;
import com.fks.execution.testexchange.Faults.DropAfterAccept;
import com.fks.execution.testexchange.Faults.Target;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stop-loss, take-profit and OCO sells at Binance: placed, triggered by the last traded price, looked up and
 * cancelled. The test exchange trades BTCUSDT at 30000 until a test moves the price.
 */
final class BinanceProtectionOrdersTest {

    private static final String KEY = "test-api-key-0003";
    private static final String SECRET = "test-api-secret-YdKjVHjA7PZj4Mge3R5YNiPNhqPtmdSJ";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** 35 characters, like the engine's protection ids: its legs' ids are 36, Binance's maximum. */
    private static final String LIST_ID = "fkp0123456789abcdef0123456789abcdef";

    private BinanceTestExchange exchange;
    private BinanceClient client;

    @BeforeEach
    void startExchange() {
        exchange = BinanceTestExchange.start(KEY, SECRET);
        exchange.setBalance("BTC", new BigDecimal("1")).setBalance("USDT", BigDecimal.ZERO);
        client = BinanceClient.create(KEY, SECRET, exchange.baseUrl(), TIMEOUT, Clock.systemUTC());
    }

    @AfterEach
    void stopExchange() {
        exchange.close();
    }

    private static OrderRequest stopLoss(String id, String quantity, String stop) {
        return new OrderRequest(id, "BTCUSDT", Side.SELL, OrderType.STOP_LOSS, new BigDecimal(quantity), null, null,
                new BigDecimal(stop), null);
    }

    private static OrderRequest takeProfit(String id, String quantity, String price) {
        return new OrderRequest(id, "BTCUSDT", Side.SELL, OrderType.TAKE_PROFIT, new BigDecimal(quantity),
                new BigDecimal(price), null, null, null);
    }

    private static OrderRequest oco(String id, String quantity, String takeProfit, String stop) {
        return new OrderRequest(id, "BTCUSDT", Side.SELL, OrderType.OCO, new BigDecimal(quantity),
                new BigDecimal(takeProfit), null, new BigDecimal(stop), null);
    }

    private static BigDecimal price(String value) {
        return new BigDecimal(value);
    }

    @Test
    void shouldRestAStopLossUntilThePriceFallsToItThenFindItFilled() throws Exception {
        ExchangeOrder placed = client.place(stopLoss("sl-1", "0.5", "29000.009"));

        assertThat(placed.status()).isEqualTo(ExchangeOrderStatus.OPEN);
        BinanceTestExchange.Order atExchange = exchange.orders().get("sl-1");
        assertThat(atExchange.type()).isEqualTo("STOP_LOSS");
        assertThat(atExchange.side()).isEqualTo("SELL");
        assertThat(atExchange.stopPrice()).isEqualByComparingTo("29000"); // floored to the 0.01 tick
        assertThat(atExchange.price()).isNull();
        assertThat(exchange.lockedBalance("BTC")).isEqualByComparingTo("0.5");

        exchange.setLastPrice("BTCUSDT", price("29500"));
        assertThat(client.lookup("BTCUSDT", "sl-1", OrderType.STOP_LOSS).orElseThrow().status())
                .isEqualTo(ExchangeOrderStatus.OPEN);

        exchange.setLastPrice("BTCUSDT", price("28990"));
        ExchangeOrder filled = client.lookup("BTCUSDT", "sl-1", OrderType.STOP_LOSS).orElseThrow();
        assertThat(filled.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(filled.executedQuantity()).isEqualByComparingTo("0.5");
        assertThat(filled.averagePrice()).isEqualByComparingTo("28990");
        assertThat(client.freeBalance("USDT")).isEqualByComparingTo("14495");
    }

    @Test
    void shouldSendATakeProfitWithItsPriceAsStopPriceAndFillItWhenThePriceRises() throws Exception {
        ExchangeOrder placed = client.place(takeProfit("tp-1", "0.5", "31000.001"));

        assertThat(placed.status()).isEqualTo(ExchangeOrderStatus.OPEN);
        BinanceTestExchange.Order atExchange = exchange.orders().get("tp-1");
        assertThat(atExchange.type()).isEqualTo("TAKE_PROFIT");
        assertThat(atExchange.stopPrice()).isEqualByComparingTo("31000.01"); // raised to the 0.01 tick
        assertThat(atExchange.price()).isNull();

        exchange.setLastPrice("BTCUSDT", price("31005"));
        ExchangeOrder filled = client.lookup("BTCUSDT", "tp-1", OrderType.TAKE_PROFIT).orElseThrow();
        assertThat(filled.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(filled.averagePrice()).isEqualByComparingTo("31005");
    }

    @Test
    void shouldCancelASingleStopLossAsAnOrder() throws Exception {
        client.place(stopLoss("sl-2", "0.5", "29000"));

        ExchangeOrder canceled = client.cancel("BTCUSDT", "sl-2", OrderType.STOP_LOSS);

        assertThat(canceled.status()).isEqualTo(ExchangeOrderStatus.CANCELED);
        assertThat(exchange.lockedBalance("BTC")).isZero();
    }

    @Test
    void shouldReportAStopThePriceAlreadyPassedAsRejectedWithBinancesCode() {
        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(stopLoss("sl-3", "0.5", "30500")));

        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.exchangeCode()).isEqualTo("-2010");
        assertThat(e.getMessage()).contains("trigger immediately");
    }

    @Test
    void shouldPlaceAnOcoAsOneListWithATakeProfitMakerAboveAndAStopLossBelow() throws Exception {
        ExchangeOrder placed = client.place(oco(LIST_ID, "0.5", "32000", "28000"));

        assertThat(placed.clientOrderId()).isEqualTo(LIST_ID);
        assertThat(placed.status()).isEqualTo(ExchangeOrderStatus.OPEN);
        BinanceTestExchange.OrderList list = exchange.orderLists().get(LIST_ID);
        assertThat(placed.exchangeOrderId()).isEqualTo(String.valueOf(list.orderListId()));
        assertThat(list.listOrderStatus()).isEqualTo("EXECUTING");
        BinanceTestExchange.Order above = list.above();
        assertThat(above.clientOrderId()).isEqualTo(OrderRequest.takeProfitLegId(LIST_ID)).hasSize(36);
        assertThat(above.type()).isEqualTo("LIMIT_MAKER");
        assertThat(above.price()).isEqualByComparingTo("32000");
        BinanceTestExchange.Order below = list.below();
        assertThat(below.clientOrderId()).isEqualTo(OrderRequest.stopLossLegId(LIST_ID));
        assertThat(below.type()).isEqualTo("STOP_LOSS");
        assertThat(below.stopPrice()).isEqualByComparingTo("28000");
        assertThat(above.quantity()).isEqualByComparingTo("0.5");
        assertThat(below.quantity()).isEqualByComparingTo("0.5");
        // One list holds the quantity once, not once per leg.
        assertThat(exchange.lockedBalance("BTC")).isEqualByComparingTo("0.5");
        assertThat(client.freeBalance("BTC")).isEqualByComparingTo("0.5");
        assertThat(exchange.requestCount("POST", "/api/v3/orderList/oco")).isEqualTo(1);
        assertThat(exchange.requestCount("POST", "/api/v3/order")).isZero();

        Optional<ExchangeOrder> resting = client.lookup("BTCUSDT", LIST_ID, OrderType.OCO);
        assertThat(resting).get().extracting(ExchangeOrder::status).isEqualTo(ExchangeOrderStatus.OPEN);
    }

    @Test
    void shouldReportTheListFilledAtTheTakeProfitWhenItsMakerFillsAndTheStopExpires() throws Exception {
        client.place(oco(LIST_ID, "0.5", "32000", "28000"));

        exchange.setLastPrice("BTCUSDT", price("32000"));

        ExchangeOrder list = client.lookup("BTCUSDT", LIST_ID, OrderType.OCO).orElseThrow();
        assertThat(list.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(list.executedQuantity()).isEqualByComparingTo("0.5");
        assertThat(list.averagePrice()).isEqualByComparingTo("32000");
        assertThat(list.clientOrderId()).isEqualTo(LIST_ID);
        BinanceTestExchange.OrderList atExchange = exchange.orderLists().get(LIST_ID);
        assertThat(atExchange.listOrderStatus()).isEqualTo("ALL_DONE");
        assertThat(atExchange.above().status()).isEqualTo("FILLED");
        assertThat(atExchange.below().status()).isEqualTo("EXPIRED");
        assertThat(atExchange.below().expiryReason()).isEqualTo("OCO_TRIGGER");
        assertThat(client.freeBalance("BTC")).isEqualByComparingTo("0.5");
        assertThat(client.freeBalance("USDT")).isEqualByComparingTo("16000");
    }

    @Test
    void shouldReportTheListFilledAtTheStopWhenThePriceFallsAndTheMakerExpires() throws Exception {
        client.place(oco(LIST_ID, "0.5", "32000", "28000"));

        exchange.setLastPrice("BTCUSDT", price("27900"));

        ExchangeOrder list = client.lookup("BTCUSDT", LIST_ID, OrderType.OCO).orElseThrow();
        assertThat(list.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(list.executedQuantity()).isEqualByComparingTo("0.5");
        assertThat(list.averagePrice()).isEqualByComparingTo("27900");
        assertThat(exchange.orderLists().get(LIST_ID).above().status()).isEqualTo("EXPIRED");
        assertThat(exchange.orderLists().get(LIST_ID).below().status()).isEqualTo("FILLED");
    }

    @Test
    void shouldReportAnOcoWhosePricesDoNotSurroundTheLastTradeAsRejectedWithBinancesCode() {
        exchange.setLastPrice("BTCUSDT", price("32500"));

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(oco(LIST_ID, "0.5", "32000", "28000")));

        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.exchangeCode()).isEqualTo("-2010");
        assertThat(e.getMessage()).contains("relationship of the prices");
        assertThat(exchange.orderLists()).isEmpty();
        assertThat(exchange.lockedBalance("BTC")).isZero();
    }

    @Test
    void shouldCancelAnOcoAsAListAndBothLegsEndCanceled() throws Exception {
        client.place(oco(LIST_ID, "0.5", "32000", "28000"));

        ExchangeOrder canceled = client.cancel("BTCUSDT", LIST_ID, OrderType.OCO);

        assertThat(canceled.status()).isEqualTo(ExchangeOrderStatus.CANCELED);
        assertThat(canceled.executedQuantity()).isZero();
        assertThat(canceled.clientOrderId()).isEqualTo(LIST_ID);
        BinanceTestExchange.OrderList atExchange = exchange.orderLists().get(LIST_ID);
        assertThat(atExchange.above().status()).isEqualTo("CANCELED");
        assertThat(atExchange.below().status()).isEqualTo("CANCELED");
        assertThat(exchange.lockedBalance("BTC")).isZero();
        assertThat(client.freeBalance("BTC")).isEqualByComparingTo("1");
        assertThat(exchange.requestCount("DELETE", "/api/v3/orderList")).isEqualTo(1);
        assertThat(exchange.requestCount("DELETE", "/api/v3/openOrders")).isZero();

        // Cancelling again: Binance refuses (-2011); the adapter answers with the list's final state.
        assertThat(client.cancel("BTCUSDT", LIST_ID, OrderType.OCO).status())
                .isEqualTo(ExchangeOrderStatus.CANCELED);
    }

    @Test
    void shouldCarryAPartFillOfTheMakerLegIntoTheListWhileItRestsAndAfterItIsCanceled() throws Exception {
        client.place(oco(LIST_ID, "0.5", "32000", "28000"));
        exchange.fillPart(OrderRequest.takeProfitLegId(LIST_ID), new BigDecimal("0.2"));

        ExchangeOrder resting = client.lookup("BTCUSDT", LIST_ID, OrderType.OCO).orElseThrow();
        assertThat(resting.status()).isEqualTo(ExchangeOrderStatus.PARTIALLY_FILLED);
        assertThat(resting.executedQuantity()).isEqualByComparingTo("0.2");
        assertThat(resting.averagePrice()).isEqualByComparingTo("32000");

        ExchangeOrder canceled = client.cancel("BTCUSDT", LIST_ID, OrderType.OCO);
        // Final with a part filled: the engine records it as PARTIALLY_FILLED.
        assertThat(canceled.status()).isEqualTo(ExchangeOrderStatus.CANCELED);
        assertThat(canceled.executedQuantity()).isEqualByComparingTo("0.2");
        assertThat(client.freeBalance("BTC")).isEqualByComparingTo("0.8");
    }

    @Test
    void shouldReportAListTheVenueExpiredWithoutAFillAsExpired() throws Exception {
        client.place(oco(LIST_ID, "0.5", "32000", "28000"));
        // Binance expires both legs (e.g. a maintenance): nothing sold, the position is unprotected.
        exchange.close(OrderRequest.stopLossLegId(LIST_ID), "EXPIRED");

        ExchangeOrder list = client.lookup("BTCUSDT", LIST_ID, OrderType.OCO).orElseThrow();

        assertThat(list.status()).isEqualTo(ExchangeOrderStatus.EXPIRED);
        assertThat(list.executedQuantity()).isZero();
        assertThat(list.averagePrice()).isNull();
    }

    @Test
    void shouldAnswerACancelOfAListThatAlreadyFilledWithItsFill() throws Exception {
        client.place(oco(LIST_ID, "0.5", "32000", "28000"));
        exchange.setLastPrice("BTCUSDT", price("27000"));

        ExchangeOrder done = client.cancel("BTCUSDT", LIST_ID, OrderType.OCO);

        assertThat(done.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(done.executedQuantity()).isEqualByComparingTo("0.5");
        assertThat(done.averagePrice()).isEqualByComparingTo("27000");
    }

    @Test
    void shouldFindAnOcoWhoseAnswerWasLostSoNothingIsSentTwice() throws Exception {
        exchange.faults().add(Target.PLACE, new DropAfterAccept());

        ExchangeException e = catchThrowableOfType(ExchangeException.class,
                () -> client.place(oco(LIST_ID, "0.5", "32000", "28000")));
        assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_OUTCOME);

        Optional<ExchangeOrder> found = client.lookup("BTCUSDT", LIST_ID, OrderType.OCO);

        assertThat(found).isPresent();
        assertThat(found.get().status()).isEqualTo(ExchangeOrderStatus.OPEN);
        assertThat(found.get().exchangeOrderId())
                .isEqualTo(String.valueOf(exchange.orderLists().get(LIST_ID).orderListId()));
        assertThat(exchange.requestCount("POST", "/api/v3/orderList/oco")).isEqualTo(1);
        assertThat(exchange.orderLists()).hasSize(1);
        assertThat(exchange.lockedBalance("BTC")).isEqualByComparingTo("0.5");
    }

    @Test
    void shouldFindNoListForAnUnknownListClientOrderId() throws Exception {
        assertThat(client.lookup("BTCUSDT", LIST_ID, OrderType.OCO)).isEmpty();
    }
}
