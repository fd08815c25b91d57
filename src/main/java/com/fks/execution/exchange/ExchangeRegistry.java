package com.fks.execution.exchange;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The exchanges this process can trade on: paper always, binance and coinbase when their keys are set. */
public final class ExchangeRegistry {
    private final Map<String, ExchangeClient> clients = new LinkedHashMap<>();

    public ExchangeRegistry(Collection<ExchangeClient> configured) {
        for (ExchangeClient client : configured) {
            clients.put(client.name(), client);
        }
    }

    public Optional<ExchangeClient> get(String name) {
        return Optional.ofNullable(clients.get(name));
    }

    public boolean isConfigured(String name) {
        return clients.containsKey(name);
    }

    public Collection<ExchangeClient> all() {
        return clients.values();
    }
}
