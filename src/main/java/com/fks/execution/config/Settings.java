package com.fks.execution.config;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The service's configuration, validated once at start-up by {@link SettingsLoader}.
 *
 * @param ipAllowList  null when the check is disabled (IP_WHITELIST=*)
 * @param adminToken   null when unset: /orders is then open and /admin refused
 * @param dataDir      absolute and normalised (no {@code .} or {@code ..} parts)
 */
public record Settings(
        int httpPort,
        int metricsPort,
        BigDecimal minConfidence,
        BigDecimal maxOrderSizeUsd,
        int rateLimitRequests,
        Duration rateLimitWindow,
        int rateLimitReplicas,
        int circuitBreakerThreshold,
        Duration circuitBreakerTimeout,
        Secret webhookSecret,
        Secret adminToken,
        Duration webhookMaxAge,
        int maxBodyBytes,
        List<Cidr> ipAllowList,
        List<Cidr> trustedProxies,
        String defaultExchange,
        PerpetualSymbols perpetualSymbols,
        Path dataDir,
        Database database,
        Redis redis,
        Duration orderLease,
        Duration orderMaxWait,
        int orderQueueCapacity,
        Paper paper,
        ExchangeCredentials binance,
        ExchangeCredentials coinbase,
        String logLevel) {

    /** A configured secret: its toString never shows the value, so a logged record leaks nothing. */
    public record Secret(String value) {
        @Override
        public String toString() {
            return "Secret[****]";
        }
    }

    /** PostgreSQL when url is set, else embedded H2 under DATA_DIR. */
    public record Database(String url, String user, Secret password) {
        public boolean isEmbedded() {
            return url == null;
        }

        @Override
        public String toString() {
            return "Database[url=" + SettingsLoader.redactUrl(url) + ", user=" + user + "]";
        }
    }

    /** Redis when url is set, else the in-process limiter. */
    public record Redis(String url, Secret password) {
        public boolean isEnabled() {
            return url != null;
        }

        @Override
        public String toString() {
            return "Redis[url=" + SettingsLoader.redactUrl(url) + "]";
        }
    }

    /** @param balances the paper account's starting balance of each asset (upper case); an asset absent starts at 0 */
    public record Paper(Duration latency, double failureRate, Map<String, BigDecimal> balances) {
        public Paper {
            balances = Map.copyOf(balances);
        }
    }

    /** Null key means the exchange is not configured. */
    public record ExchangeCredentials(String apiKey, Secret apiSecret, String baseUrl) {
        public boolean isConfigured() {
            return apiKey != null && apiSecret != null;
        }

        @Override
        public String toString() {
            return "ExchangeCredentials[configured=" + isConfigured() + ", baseUrl=" + baseUrl + "]";
        }
    }

    public boolean ipCheckDisabled() {
        return ipAllowList == null;
    }
}
