package com.fks.execution.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testexchange.BinanceTestExchange;
import com.fks.execution.testexchange.Faults;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.BinanceBackedServices;
import com.fks.execution.testsupport.InProcessService;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A strategy's alerts carried out on a local exchange that speaks Binance's protocol: protection placed on the
 * exchange once the entry filled (an OCO, or one order), its fill reducing the position, exits that cancel it first,
 * cancels that touch only the service's orders, sizing in money or percent, and the faults entries survive, applied
 * to the orders an alert causes.
 */
final class TradingActionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = BinanceBackedServices.ADMIN;
    /** First look 0.5 s after the acknowledgement, then the regular poll every 5 s. */
    private static final Duration SEEN_WITHIN = Duration.ofSeconds(20);

    @RegisterExtension
    final BinanceBackedServices venue = new BinanceBackedServices();
    private BinanceTestExchange binance;
    private InProcessService service;

    @BeforeEach
    void exchange() throws IOException {
        binance = venue.exchange();
        binance.setBalance("USDT", new BigDecimal("100000")).setBalance("BTC", BigDecimal.ZERO)
                .setLastPrice("BTCUSDT", new BigDecimal("30000"));
        service = venue.service(Map.of());
    }

    private static String alert(String fields) {
        return "{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\"" + Alerts.uniqueId() + "\","
                + "\"exchange\":\"binance\",\"symbol\":\"BINANCE:BTCUSDT\",\"strategy\":\"trend\"," + fields + "}";
    }

    private String accept(String fields) throws IOException {
        HttpResponse<String> response = service.webhook(alert(fields));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("order_id").asText();
    }

    private JsonNode order(String orderId) throws IOException {
        return JSON.readTree(service.get("/orders/" + orderId, "Authorization", "Bearer " + ADMIN).body());
    }

    private JsonNode awaitStatus(String orderId, String status) {
        return await().atMost(SEEN_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> order(orderId),
                o -> o.path("status").asText().equals(status));
    }

    private JsonNode positions() throws IOException {
        return JSON.readTree(service.get("/positions", "Authorization", "Bearer " + ADMIN).body());
    }

    @Test
    void shouldProtectAFilledEntryWithOneOcoWhoseTakeProfitFillClosesThePosition() throws Exception {
        // given a market buy asking for a stop-loss 2 % and a take-profit 5 % from its fill
        String entry = accept("\"action\":\"buy\",\"quantity\":0.01,\"price\":30000,"
                + "\"stop_loss\":{\"percent\":2},\"take_profit\":{\"percent\":5}");
        awaitStatus(entry, "FILLED");

        // then one OCO list rests on the exchange for the filled quantity, take-profit above, stop-loss below
        JsonNode protection = awaitStatus(entry + "p", "SUBMITTED");
        assertThat(protection.path("kind").asText()).isEqualTo("protection");
        assertThat(protection.path("protects").asText()).isEqualTo(entry);
        BinanceTestExchange.OrderList list = binance.orderLists().get("fkp" + entry);
        assertThat(list).as("the OCO list by its listClientOrderId").isNotNull();
        assertThat(list.above().price()).isEqualByComparingTo("31500");
        assertThat(list.below().stopPrice()).isEqualByComparingTo("29400");
        assertThat(list.above().quantity()).isEqualByComparingTo("0.01");
        assertThat(positions().path("positions").get(0).path("quantity").asText()).isEqualTo("0.01");

        // when the market reaches the take-profit
        binance.setLastPrice("BTCUSDT", new BigDecimal("31600"));

        // then the list is recorded filled, the stop leg expired at the venue, and the position is flat
        JsonNode filled = awaitStatus(entry + "p", "FILLED");
        assertThat(filled.path("executed_quantity").asText()).isEqualTo("0.01");
        assertThat(binance.orderLists().get("fkp" + entry).below().status()).isEqualTo("EXPIRED");
        assertThat(positions().path("count").asInt()).isZero();
        assertThat(service.metrics()).contains(
                "execution_orders_total{exchange=\"binance\",kind=\"protection\",side=\"sell\",status=\"filled\"} 1.0");
        assertThat(binance.orderLists()).hasSize(1);
    }

    @Test
    void shouldCancelTheStopLossFirstThenSellThePositionOnExitEvenWhileTradingIsHalted() throws Exception {
        // given a filled buy protected by a single stop-loss
        String entry = accept("\"action\":\"buy\",\"quantity\":0.02,\"price\":30000,\"stop_loss\":{\"price\":28000}");
        awaitStatus(entry + "p", "SUBMITTED");
        assertThat(binance.orders().get("fkp" + entry).type()).isEqualTo("STOP_LOSS");
        assertThat(service.post("/admin/halt", "", "Authorization", "Bearer " + ADMIN).statusCode()).isEqualTo(200);

        // when the strategy exits
        String exit = accept("\"action\":\"exit\",\"price\":30000");

        // then the stop-loss is cancelled at the exchange, the whole position sold, and nothing more
        JsonNode sold = awaitStatus(exit, "FILLED");
        assertThat(sold.path("kind").asText()).isEqualTo("exit");
        assertThat(sold.path("executed_quantity").asText()).isEqualTo("0.02");
        JsonNode stop = awaitStatus(entry + "p", "CANCELED");
        assertThat(stop.path("reason").asText()).isEqualTo("canceled_by_exit");
        assertThat(binance.orders().get("fkp" + entry).status()).isEqualTo("CANCELED");
        assertThat(binance.freeBalance("BTC")).isEqualByComparingTo("0");
        assertThat(positions().path("count").asInt()).isZero();
    }

    @Test
    void shouldExitWhatAPartlyFilledEntryBought() throws Exception {
        // given a limit buy that rested, filled in part, and was closed by the venue
        String entry = accept("\"action\":\"buy\",\"order_type\":\"limit\",\"quantity\":0.01,\"price\":29000");
        awaitStatus(entry, "SUBMITTED");
        binance.fillPart("fks" + entry, new BigDecimal("0.004"));
        binance.close("fks" + entry, "CANCELED");
        awaitStatus(entry, "PARTIALLY_FILLED");

        // when the strategy exits
        String exit = accept("\"action\":\"exit\",\"price\":30000");

        // then it sells what was bought
        assertThat(awaitStatus(exit, "FILLED").path("executed_quantity").asText()).isEqualTo("0.004");
        assertThat(binance.ordersWithClientOrderId("fks" + exit).get(0).quantity()).isEqualByComparingTo("0.004");
    }

    @Test
    void shouldCancelTheServicesRestingOrdersOfTheSymbolOnly() throws Exception {
        // given two resting limit buys of the service
        String first = accept("\"action\":\"buy\",\"order_type\":\"limit\",\"quantity\":0.01,\"price\":29000");
        String second = accept("\"action\":\"buy\",\"order_type\":\"limit\",\"quantity\":0.01,\"price\":28500");
        awaitStatus(first, "SUBMITTED");
        awaitStatus(second, "SUBMITTED");
        int ordersBefore = binance.orderCount();

        // when a cancel alert comes
        String cancel = accept("\"action\":\"cancel\"");

        // then both are cancelled by their client order ids, and the cancel is done having placed nothing
        JsonNode done = awaitStatus(cancel, "DONE");
        assertThat(done.path("kind").asText()).isEqualTo("cancel");
        assertThat(awaitStatus(first, "CANCELED").path("reason").asText()).isEqualTo("canceled_by_alert");
        awaitStatus(second, "CANCELED");
        assertThat(binance.orders().get("fks" + first).status()).isEqualTo("CANCELED");
        assertThat(binance.orderCount()).isEqualTo(ordersBefore);
    }

    @Test
    void shouldFailTheProtectionNotTheEntryWhenTheVenueRefusesTheOco() throws Exception {
        // given a market that moved above the take-profit the alert asked for
        binance.setLastPrice("BTCUSDT", new BigDecimal("30600"));

        // when the entry fills there
        String entry = accept("\"action\":\"buy\",\"quantity\":0.01,\"price\":30000,"
                + "\"stop_loss\":{\"price\":29000},\"take_profit\":{\"price\":30500}");

        // then Binance refuses the OCO against its last price: the protection is rejected, the entry stays filled
        awaitStatus(entry, "FILLED");
        JsonNode protection = awaitStatus(entry + "p", "REJECTED");
        assertThat(protection.path("detail").asText()).contains("-2010");
        assertThat(order(entry).path("status").asText()).isEqualTo("FILLED");
        assertThat(service.metrics()).contains(
                "execution_orders_total{exchange=\"binance\",kind=\"protection\",side=\"sell\",status=\"rejected\"} 1.0");
    }

    @Test
    void shouldPlaceTheProtectionOnceWhenItsFirstSendLosesItsAnswer() throws Exception {
        // given a resting limit buy with protection, and a venue whose next new order is taken but its answer lost
        String entry = accept("\"action\":\"buy\",\"order_type\":\"limit\",\"quantity\":0.01,\"price\":29000,"
                + "\"stop_loss\":{\"percent\":3},\"take_profit\":{\"percent\":3}");
        awaitStatus(entry, "SUBMITTED");
        binance.faults().add(Faults.Target.PLACE, new Faults.DropAfterAccept());

        // when the market trades at its limit, and it fills at the venue
        binance.setLastPrice("BTCUSDT", new BigDecimal("29000"));
        assertThat(binance.orders().get("fks" + entry).status()).isEqualTo("FILLED");

        // then the protection's lost answer is resolved by a lookup of its list client order id: one list, resting
        awaitStatus(entry, "FILLED");
        awaitStatus(entry + "p", "SUBMITTED");
        assertThat(binance.orderLists()).hasSize(1);
        assertThat(binance.orderLists().get("fkp" + entry).listOrderStatus()).isEqualTo("EXECUTING");
    }

    @Test
    void shouldPlaceASingleTakeProfitAndCloseAShareOfThePositionOnAPercentExit() throws Exception {
        // given a filled buy of 0.04 protected by a take-profit only
        String entry = accept("\"action\":\"buy\",\"quantity\":0.04,\"price\":30000,\"take_profit\":{\"price\":33000}");
        JsonNode takeProfit = awaitStatus(entry + "p", "SUBMITTED");
        assertThat(takeProfit.path("kind").asText()).isEqualTo("take_profit");
        assertThat(binance.orders().get("fkp" + entry).type()).isEqualTo("TAKE_PROFIT");
        assertThat(binance.orders().get("fkp" + entry).stopPrice()).isEqualByComparingTo("33000");

        // when the strategy closes a quarter of it
        String exit = accept("\"action\":\"exit\",\"quantity\":25,\"quantity_type\":\"percent_of_position\","
                + "\"price\":30000");

        // then the take-profit is cancelled first (an exit closes the position's protection), a quarter is sold
        assertThat(awaitStatus(exit, "FILLED").path("executed_quantity").asText()).isEqualTo("0.01");
        awaitStatus(entry + "p", "CANCELED");
        assertThat(positions().path("positions").get(0).path("quantity").asText()).isEqualTo("0.03");
    }

    @Test
    void shouldPlaceTheProtectionOnceAfterItsExchangesBreakerOpenedAndClosedAgain() throws Exception {
        // given a service whose breaker opens after 2 failures and tries again after 2 s, and a resting protected buy
        InProcessService guarded = venue.service(Map.of("CIRCUIT_BREAKER_THRESHOLD", "2", "CIRCUIT_BREAKER_TIMEOUT", "2"));
        HttpResponse<String> accepted = guarded.webhook(alert("\"action\":\"buy\",\"order_type\":\"limit\","
                + "\"quantity\":0.01,\"price\":29000,\"stop_loss\":{\"price\":28000},\"take_profit\":{\"price\":31000}"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String entry = JSON.readTree(accepted.body()).path("order_id").asText();
        service = guarded;
        awaitStatus(entry, "SUBMITTED");

        // when the entry fills and the venue refuses the next three new orders with 500 (nothing taken)
        binance.faults().add(Faults.Target.PLACE, new Faults.ServerError(500, false, null, null), 3);
        binance.setLastPrice("BTCUSDT", new BigDecimal("29000"));

        // then the protection waits out the open breaker and is placed once it closes: one list, recorded resting
        JsonNode protection = await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                .until(() -> order(entry + "p"), o -> o.path("status").asText().equals("SUBMITTED"));
        assertThat(protection.path("history").toString()).contains("RETRY");
        assertThat(binance.orderLists()).hasSize(1);
        assertThat(order(entry).path("status").asText()).isEqualTo("FILLED");
    }

    @Test
    void shouldSellOnceWhenTheExitsSendIsTakenButAnsweredWithAServerError() throws Exception {
        // given a filled buy, and a venue that will take the next new order and answer 500
        String entry = accept("\"action\":\"buy\",\"quantity\":0.01,\"price\":30000");
        awaitStatus(entry, "FILLED");
        binance.faults().add(Faults.Target.PLACE, new Faults.ServerError(500, true, null, null));

        // when the strategy exits
        String exit = accept("\"action\":\"exit\",\"price\":30000");

        // then the exit is found by its client order id and not sent again: one sale of the position
        assertThat(awaitStatus(exit, "FILLED").path("executed_quantity").asText()).isEqualTo("0.01");
        assertThat(binance.ordersWithClientOrderId("fks" + exit)).hasSize(1);
        assertThat(binance.freeBalance("BTC")).isEqualByComparingTo("0");
    }

    @Test
    void shouldProtectAnEntryThatFilledWhileTheServiceWasDownOnceItIsBack() throws Exception {
        // given a resting protected limit buy, and the service stopped
        String entry = accept("\"action\":\"buy\",\"order_type\":\"limit\",\"quantity\":0.01,\"price\":29000,"
                + "\"stop_loss\":{\"price\":28000}");
        awaitStatus(entry, "SUBMITTED");
        String dataDir = service.dataDir().toString();
        venue.closeServices();

        // when the entry fills at the venue meanwhile (the market trades at its limit), and the service starts again
        binance.setLastPrice("BTCUSDT", new BigDecimal("29000"));
        assertThat(binance.orders().get("fks" + entry).status()).isEqualTo("FILLED");
        service = venue.service(Map.of("DATA_DIR", dataDir));

        // then the fill is found and the stop-loss placed, once
        awaitStatus(entry, "FILLED");
        awaitStatus(entry + "p", "SUBMITTED");
        assertThat(binance.ordersWithClientOrderId("fkp" + entry)).hasSize(1);
        assertThat(binance.orders().get("fkp" + entry).stopPrice()).isEqualByComparingTo("28000");
    }

    @Test
    void shouldSizeAMarketBuyInMoneyAndInPercentOfTheBalance() throws Exception {
        binance.setBalance("USDT", new BigDecimal("1000"));

        String inMoney = accept("\"action\":\"buy\",\"quantity\":300,\"quantity_type\":\"quote\",\"price\":30000");
        awaitStatus(inMoney, "FILLED");
        String inPercent = accept("\"action\":\"buy\",\"quantity\":25,\"quantity_type\":\"percent_of_balance\","
                + "\"price\":30000");
        JsonNode filled = awaitStatus(inPercent, "FILLED");

        assertThat(binance.ordersWithClientOrderId("fks" + inMoney).get(0).quoteOrderQty()).isEqualByComparingTo("300");
        // 25 % of the 700 USDT left after the first buy
        assertThat(binance.ordersWithClientOrderId("fks" + inPercent).get(0).quoteOrderQty())
                .isEqualByComparingTo("175");
        assertThat(filled.path("quantity_type").asText()).isEqualTo("quote");
        assertThat(filled.path("history").toString()).contains("25 % of free USDT 700");
    }
}
