package com.fks.execution.testsupport;

import com.fks.execution.testexchange.BinanceTestExchange;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A local Binance-protocol exchange started before each test, and the in-process services a test starts to trade
 * on it (configured with its address, key and secret, and an admin token), all stopped after the test.
 */
public final class BinanceBackedServices implements BeforeEachCallback, AfterEachCallback {
    public static final String KEY = "test-api-key";
    public static final String SECRET = "test-api-secret-0123456789abcdef";
    public static final String ADMIN = "admin-token-0123456789abcdef";

    private final Map<String, String> defaults;
    private final List<AutoCloseable> services = new ArrayList<>();
    private BinanceTestExchange exchange;

    public BinanceBackedServices() {
        this(Map.of());
    }

    /** With settings every service of the test gets (a test's own settings win). */
    public BinanceBackedServices(Map<String, String> defaults) {
        this.defaults = defaults;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        exchange = BinanceTestExchange.start(KEY, SECRET);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        closeServices();
        exchange.close();
    }

    public BinanceTestExchange exchange() {
        return exchange;
    }

    /** A service trading on the exchange, stopped after the test (or by {@link #closeServices}). */
    public InProcessService service(Map<String, String> extra) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("BINANCE_API_KEY", KEY, "BINANCE_API_SECRET", SECRET,
                "BINANCE_BASE_URL", exchange.baseUrl(), "ADMIN_TOKEN", ADMIN));
        env.putAll(defaults);
        env.putAll(extra);
        InProcessService service = InProcessService.start(env);
        services.add(service);
        return service;
    }

    /** Stops the services started so far (before a test takes their file system away, say). */
    public void closeServices() throws Exception {
        for (AutoCloseable service : services) {
            service.close();
        }
        services.clear();
    }
}
