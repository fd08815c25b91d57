package com.fks.execution.config;

/**
 * Every environment variable the service reads, in one closed set, so the README table, the
 * Kubernetes manifests and the loader can be checked against each other.
 */
public enum EnvironmentVariable {
    HTTP_PORT("8000", "Port of the webhook, orders, admin, health and metrics endpoints."),
    METRICS_PORT("9090", "Second port that serves only GET /metrics (for the Prometheus scrape)."),
    MIN_CONFIDENCE("0.6", "Alerts with a confidence below this (0..1) are ignored, not traded."),
    MAX_ORDER_SIZE_USD("100000", "Largest notional (quantity x price, in USD) one alert may trade."),
    RATE_LIMIT_REQUESTS("100", "Webhook requests allowed per client IP per window (all replicas together when REDIS_URL is set)."),
    RATE_LIMIT_WINDOW("60", "Length of the rate-limit window, in seconds."),
    RATE_LIMIT_REPLICAS("2", "Replica count assumed only while the shared store cannot say how many are alive: while Redis is unreachable each replica allows RATE_LIMIT_REQUESTS divided by the live replicas (heartbeats in PostgreSQL), or by this."),
    CIRCUIT_BREAKER_THRESHOLD("5", "Consecutive failed calls to one exchange that open its circuit breaker."),
    CIRCUIT_BREAKER_TIMEOUT("60", "Seconds an open breaker waits before letting one trial call through (half-open)."),
    WEBHOOK_SECRET(null, "Shared secret of the webhook, at least 16 characters. Unset: made at first start and kept in DATA_DIR/webhook-secret."),
    ADMIN_TOKEN(null, "Bearer token for /orders and /admin. Unset: /orders is open (laptop use) and /admin is refused."),
    WEBHOOK_MAX_AGE_SECONDS("300", "An alert whose timestamp is older than this is refused as a replay."),
    MAX_BODY_BYTES("65536", "Largest webhook body accepted (at most 500000)."),
    IP_WHITELIST("52.89.214.238,34.212.75.30,54.218.53.128,52.32.178.7,127.0.0.1,::1",
            "Comma-separated IPs and CIDRs allowed to call the webhook; * disables the check."),
    TRUSTED_PROXIES("", "CIDRs of proxies whose X-Forwarded-For is believed (the ingress controller)."),
    DEFAULT_EXCHANGE("paper", "Exchange for alerts that name none: paper, binance or coinbase."),
    PERPETUAL_SYMBOLS("refuse", "Alerts from a perpetual-futures chart (BTCUSDT.P): refuse (422 perpetual_not_supported) or spot (trade the spot pair, BTCUSDT)."),
    DATA_DIR("./data", "Folder of the embedded store (the order journal and its H2 view) and the generated webhook secret."),
    DATABASE_URL("", "JDBC URL of PostgreSQL; unset: the embedded store under DATA_DIR."),
    DATABASE_USER("", "User for DATABASE_URL."),
    POSTGRES_PASSWORD("", "Password for DATABASE_URL."),
    REDIS_URL("", "redis:// URL of the shared rate limiter; unset: in-process limiter."),
    REDIS_PASSWORD("", "Password for REDIS_URL."),
    ORDER_LEASE_SECONDS("15", "A replica's claim on the orders it executes expires this long after its last renewal."),
    ORDER_MAX_WAIT_SECONDS("120", "How long an order waits for an open circuit breaker before it is FAILED with circuit_open."),
    ORDER_QUEUE_CAPACITY("10000", "Orders accepted but not yet sent; when full, intake answers 503 queue_full."),
    PAPER_LATENCY_MS("0", "Added latency of each paper exchange call, in milliseconds."),
    PAPER_FAILURE_RATE("0", "Share (0..1) of paper exchange calls that fail, to exercise retries and the breaker."),
    PAPER_BALANCES("USDT=100000,USD=100000", "Starting balances of the paper account, ASSET=amount separated by commas; an asset not named starts at 0."),
    BINANCE_API_KEY("", "Binance API key; with BINANCE_API_SECRET enables the binance exchange."),
    BINANCE_API_SECRET("", "Binance API secret (HMAC)."),
    BINANCE_BASE_URL("https://api.binance.com", "Binance REST base URL (https://testnet.binance.vision for the testnet)."),
    COINBASE_API_KEY("", "Coinbase CDP API key name; with COINBASE_API_SECRET enables the coinbase exchange."),
    COINBASE_API_SECRET("", "Coinbase CDP private key, PEM (EC P-256 or Ed25519)."),
    COINBASE_BASE_URL("https://api.coinbase.com", "Coinbase Advanced Trade REST base URL."),
    LOG_LEVEL("INFO", "Level of the JSON log on stdout.");

    private final String defaultValue;
    private final String description;

    EnvironmentVariable(String defaultValue, String description) {
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The default, or null when the variable has none (it is then generated or optional). */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }
}
