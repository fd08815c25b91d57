package com.fks.execution.app;

import com.fks.execution.config.Settings;
import com.fks.execution.exchange.ExchangeClient;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The real exchanges whose credentials are configured. */
final class ExchangeFactory {
    private ExchangeFactory() {
    }

    static List<ExchangeClient> configured(Settings settings, Clock clock) {
        List<ExchangeClient> clients = new ArrayList<>();
        // binance and coinbase adapters are added here when their credentials are set
        return clients;
    }
}
