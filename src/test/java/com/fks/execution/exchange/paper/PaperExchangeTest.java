package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The paper account: balances, resting orders filled by the prices alerts bring, protections, restarts. */
final class PaperExchangeTest {
    private static final Map<String, BigDecimal> USDT_ONLY = Map.of("USDT", new BigDecimal("100000"));

    @TempDir
    Path dataDir;
    private PaperBook book;
    private int ids;

    @AfterEach
    void closeBook() {
        if (book != null) {
            book.close();
        }
    }

    private PaperExchange open(Map<String, BigDecimal> balances) {
        return open(balances, 0);
    }

    private PaperExchange open(Map<String, BigDecimal> balances, double failureRate) {
        closeBook();
        book = MapPaperBook.in(dataDir, balances, null);
        return new PaperExchange(book, Duration.ZERO, failureRate, Clock.systemUTC());
    }

    private String id() {
        return "fkp" + String.format("%032x", ++ids);
    }

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    private OrderRequest market(Side side, String quantity, String referencePrice) {
        return new OrderRequest(id(), "BTCUSDT", side, OrderType.MARKET, d(quantity), null,
                referencePrice == null ? null : d(referencePrice));
    }

    private OrderRequest limit(Side side, String quantity, String limitPrice) {
        return new OrderRequest(id(), "BTCUSDT", side, OrderType.LIMIT, d(quantity), d(limitPrice), null);
    }

    private OrderRequest stopLoss(String quantity, String stopPrice) {
        return new OrderRequest(id(), "BTCUSDT", Side.SELL, OrderType.STOP_LOSS, d(quantity), null, null,
                d(stopPrice), null);
    }

    private OrderRequest takeProfit(String quantity, String price) {
        return new OrderRequest(id(), "BTCUSDT", Side.SELL, OrderType.TAKE_PROFIT, d(quantity), d(price), null,
                null, null);
    }

    private OrderRequest oco(String quantity, String takeProfit, String stopLoss) {
        return new OrderRequest(id(), "BTCUSDT", Side.SELL, OrderType.OCO, d(quantity), d(takeProfit), null,
                d(stopLoss), null);
    }

    private static ExchangeException refusal(ThrowingCall call) {
        ExchangeException e = catchThrowableOfType(ExchangeException.class, call::run);
        assertThat(e).as("expected the paper exchange to refuse").isNotNull();
        return e;
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }

    private ExchangeOrder lookup(PaperExchange paper, OrderRequest request) throws ExchangeException {
        return paper.lookup(request.symbol(), request.clientOrderId(), request.type()).orElseThrow();
    }

    @Test
    void shouldStartFromPaperBalancesAndMoveBothAssetsOfEachFill() throws Exception {
        // given
        PaperExchange paper = open(Map.of("USDT", d("100000"), "USD", d("5")));
        assertThat(paper.freeBalance("usdt")).isEqualByComparingTo("100000");
        assertThat(paper.freeBalance("USD")).isEqualByComparingTo("5");
        assertThat(paper.freeBalance("BTC")).isEqualByComparingTo("0");

        // when a market buy fills at its reference price (no price seen yet), then a sell at the last price
        ExchangeOrder bought = paper.place(market(Side.BUY, "0.5", "60000"));
        paper.observePrice("BTCUSDT", d("65000"));
        ExchangeOrder sold = paper.place(market(Side.SELL, "0.2", "60000"));

        // then
        assertThat(bought.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(bought.averagePrice()).isEqualByComparingTo("60000");
        assertThat(sold.averagePrice()).isEqualByComparingTo("65000");
        assertThat(paper.freeBalance("BTC")).isEqualByComparingTo("0.3");
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("83000");
        assertThat(paper.freeBalance("USD")).isEqualByComparingTo("5");
        assertThat(paper.instrumentRules("BTCUSDT").baseAsset()).isEqualTo("BTC");
        assertThat(paper.instrumentRules("BTCUSDT").quoteAsset()).isEqualTo("USDT");
    }

    @Test
    void shouldRejectWhatTheFreeBalanceCannotPayAndKeepNothingOfIt() throws Exception {
        // given 100,000 USDT and no BTC
        PaperExchange paper = open(USDT_ONLY);
        OrderRequest tooBig = market(Side.BUY, "2", "60000");
        OrderRequest noCoins = market(Side.SELL, "0.001", "60000");

        // when
        ExchangeException buy = refusal(() -> paper.place(tooBig));
        ExchangeException sell = refusal(() -> paper.place(noCoins));

        // then
        assertThat(buy.kind()).isEqualTo(ExchangeException.Kind.REJECTED);
        assertThat(buy.exchangeCode()).isEqualTo("insufficient_balance");
        assertThat(buy.getMessage()).contains("120000 USDT", "100000 free");
        assertThat(sell.exchangeCode()).isEqualTo("insufficient_balance");
        assertThat(sell.getMessage()).contains("0.001 BTC");
        assertThat(paper.lookup("BTCUSDT", tooBig.clientOrderId())).isEmpty();
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("100000");
        assertThat(book.fills()).isEmpty();
    }

    @Test
    void shouldSizeAQuoteMarketOrderAtTheLastPriceRoundedDownTo8Decimals() throws Exception {
        // given
        PaperExchange paper = open(USDT_ONLY);
        paper.observePrice("BTCUSDT", d("30000"));

        // when 1,000 USDT worth is bought
        ExchangeOrder bought = paper.place(new OrderRequest(id(), "BTCUSDT", Side.BUY, OrderType.MARKET, null, null,
                d("64000"), null, d("1000")));

        // then 1000 / 30000 = 0.0333333333…, down to 0.03333333, at the last price, not the reference
        assertThat(bought.executedQuantity()).isEqualByComparingTo("0.03333333");
        assertThat(bought.averagePrice()).isEqualByComparingTo("30000");
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("99000.0001");
        assertThat(paper.freeBalance("BTC")).isEqualByComparingTo("0.03333333");
    }

    @Test
    void shouldRestALimitBuyBelowTheMarketWithItsCostLockedAndFillItAtItsLimitWhenAPriceReachesIt() throws Exception {
        // given
        PaperExchange paper = open(USDT_ONLY);
        paper.observePrice("BTCUSDT", d("60000"));

        // when
        OrderRequest buy = limit(Side.BUY, "1", "59000");
        ExchangeOrder placed = paper.place(buy);

        // then it rests, 59,000 USDT locked
        assertThat(placed.status()).isEqualTo(ExchangeOrderStatus.OPEN);
        assertThat(placed.executedQuantity()).isZero();
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("41000");
        assertThat(refusal(() -> paper.place(market(Side.BUY, "1", null))).exchangeCode())
                .as("the locked amount is not free").isEqualTo("insufficient_balance");

        // when prices come that do not reach it, then one that does
        paper.observePrice("BTCUSDT", d("59000.01"));
        paper.observePrice("ETHUSDT", d("100"));
        assertThat(lookup(paper, buy).status()).isEqualTo(ExchangeOrderStatus.OPEN);
        paper.observePrice("BTCUSDT", d("58500"));

        // then it filled at its limit, not at the price that crossed it
        ExchangeOrder filled = lookup(paper, buy);
        assertThat(filled.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(filled.executedQuantity()).isEqualByComparingTo("1");
        assertThat(filled.averagePrice()).isEqualByComparingTo("59000");
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("41000");
        assertThat(paper.freeBalance("BTC")).isEqualByComparingTo("1");
    }

    @Test
    void shouldFillALimitTheLastPriceAlreadyCrossesAtOnceAtItsLimit() throws Exception {
        // given
        PaperExchange paper = open(Map.of("USDT", d("100000"), "BTC", d("1")));
        paper.observePrice("BTCUSDT", d("60000"));

        // when
        ExchangeOrder buy = paper.place(limit(Side.BUY, "0.1", "61000"));
        ExchangeOrder sell = paper.place(limit(Side.SELL, "0.1", "60000"));

        // then
        assertThat(buy.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(buy.averagePrice()).isEqualByComparingTo("61000");
        assertThat(sell.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(sell.averagePrice()).isEqualByComparingTo("60000");
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("99900");
    }

    @Test
    void shouldRestALimitSellAboveTheMarketWithItsCoinsLocked() throws Exception {
        // given
        PaperExchange paper = open(Map.of("BTC", d("1")));
        paper.observePrice("BTCUSDT", d("60000"));

        // when
        OrderRequest sell = limit(Side.SELL, "0.4", "62000");
        paper.place(sell);

        // then
        assertThat(paper.freeBalance("BTC")).isEqualByComparingTo("0.6");
        paper.observePrice("BTCUSDT", d("61999"));
        assertThat(lookup(paper, sell).status()).isEqualTo(ExchangeOrderStatus.OPEN);
        paper.observePrice("BTCUSDT", d("62000"));
        assertThat(lookup(paper, sell).averagePrice()).isEqualByComparingTo("62000");
        assertThat(paper.freeBalance("BTC")).isEqualByComparingTo("0.6");
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("24800");
    }

    @Test
    void shouldRestALimitWhileNoPriceIsKnownAndFillAMarketOrderOnlyWithOne() throws Exception {
        // given no alert has brought a price for the symbol
        PaperExchange paper = open(USDT_ONLY);

        // when
        OrderRequest buy = limit(Side.BUY, "1", "50000");
        ExchangeOrder placed = paper.place(buy);
        ExchangeException noPrice = refusal(() -> paper.place(market(Side.BUY, "1", null)));

        // then
        assertThat(placed.status()).isEqualTo(ExchangeOrderStatus.OPEN);
        assertThat(noPrice.exchangeCode()).isEqualTo("no_price");
        paper.observePrice("BTCUSDT", d("49000"));
        assertThat(lookup(paper, buy).averagePrice()).isEqualByComparingTo("50000");
    }

    @Test
    void shouldFillAStopLossAtThePriceThatTriggeredIt() throws Exception {
        // given
        PaperExchange paper = open(Map.of("BTC", d("1")));
        paper.observePrice("BTCUSDT", d("60000"));
        OrderRequest stop = stopLoss("1", "55000");

        // when
        ExchangeOrder placed = paper.place(stop);
        assertThat(paper.freeBalance("BTC")).isZero();
        paper.observePrice("BTCUSDT", d("55000.5"));
        assertThat(lookup(paper, stop).status()).isEqualTo(ExchangeOrderStatus.OPEN);
        paper.observePrice("BTCUSDT", d("54100"));

        // then
        assertThat(placed.status()).isEqualTo(ExchangeOrderStatus.OPEN);
        ExchangeOrder filled = lookup(paper, stop);
        assertThat(filled.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(filled.averagePrice()).isEqualByComparingTo("54100");
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("54100");
        assertThat(paper.freeBalance("BTC")).isZero();
    }

    @Test
    void shouldFillATakeProfitAtItsPrice() throws Exception {
        // given
        PaperExchange paper = open(Map.of("BTC", d("1")));
        paper.observePrice("BTCUSDT", d("60000"));
        OrderRequest take = takeProfit("0.5", "66000");
        paper.place(take);

        // when
        paper.observePrice("BTCUSDT", d("50000"));
        assertThat(lookup(paper, take).status()).as("a fall does not take profit").isEqualTo(ExchangeOrderStatus.OPEN);
        paper.observePrice("BTCUSDT", d("66500"));

        // then
        assertThat(lookup(paper, take).averagePrice()).isEqualByComparingTo("66000");
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("33000");
        assertThat(paper.freeBalance("BTC")).isEqualByComparingTo("0.5");
    }

    @Test
    void shouldFillAnOcoByItsTakeProfitLegWhenThePriceRises() throws Exception {
        // given
        PaperExchange paper = open(Map.of("BTC", d("1")));
        paper.observePrice("BTCUSDT", d("60000"));
        OrderRequest list = oco("1", "63000", "57000");
        paper.place(list);
        assertThat(paper.freeBalance("BTC")).as("both legs lock the same coins once").isZero();

        // when
        paper.observePrice("BTCUSDT", d("63000"));
        paper.observePrice("BTCUSDT", d("56000"));

        // then the list filled once, by its upper leg; the fall after it finds nothing left to sell
        ExchangeOrder filled = lookup(paper, list);
        assertThat(filled.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(filled.executedQuantity()).isEqualByComparingTo("1");
        assertThat(filled.averagePrice()).isEqualByComparingTo("63000");
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("63000");
        assertThat(book.fills()).hasSize(1);
    }

    @Test
    void shouldFillAnOcoByItsStopLegAtThePriceThatTriggeredItWhenThePriceFalls() throws Exception {
        // given
        PaperExchange paper = open(Map.of("BTC", d("1")));
        paper.observePrice("BTCUSDT", d("60000"));
        OrderRequest list = oco("1", "63000", "57000");
        paper.place(list);

        // when
        paper.observePrice("BTCUSDT", d("56900"));
        paper.observePrice("BTCUSDT", d("64000"));

        // then
        ExchangeOrder filled = lookup(paper, list);
        assertThat(filled.status()).isEqualTo(ExchangeOrderStatus.FILLED);
        assertThat(filled.averagePrice()).isEqualByComparingTo("56900");
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("56900");
        assertThat(book.fills()).hasSize(1);
    }

    @Test
    void shouldRefuseAProtectionTheLastPriceAlreadyCrossesAsBinanceDoes() throws Exception {
        // given
        PaperExchange paper = open(Map.of("BTC", d("1")));
        paper.observePrice("BTCUSDT", d("60000"));

        // when / then
        assertThat(refusal(() -> paper.place(stopLoss("1", "60000"))).exchangeCode())
                .isEqualTo("would_trigger_immediately");
        assertThat(refusal(() -> paper.place(takeProfit("1", "59000"))).exchangeCode())
                .isEqualTo("would_trigger_immediately");
        assertThat(refusal(() -> paper.place(oco("1", "65000", "61000"))).exchangeCode())
                .isEqualTo("would_trigger_immediately");
        assertThat(refusal(() -> paper.place(oco("1", "55000", "58000"))).exchangeCode()).isEqualTo("invalid_prices");
        assertThat(paper.freeBalance("BTC")).isEqualByComparingTo("1");
        assertThat(book.resting("BTCUSDT")).isEmpty();
    }

    @Test
    void shouldCancelARestingOrderReleasingItsLockAndRefuseToCancelAFilledOne() throws Exception {
        // given
        PaperExchange paper = open(Map.of("USDT", d("100000"), "BTC", d("1")));
        paper.observePrice("BTCUSDT", d("60000"));
        OrderRequest buy = limit(Side.BUY, "1", "50000");
        OrderRequest list = oco("1", "63000", "57000");
        OrderRequest filled = market(Side.BUY, "0.1", null);
        paper.place(buy);
        paper.place(list);
        paper.place(filled);
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("44000");

        // when
        ExchangeOrder canceled = paper.cancel("BTCUSDT", buy.clientOrderId());
        ExchangeOrder listCanceled = paper.cancel("BTCUSDT", list.clientOrderId(), OrderType.OCO);
        ExchangeOrder again = paper.cancel("BTCUSDT", buy.clientOrderId());
        ExchangeException ofFilled = refusal(() -> paper.cancel("BTCUSDT", filled.clientOrderId()));
        ExchangeException ofUnknown = refusal(() -> paper.cancel("BTCUSDT", id()));

        // then
        assertThat(canceled.status()).isEqualTo(ExchangeOrderStatus.CANCELED);
        assertThat(canceled.executedQuantity()).isZero();
        assertThat(listCanceled.status()).isEqualTo(ExchangeOrderStatus.CANCELED);
        assertThat(again.status()).isEqualTo(ExchangeOrderStatus.CANCELED);
        assertThat(ofFilled.exchangeCode()).isEqualTo("already_filled");
        assertThat(ofUnknown.exchangeCode()).isEqualTo("unknown_order");
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("94000");
        assertThat(paper.freeBalance("BTC")).isEqualByComparingTo("1.1");
        // and a price that would have crossed them fills nothing
        paper.observePrice("BTCUSDT", d("40000"));
        assertThat(lookup(paper, buy).status()).isEqualTo(ExchangeOrderStatus.CANCELED);
        assertThat(lookup(paper, list).status()).isEqualTo(ExchangeOrderStatus.CANCELED);
        assertThat(book.fills()).hasSize(1);
    }

    @Test
    void shouldKeepBalancesAndRestingOrdersAcrossARestart() throws Exception {
        // given trades, a resting buy and a stop-loss, then the book closed as at a restart
        PaperExchange before = open(USDT_ONLY);
        before.observePrice("BTCUSDT", d("60000"));
        before.place(market(Side.BUY, "1", null));
        OrderRequest buy = limit(Side.BUY, "0.5", "50000");
        OrderRequest stop = stopLoss("1", "55000");
        before.place(buy);
        before.place(stop);

        // when it opens again from the same file (no price known any more)
        PaperExchange after = open(USDT_ONLY);

        // then
        assertThat(after.freeBalance("USDT")).isEqualByComparingTo("15000");
        assertThat(after.freeBalance("BTC")).isZero();
        assertThat(lookup(after, buy).status()).isEqualTo(ExchangeOrderStatus.OPEN);
        after.observePrice("BTCUSDT", d("49000"));
        assertThat(lookup(after, buy).averagePrice()).isEqualByComparingTo("50000");
        assertThat(lookup(after, stop).averagePrice()).isEqualByComparingTo("49000");
        assertThat(after.freeBalance("BTC")).isEqualByComparingTo("0.5");
        assertThat(after.freeBalance("USDT")).isEqualByComparingTo("64000");
    }

    @Test
    void shouldReturnTheOrderAlreadyPlacedForAClientOrderIdSentAgain() throws Exception {
        // given
        PaperExchange paper = open(USDT_ONLY);
        OrderRequest buy = market(Side.BUY, "1", "60000");
        ExchangeOrder first = paper.place(buy);

        // when
        ExchangeOrder again = paper.place(buy);

        // then
        assertThat(again).isEqualTo(first);
        assertThat(paper.freeBalance("USDT")).isEqualByComparingTo("40000");
    }

    @Test
    void shouldInjectFailuresIntoEveryCallAndLosePlacedOrdersOnlyAsResponses() throws Exception {
        // given every call fails
        PaperExchange failing = open(USDT_ONLY, 1.0);
        PaperExchange healthy = new PaperExchange(book, Duration.ZERO, 0, Clock.systemUTC());
        int lost = 0;
        for (int i = 0; i < 20; i++) {
            OrderRequest buy = market(Side.BUY, "0.01", "60000");
            ExchangeException e = refusal(() -> failing.place(buy));
            assertThat(e.kind()).isIn(ExchangeException.Kind.UNAVAILABLE, ExchangeException.Kind.UNKNOWN_OUTCOME);
            boolean placed = healthy.lookup("BTCUSDT", buy.clientOrderId()).isPresent();
            // then an unavailable call placed nothing; a lost response had placed the order
            assertThat(placed).isEqualTo(e.kind() == ExchangeException.Kind.UNKNOWN_OUTCOME);
            lost += placed ? 1 : 0;
        }
        assertThat(lost).as("lost responses among 20 (each 1 in 2)").isBetween(1, 19);
        assertThat(refusal(() -> failing.lookup("BTCUSDT", "x")).kind()).isEqualTo(ExchangeException.Kind.UNAVAILABLE);
        assertThat(refusal(() -> failing.freeBalance("USDT")).kind()).isEqualTo(ExchangeException.Kind.UNAVAILABLE);
        assertThat(refusal(() -> failing.cancel("BTCUSDT", "x")).kind())
                .isIn(ExchangeException.Kind.UNAVAILABLE, ExchangeException.Kind.UNKNOWN_OUTCOME);
    }

    @Test
    void shouldNeverSpendMoreThanTheBalanceUnderConcurrentOrders() throws Exception {
        // given 100 USDT and 40 buys of 10 USDT each sent at once (group commits put many in one transaction)
        PaperExchange paper = open(Map.of("USDT", d("100")));
        paper.observePrice("BTCUSDT", d("1000"));
        List<OrderRequest> buys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            buys.add(market(Side.BUY, "0.01", null));
        }

        // when
        List<Future<String>> outcomes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (OrderRequest buy : buys) {
                outcomes.add(pool.submit(() -> {
                    try {
                        return paper.place(buy).status().name();
                    } catch (ExchangeException e) {
                        return e.exchangeCode();
                    }
                }));
            }
            List<String> results = new ArrayList<>();
            for (Future<String> outcome : outcomes) {
                results.add(outcome.get(30, TimeUnit.SECONDS));
            }

            // then exactly ten filled, the others were refused, and the account is spent to zero, not below
            assertThat(results).filteredOn("FILLED"::equals).hasSize(10);
            assertThat(results).filteredOn("insufficient_balance"::equals).hasSize(30);
            assertThat(paper.freeBalance("USDT")).isZero();
            assertThat(paper.freeBalance("BTC")).isEqualByComparingTo("0.1");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRefuseASymbolWithNoKnownQuoteAsset() throws Exception {
        // given
        PaperExchange paper = open(USDT_ONLY);

        // when
        ExchangeException e = refusal(() -> paper.place(new OrderRequest(id(), "AAPL", Side.BUY, OrderType.MARKET,
                d("1"), null, d("200"))));

        // then
        assertThat(e.exchangeCode()).isEqualTo("unknown_symbol");
        assertThat(paper.instrumentRules("AAPL").baseAsset()).isNull();
    }
}
