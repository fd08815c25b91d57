package com.fks.execution.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testexchange.CoinbaseTestExchange;
import com.fks.execution.testexchange.TestKeys;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.InProcessService;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A strategy's alerts carried out on a local exchange that speaks Coinbase Advanced Trade's protocol: the
 * protection of a filled entry as one bracket order, its fill closing the position, an exit that cancels a
 * stop-loss first, sizing in money and in percent of the balance.
 */
final class CoinbaseTradingActionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final Duration SEEN_WITHIN = Duration.ofSeconds(20);

    private CoinbaseTestExchange coinbase;
    private InProcessService service;

    @BeforeEach
    void start() throws IOException {
        KeyPair key = TestKeys.ecP256();
        String keyName = "organizations/test/apiKeys/fks";
        coinbase = CoinbaseTestExchange.start().registerKey(keyName, key.getPublic());
        coinbase.setBalance("USD", "100000");
        coinbase.setBalance("BTC", "0");
        coinbase.setLastPrice("BTC-USD", "30000");
        service = InProcessService.start(Map.of("COINBASE_API_KEY", keyName,
                "COINBASE_API_SECRET", TestKeys.pkcs8Pem(key.getPrivate()), "COINBASE_BASE_URL", coinbase.baseUrl(),
                "ADMIN_TOKEN", ADMIN));
    }

    @AfterEach
    void stop() {
        service.close();
        coinbase.close();
    }

    private String accept(String fields) throws IOException {
        HttpResponse<String> response = service.webhook("{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\""
                + Alerts.uniqueId() + "\",\"exchange\":\"coinbase\",\"symbol\":\"COINBASE:BTCUSD\","
                + "\"strategy\":\"swing\"," + fields + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("order_id").asText();
    }

    private JsonNode awaitStatus(String orderId, String status) {
        return await().atMost(SEEN_WITHIN).pollInterval(Duration.ofMillis(100))
                .until(() -> JSON.readTree(service.get("/orders/" + orderId, "Authorization", "Bearer " + ADMIN).body()),
                        o -> o.path("status").asText().equals(status));
    }

    @Test
    void shouldProtectAFilledEntryWithOneBracketWhoseStopClosesThePosition() throws Exception {
        String entry = accept("\"action\":\"buy\",\"quantity\":0.01,\"price\":30000,"
                + "\"stop_loss\":{\"price\":29000},\"take_profit\":{\"price\":33000}");
        awaitStatus(entry, "FILLED");

        awaitStatus(entry + "p", "SUBMITTED");
        CoinbaseTestExchange.Order bracket = coinbase.orders().get("fkp" + entry);
        assertThat(bracket.configuration()).isEqualTo("trigger_bracket_gtc");
        assertThat(bracket.side()).isEqualTo("SELL");
        assertThat(bracket.limitPrice()).isEqualByComparingTo("33000");
        assertThat(bracket.stopTriggerPrice()).isEqualByComparingTo("29000");
        assertThat(bracket.baseSize()).isEqualByComparingTo("0.01");

        // the market falls through the stop: the bracket's stop side sells
        coinbase.setLastPrice("BTC-USD", "28900");

        JsonNode sold = awaitStatus(entry + "p", "FILLED");
        assertThat(sold.path("executed_quantity").asText()).isEqualTo("0.01");
        assertThat(JSON.readTree(service.get("/positions", "Authorization", "Bearer " + ADMIN).body())
                .path("count").asInt()).isZero();
        assertThat(coinbase.orderCount()).isEqualTo(2);
    }

    @Test
    void shouldCancelTheStopLossThenSellThePositionOnAFlatSignal() throws Exception {
        String entry = accept("\"action\":\"buy\",\"quantity\":0.02,\"price\":30000,\"stop_loss\":{\"percent\":3}");
        awaitStatus(entry + "p", "SUBMITTED");
        assertThat(coinbase.orders().get("fkp" + entry).configuration()).isEqualTo("stop_limit_stop_limit_gtc");

        String exit = accept("\"action\":\"sell\",\"sentiment\":\"flat\",\"quantity\":0.02,\"price\":30000");

        assertThat(awaitStatus(exit, "FILLED").path("executed_quantity").asText()).isEqualTo("0.02");
        assertThat(awaitStatus(entry + "p", "CANCELED").path("reason").asText()).isEqualTo("canceled_by_exit");
        assertThat(coinbase.orders().get("fkp" + entry).status()).isEqualTo("CANCELLED");
        assertThat(coinbase.balance("BTC")).isEqualByComparingTo("0");
    }

    @Test
    void shouldSizeAMarketBuyInMoneyAndInPercentOfTheBalance() throws Exception {
        coinbase.setBalance("USD", "2000");

        String inMoney = accept("\"action\":\"buy\",\"quantity\":500,\"quantity_type\":\"quote\",\"price\":30000");
        awaitStatus(inMoney, "FILLED");
        String inPercent = accept("\"action\":\"buy\",\"quantity\":10,\"quantity_type\":\"percent_of_balance\","
                + "\"price\":30000");
        awaitStatus(inPercent, "FILLED");

        assertThat(coinbase.orders().get("fks" + inMoney).quoteSize()).isEqualByComparingTo("500");
        // 10 % of the 1,500 USD left
        assertThat(coinbase.orders().get("fks" + inPercent).quoteSize()).isEqualByComparingTo("150");
        assertThat(coinbase.balance("USD")).isEqualByComparingTo("1350");
        assertThat(new BigDecimal(JSON.readTree(service.get("/positions", "Authorization", "Bearer " + ADMIN).body())
                .path("positions").get(0).path("quantity").asText())).isGreaterThan(BigDecimal.ZERO);
    }
}
