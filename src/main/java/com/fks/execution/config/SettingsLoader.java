package com.fks.execution.config;

import com.fks.execution.config.Settings.Secret;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the environment into {@link Settings}. Every bad value is collected and reported at once, each as
 * one line naming the variable and the value (secrets are never echoed, only their problem).
 */
public final class SettingsLoader {

    /** Thrown with every problem found; the message has one line per problem. */
    public static final class InvalidSettingsException extends RuntimeException {
        private final List<String> problems;

        InvalidSettingsException(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    public static final int MIN_SECRET_LENGTH = 16;
    public static final int MAX_BODY_LIMIT = 500_000;
    private static final Set<String> EXCHANGES = Set.of("paper", "binance", "coinbase");

    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    private SettingsLoader(Map<String, String> env) {
        this.env = env;
    }

    /**
     * Loads from the given environment. WEBHOOK_SECRET may be null here; the caller fills it from
     * DATA_DIR (see WebhookSecretFile) before the service starts.
     */
    public static Settings load(Map<String, String> env) {
        return new SettingsLoader(env).load();
    }

    private Settings load() {
        int httpPort = port(EnvironmentVariable.HTTP_PORT);
        int metricsPort = port(EnvironmentVariable.METRICS_PORT);
        BigDecimal minConfidence = decimal(EnvironmentVariable.MIN_CONFIDENCE, BigDecimal.ZERO, BigDecimal.ONE);
        BigDecimal maxOrder = decimal(EnvironmentVariable.MAX_ORDER_SIZE_USD, BigDecimal.ZERO, null);
        int rateRequests = integer(EnvironmentVariable.RATE_LIMIT_REQUESTS, 1, Integer.MAX_VALUE);
        Duration rateWindow = seconds(EnvironmentVariable.RATE_LIMIT_WINDOW, 1);
        int replicas = integer(EnvironmentVariable.RATE_LIMIT_REPLICAS, 1, 1000);
        int breakerThreshold = integer(EnvironmentVariable.CIRCUIT_BREAKER_THRESHOLD, 1, 10_000);
        Duration breakerTimeout = seconds(EnvironmentVariable.CIRCUIT_BREAKER_TIMEOUT, 1);
        Secret webhookSecret = secret(EnvironmentVariable.WEBHOOK_SECRET);
        Secret adminToken = secret(EnvironmentVariable.ADMIN_TOKEN);
        Duration maxAge = seconds(EnvironmentVariable.WEBHOOK_MAX_AGE_SECONDS, 1);
        // Bounded so the alert as stored (NaN grows to null: at most 4/3 of the body) fits its 1,000,000-character column.
        int maxBody = integer(EnvironmentVariable.MAX_BODY_BYTES, 256, MAX_BODY_LIMIT);
        List<Cidr> allowList = cidrs(EnvironmentVariable.IP_WHITELIST, true);
        List<Cidr> trusted = cidrs(EnvironmentVariable.TRUSTED_PROXIES, false);
        String defaultExchange = exchange(EnvironmentVariable.DEFAULT_EXCHANGE);
        PerpetualSymbols perpetualSymbols = perpetualSymbols(EnvironmentVariable.PERPETUAL_SYMBOLS);
        // Resolved once against the working directory, so the log and the banner say where the data really is
        // (the default ./data would otherwise print as /path/./data).
        Path dataDir = Path.of(value(EnvironmentVariable.DATA_DIR)).toAbsolutePath().normalize();
        Settings.Database database = new Settings.Database(
                optional(EnvironmentVariable.DATABASE_URL), optional(EnvironmentVariable.DATABASE_USER),
                secret(EnvironmentVariable.POSTGRES_PASSWORD));
        if (database.url() != null && !database.url().startsWith("jdbc:postgresql:")) {
            problems.add("DATABASE_URL must be a jdbc:postgresql: URL, got '" + redactUrl(database.url()) + "'");
        }
        Settings.Redis redis = new Settings.Redis(optional(EnvironmentVariable.REDIS_URL),
                secret(EnvironmentVariable.REDIS_PASSWORD));
        if (redis.url() != null && !redis.url().matches("rediss?://.+")) {
            problems.add("REDIS_URL must be a redis:// or rediss:// URL, got '" + redactUrl(redis.url()) + "'");
        }
        Duration lease = seconds(EnvironmentVariable.ORDER_LEASE_SECONDS, 2);
        Duration maxWait = seconds(EnvironmentVariable.ORDER_MAX_WAIT_SECONDS, 1);
        int queueCapacity = integer(EnvironmentVariable.ORDER_QUEUE_CAPACITY, 1, 1_000_000);
        int paperLatency = integer(EnvironmentVariable.PAPER_LATENCY_MS, 0, 60_000);
        BigDecimal paperFailure = decimal(EnvironmentVariable.PAPER_FAILURE_RATE, BigDecimal.ZERO, BigDecimal.ONE);
        Map<String, BigDecimal> paperBalances = balances(EnvironmentVariable.PAPER_BALANCES);
        Settings.ExchangeCredentials binance = credentials(EnvironmentVariable.BINANCE_API_KEY,
                EnvironmentVariable.BINANCE_API_SECRET, EnvironmentVariable.BINANCE_BASE_URL);
        Settings.ExchangeCredentials coinbase = credentials(EnvironmentVariable.COINBASE_API_KEY,
                EnvironmentVariable.COINBASE_API_SECRET, EnvironmentVariable.COINBASE_BASE_URL);
        String logLevel = value(EnvironmentVariable.LOG_LEVEL).toUpperCase();
        if (!Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(logLevel)) {
            problems.add("LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, got '" + logLevel + "'");
        }
        if (webhookSecret != null && webhookSecret.value().length() < MIN_SECRET_LENGTH) {
            problems.add("WEBHOOK_SECRET is shorter than " + MIN_SECRET_LENGTH + " characters");
        }
        if (adminToken != null && adminToken.value().length() < MIN_SECRET_LENGTH) {
            problems.add("ADMIN_TOKEN is shorter than " + MIN_SECRET_LENGTH + " characters");
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
        return new Settings(httpPort, metricsPort, minConfidence, maxOrder, rateRequests, rateWindow, replicas,
                breakerThreshold, breakerTimeout, webhookSecret, adminToken, maxAge, maxBody, allowList, trusted,
                defaultExchange, perpetualSymbols, dataDir, database, redis, lease, maxWait, queueCapacity,
                new Settings.Paper(Duration.ofMillis(paperLatency), paperFailure == null ? 0 : paperFailure.doubleValue(),
                        paperBalances),
                binance, coinbase, logLevel);
    }

    /** A URL with any user:password@ part and password= parameter masked, for error lines and toString. */
    public static String redactUrl(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("//[^/@\\s]*@", "//****@").replaceAll("(?i)(password=)[^&;\\s]*", "$1****");
    }

    private String value(EnvironmentVariable variable) {
        String raw = env.get(variable.name());
        if (raw == null || raw.isBlank()) {
            return variable.defaultValue();
        }
        return raw.trim();
    }

    private String optional(EnvironmentVariable variable) {
        String v = value(variable);
        return v == null || v.isEmpty() ? null : v;
    }

    private Secret secret(EnvironmentVariable variable) {
        // Surrounding whitespace (a newline from a mounted file or `echo`) is not part of a secret.
        String raw = env.get(variable.name());
        return raw == null || raw.isBlank() ? null : new Secret(raw.strip());
    }

    private int port(EnvironmentVariable variable) {
        return integer(variable, 0, 65535);
    }

    private int integer(EnvironmentVariable variable, int min, int max) {
        String v = value(variable);
        try {
            int parsed = Integer.parseInt(v);
            if (parsed < min || parsed > max) {
                problems.add(variable.name() + " must be between " + min + " and " + max + ", got '" + v + "'");
            }
            return parsed;
        } catch (NumberFormatException e) {
            problems.add(variable.name() + " must be a whole number, got '" + v + "'");
            return 0;
        }
    }

    private Duration seconds(EnvironmentVariable variable, int min) {
        return Duration.ofSeconds(integer(variable, min, 31_536_000));
    }

    private BigDecimal decimal(EnvironmentVariable variable, BigDecimal min, BigDecimal max) {
        String v = value(variable);
        try {
            BigDecimal parsed = new BigDecimal(v);
            if (parsed.compareTo(min) < 0 || (max != null && parsed.compareTo(max) > 0)) {
                problems.add(variable.name() + " must be " + (max == null ? "at least " + min
                        : "between " + min + " and " + max) + ", got '" + v + "'");
            }
            return parsed;
        } catch (NumberFormatException e) {
            problems.add(variable.name() + " must be a number, got '" + v + "'");
            return null;
        }
    }

    /**
     * ASSET=amount pairs separated by commas ("USDT=100000,BTC=0.5"); an empty value is an empty account. Each
     * bad pair is its own problem line, so an operator sees every one at once.
     */
    private Map<String, BigDecimal> balances(EnvironmentVariable variable) {
        String v = value(variable);
        Map<String, BigDecimal> result = new TreeMap<>();
        for (String part : v.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] pair = part.split("=", -1);
            String asset = pair.length == 2 ? pair[0].trim().toUpperCase(Locale.ROOT) : "";
            BigDecimal amount = null;
            if (pair.length == 2) {
                try {
                    amount = new BigDecimal(pair[1].trim());
                } catch (NumberFormatException e) {
                    amount = null;
                }
            }
            // The paper book keeps amounts as DECIMAL(38, 18).
            if (!asset.matches("[A-Z0-9]{2,16}") || amount == null || amount.signum() < 0
                    || amount.stripTrailingZeros().scale() > 18 || amount.precision() - amount.scale() > 20
                    || result.containsKey(asset)) {
                problems.add(variable.name() + " must be ASSET=amount pairs separated by commas (each asset once, "
                        + "amounts from 0 to 20 digits with up to 18 decimals), got '" + part.trim() + "'");
                continue;
            }
            result.put(asset, amount);
        }
        return result;
    }

    private List<Cidr> cidrs(EnvironmentVariable variable, boolean starDisables) {
        String v = value(variable);
        if (starDisables && "*".equals(v)) {
            return null;
        }
        List<Cidr> result = new ArrayList<>();
        if (v == null || v.isEmpty()) {
            return result;
        }
        for (String part : v.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                result.add(Cidr.parse(part));
            } catch (IllegalArgumentException e) {
                problems.add(variable.name() + " has a malformed IP or CIDR: '" + part.trim() + "'");
            }
        }
        return List.copyOf(result);
    }

    private String exchange(EnvironmentVariable variable) {
        String v = value(variable).toLowerCase();
        if (!EXCHANGES.contains(v)) {
            problems.add(variable.name() + " must be paper, binance or coinbase, got '" + v + "'");
        }
        return v;
    }

    private PerpetualSymbols perpetualSymbols(EnvironmentVariable variable) {
        String v = value(variable);
        for (PerpetualSymbols choice : PerpetualSymbols.values()) {
            if (choice.setting().equals(v.toLowerCase(Locale.ROOT))) {
                return choice;
            }
        }
        problems.add(variable.name() + " must be refuse or spot, got '" + v + "'");
        return PerpetualSymbols.REFUSE;
    }

    private Settings.ExchangeCredentials credentials(EnvironmentVariable key, EnvironmentVariable secret,
                                                     EnvironmentVariable baseUrl) {
        String apiKey = optional(key);
        Secret apiSecret = secret(secret);
        String url = value(baseUrl);
        if ((apiKey == null) != (apiSecret == null)) {
            problems.add(key.name() + " and " + secret.name() + " must be set together");
        }
        if (!url.matches("https?://[^\\s/]+(:\\d+)?/?")) {
            problems.add(baseUrl.name() + " must be an http(s) base URL without a path, got '" + url + "'");
        }
        return new Settings.ExchangeCredentials(apiKey, apiSecret, url.replaceAll("/$", ""));
    }
}
