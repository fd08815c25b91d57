package com.fks.execution.bench;

import com.fks.execution.exchange.ExchangeHttp;
import com.fks.execution.testexchange.BinanceTestExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

class RoundTripFloorTest {
    private final HttpClient http = ExchangeHttp.newClient(Duration.ofSeconds(5));

    @Test
    void shouldTimeEveryCallToTheLocalExchangeAndCountNoneFailed() throws Exception {
        RoundTripFloor.Window window = againstTheTestExchange("/api/v3/time", 100);

        assertThat(window.failures()).isZero();
        assertThat(window.nanos()).hasSize(100);
        assertThat(Arrays.stream(window.nanos()).min().orElseThrow()).isPositive();
        assertThat(window.percentiles().at(0.99)).isLessThan(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void shouldCountAnAnswerOtherThan200AsFailed() throws Exception {
        assertThat(againstTheTestExchange("/api/v3/no-such-endpoint", 50).failures()).isEqualTo(50);
    }

    /** One second at {@code rate} calls/s to a path of a Binance-protocol test exchange, from 4 callers. */
    private RoundTripFloor.Window againstTheTestExchange(String path, int rate) throws InterruptedException {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (BinanceTestExchange exchange = BinanceTestExchange.start("key", "secret-0123456789")) {
            return RoundTripFloor.run(http, callers, URI.create(exchange.baseUrl() + path), rate, 1);
        } finally {
            callers.shutdownNow();
        }
    }

    /** Open loop: a call that waits for a free caller is late by that wait, so a slow server shows in the tail. */
    @Test
    void shouldCountTheWaitForABusyCallerFromEachCallsDueTime() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        ExecutorService oneCaller = Executors.newSingleThreadExecutor();
        try {
            // 100 calls due over 1 s, one caller, 20 ms each: the last is answered ~2 s after the first was due.
            RoundTripFloor.Window window = RoundTripFloor.run(http, oneCaller, URI.create("http://127.0.0.1:"
                    + server.getAddress().getPort() + "/slow"), 100, 1);

            assertThat(window.failures()).isZero();
            assertThat(window.percentiles().max()).isGreaterThan(Duration.ofMillis(800).toNanos());
            assertThat(window.percentiles().at(0.50)).isGreaterThan(Duration.ofMillis(200).toNanos());
        } finally {
            oneCaller.shutdownNow();
            server.stop(0);
        }
    }
}
