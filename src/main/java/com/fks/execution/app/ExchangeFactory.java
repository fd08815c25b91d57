package com.fks.execution.app;

import com.fks.execution.config.Settings;
import com.fks.execution.exchange.ExchangeClient;
import com.fks.execution.exchange.ExchangeHttp;
import com.fks.execution.exchange.binance.BinanceClient;
import com.fks.execution.exchange.coinbase.CoinbaseClient;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The real exchanges whose credentials are configured; the others are refused at intake. */
final class ExchangeFactory {
    /** An exchange call that takes longer than this is an unknown outcome, reconciled by lookup. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private ExchangeFactory() {
    }

    static List<ExchangeClient> configured(Settings settings, Clock clock) {
        List<ExchangeClient> clients = new ArrayList<>();
        if (!settings.binance().isConfigured() && !settings.coinbase().isConfigured()) {
            return clients;
        }
        HttpClient http = ExchangeHttp.newClient(CONNECT_TIMEOUT);
        Settings.ExchangeCredentials binance = settings.binance();
        if (binance.isConfigured()) {
            clients.add(new BinanceClient(binance.apiKey(), binance.apiSecret().value(), binance.baseUrl(), http,
                    REQUEST_TIMEOUT, clock));
        }
        Settings.ExchangeCredentials coinbase = settings.coinbase();
        if (coinbase.isConfigured()) {
            clients.add(new CoinbaseClient(coinbase.apiKey(), coinbase.apiSecret().value(), coinbase.baseUrl(), http,
                    REQUEST_TIMEOUT, clock));
        }
        return clients;
    }
}
