package com.fks.execution.testexchange;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * For scripts/bench/run: the local Binance-protocol exchange as a process of its own, so the service under load
 * talks to it over loopback as it would to Binance (signed requests, filters, fills). Knows the API key and secret
 * given as arguments and every spot pair the traffic generator sends, each filled at about the generator's price
 * level; prints {@code BASE_URL=http://127.0.0.1:port} and then {@code READY}, and runs until stopped.
 * <p>
 * LIMIT orders fill as they arrive: left resting (the generator's limits are 0.1 % off the close), each would be
 * looked up again and again at weight 4, and within seconds at 150 alerts/s the service would spend the minute's
 * request weight on lookups and stop placing orders: a measure of the test exchange, not of the service.
 */
public final class BinanceTestExchangeMain {
    /** The generator's pairs (after the service strips EXCHANGE: and .P) and their price levels. */
    private static final Map<String, String> PAIRS = Map.of("BTCUSDT", "65000", "BTCUSD", "65000",
            "ETHUSDT", "3400", "ETHUSD", "3400", "SOLUSDT", "150", "SOLUSDC", "150");

    private BinanceTestExchangeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: BinanceTestExchangeMain API_KEY API_SECRET");
            System.exit(2);
        }
        BinanceTestExchange exchange = BinanceTestExchange.start(args[0], args[1]);
        BinanceTestExchange.SymbolSpec btc = BinanceTestExchange.SymbolSpec.btcUsdt();
        PAIRS.forEach((symbol, price) -> exchange.addSymbol(new BinanceTestExchange.SymbolSpec(symbol, btc.status(),
                btc.lotStep(), btc.lotMin(), btc.lotMax(), btc.marketStep(), btc.marketMin(),
                // the generator's orders go up to 2,000 USD: 13 SOL, more than BTCUSDT's market lot maximum
                new BigDecimal("100000"), btc.tickSize(), btc.minPrice(), btc.maxPrice(), btc.minNotional(),
                btc.applyMinToMarket(), new BigDecimal(price))));
        exchange.fillLimitOrdersOnArrival(true);
        Runtime.getRuntime().addShutdownHook(new Thread(exchange::close, "binance-test-exchange-stop"));
        System.out.println("BASE_URL=" + exchange.baseUrl());
        System.out.println("READY");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
