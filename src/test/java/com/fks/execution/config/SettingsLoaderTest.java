package com.fks.execution.config;

import com.fks.execution.config.SettingsLoader.InvalidSettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

final class SettingsLoaderTest {
    private static final String WEBHOOK_SECRET = "webhook-secret-value-0123456789";
    private static final String ADMIN_TOKEN = "admin-token-value-0123456789";
    private static final String POSTGRES_PASSWORD = "postgres-password-value-42";
    private static final String REDIS_PASSWORD = "redis-password-value-42";
    private static final String BINANCE_SECRET = "binance-api-secret-value-42";
    private static final String COINBASE_SECRET = "coinbase-api-secret-value-42";

    @Test
    void shouldDocumentTheDefaultsTheIssueNames() {
        // then: the enum is the one source of defaults; these are the values issue 2 fixes
        assertThat(EnvironmentVariable.HTTP_PORT.defaultValue()).isEqualTo("8000");
        assertThat(EnvironmentVariable.METRICS_PORT.defaultValue()).isEqualTo("9090");
        assertThat(EnvironmentVariable.MIN_CONFIDENCE.defaultValue()).isEqualTo("0.6");
        assertThat(EnvironmentVariable.MAX_ORDER_SIZE_USD.defaultValue()).isEqualTo("100000");
        assertThat(EnvironmentVariable.RATE_LIMIT_REQUESTS.defaultValue()).isEqualTo("100");
        assertThat(EnvironmentVariable.RATE_LIMIT_WINDOW.defaultValue()).isEqualTo("60");
        assertThat(EnvironmentVariable.CIRCUIT_BREAKER_THRESHOLD.defaultValue()).isEqualTo("5");
        assertThat(EnvironmentVariable.CIRCUIT_BREAKER_TIMEOUT.defaultValue()).isEqualTo("60");
        assertThat(EnvironmentVariable.WEBHOOK_SECRET.defaultValue()).isNull();
        assertThat(EnvironmentVariable.ADMIN_TOKEN.defaultValue()).isNull();
        assertThat(EnvironmentVariable.WEBHOOK_MAX_AGE_SECONDS.defaultValue()).isEqualTo("300");
        assertThat(EnvironmentVariable.MAX_BODY_BYTES.defaultValue()).isEqualTo("65536");
        assertThat(EnvironmentVariable.IP_WHITELIST.defaultValue())
                .isEqualTo("52.89.214.238,34.212.75.30,54.218.53.128,52.32.178.7,127.0.0.1,::1");
        assertThat(EnvironmentVariable.TRUSTED_PROXIES.defaultValue()).isEmpty();
        assertThat(EnvironmentVariable.DEFAULT_EXCHANGE.defaultValue()).isEqualTo("paper");
        assertThat(EnvironmentVariable.DATA_DIR.defaultValue()).isEqualTo("./data");
        assertThat(EnvironmentVariable.PERPETUAL_SYMBOLS.defaultValue()).isEqualTo("refuse");
    }

    @Test
    void shouldLoadTheEnumDefaultsFromAnEmptyEnvironment() {
        // when
        Settings s = SettingsLoader.load(Map.of());

        // then
        assertThat(s.httpPort()).isEqualTo(intDefault(EnvironmentVariable.HTTP_PORT)).isEqualTo(8000);
        assertThat(s.metricsPort()).isEqualTo(intDefault(EnvironmentVariable.METRICS_PORT)).isEqualTo(9090);
        assertThat(s.minConfidence()).isEqualByComparingTo(EnvironmentVariable.MIN_CONFIDENCE.defaultValue())
                .isEqualByComparingTo("0.6");
        assertThat(s.maxOrderSizeUsd()).isEqualByComparingTo(EnvironmentVariable.MAX_ORDER_SIZE_USD.defaultValue())
                .isEqualByComparingTo("100000");
        assertThat(s.rateLimitRequests()).isEqualTo(intDefault(EnvironmentVariable.RATE_LIMIT_REQUESTS)).isEqualTo(100);
        assertThat(s.rateLimitWindow()).isEqualTo(Duration.ofSeconds(intDefault(EnvironmentVariable.RATE_LIMIT_WINDOW)))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(s.rateLimitReplicas()).isEqualTo(intDefault(EnvironmentVariable.RATE_LIMIT_REPLICAS));
        assertThat(s.circuitBreakerThreshold()).isEqualTo(intDefault(EnvironmentVariable.CIRCUIT_BREAKER_THRESHOLD))
                .isEqualTo(5);
        assertThat(s.circuitBreakerTimeout())
                .isEqualTo(Duration.ofSeconds(intDefault(EnvironmentVariable.CIRCUIT_BREAKER_TIMEOUT)))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(s.webhookSecret()).isNull();
        assertThat(s.adminToken()).isNull();
        assertThat(s.webhookMaxAge()).isEqualTo(Duration.ofSeconds(intDefault(EnvironmentVariable.WEBHOOK_MAX_AGE_SECONDS)))
                .isEqualTo(Duration.ofSeconds(300));
        assertThat(s.maxBodyBytes()).isEqualTo(intDefault(EnvironmentVariable.MAX_BODY_BYTES)).isEqualTo(65536);
        assertThat(s.ipCheckDisabled()).isFalse();
        assertThat(s.ipAllowList()).extracting(Cidr::toString)
                .containsExactly("52.89.214.238", "34.212.75.30", "54.218.53.128", "52.32.178.7", "127.0.0.1", "::1");
        assertThat(s.trustedProxies()).isEmpty();
        assertThat(s.defaultExchange()).isEqualTo(EnvironmentVariable.DEFAULT_EXCHANGE.defaultValue()).isEqualTo("paper");
        assertThat(s.perpetualSymbols().setting()).isEqualTo(EnvironmentVariable.PERPETUAL_SYMBOLS.defaultValue());
        assertThat(s.perpetualSymbols()).isEqualTo(PerpetualSymbols.REFUSE);
        assertThat(s.dataDir()).isEqualTo(Path.of(EnvironmentVariable.DATA_DIR.defaultValue()).toAbsolutePath().normalize())
                .isEqualTo(Path.of("").toAbsolutePath().resolve("data"));
        assertThat(s.database().isEmbedded()).isTrue();
        assertThat(s.redis().isEnabled()).isFalse();
        assertThat(s.orderLease()).isEqualTo(Duration.ofSeconds(intDefault(EnvironmentVariable.ORDER_LEASE_SECONDS)));
        assertThat(s.orderMaxWait()).isEqualTo(Duration.ofSeconds(intDefault(EnvironmentVariable.ORDER_MAX_WAIT_SECONDS)));
        assertThat(s.orderQueueCapacity()).isEqualTo(intDefault(EnvironmentVariable.ORDER_QUEUE_CAPACITY));
        assertThat(s.paper().latency()).isEqualTo(Duration.ofMillis(intDefault(EnvironmentVariable.PAPER_LATENCY_MS)));
        assertThat(s.paper().failureRate()).isEqualTo(Double.parseDouble(EnvironmentVariable.PAPER_FAILURE_RATE.defaultValue()));
        assertThat(s.paper().balances()).isEqualTo(Map.of("USDT", new BigDecimal("100000"), "USD", new BigDecimal("100000")));
        assertThat(s.binance().isConfigured()).isFalse();
        assertThat(s.binance().baseUrl()).isEqualTo(EnvironmentVariable.BINANCE_BASE_URL.defaultValue());
        assertThat(s.coinbase().isConfigured()).isFalse();
        assertThat(s.coinbase().baseUrl()).isEqualTo(EnvironmentVariable.COINBASE_BASE_URL.defaultValue());
        assertThat(s.logLevel()).isEqualTo(EnvironmentVariable.LOG_LEVEL.defaultValue());
    }

    @Test
    void shouldTreatABlankValueAsUnset() {
        // when
        Settings s = SettingsLoader.load(Map.of("HTTP_PORT", "  ", "WEBHOOK_SECRET", " "));

        // then
        assertThat(s.httpPort()).isEqualTo(8000);
        assertThat(s.webhookSecret()).isNull();
    }

    @Test
    void shouldReadGivenValues() {
        // given
        Map<String, String> env = Map.of("HTTP_PORT", "8080", "MIN_CONFIDENCE", "0.75", "MAX_ORDER_SIZE_USD", "2500.50",
                "RATE_LIMIT_WINDOW", "10", "IP_WHITELIST", "10.0.0.0/8, 192.168.1.1", "TRUSTED_PROXIES", "172.16.0.0/12",
                "DEFAULT_EXCHANGE", "binance", "WEBHOOK_SECRET", WEBHOOK_SECRET, "PERPETUAL_SYMBOLS", "Spot");

        // when
        Settings s = SettingsLoader.load(env);

        // then
        assertThat(s.httpPort()).isEqualTo(8080);
        assertThat(s.minConfidence()).isEqualByComparingTo("0.75");
        assertThat(s.maxOrderSizeUsd()).isEqualByComparingTo("2500.50");
        assertThat(s.rateLimitWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.ipAllowList()).extracting(Cidr::toString).containsExactly("10.0.0.0/8", "192.168.1.1");
        assertThat(s.trustedProxies()).extracting(Cidr::toString).containsExactly("172.16.0.0/12");
        assertThat(s.defaultExchange()).isEqualTo("binance");
        assertThat(s.perpetualSymbols()).isEqualTo(PerpetualSymbols.SPOT);
        assertThat(s.webhookSecret().value()).isEqualTo(WEBHOOK_SECRET);
    }

    @Test
    void shouldResolveDataDirToANormalisedAbsolutePath() {
        // when
        Settings s = SettingsLoader.load(Map.of("DATA_DIR", "./state/../data/./orders"));

        // then: what the log and the banner print is where the files are, without ./ or ../
        assertThat(s.dataDir()).isAbsolute().isEqualTo(Path.of("").toAbsolutePath().resolve("data/orders"));
        assertThat(s.dataDir().toString()).doesNotContain("/./").doesNotContain("/../");
    }

    @Test
    void shouldDisableTheIpCheckWithAStar() {
        // when
        Settings s = SettingsLoader.load(Map.of("IP_WHITELIST", "*"));

        // then
        assertThat(s.ipAllowList()).isNull();
        assertThat(s.ipCheckDisabled()).isTrue();
    }

    @Test
    void shouldAcceptTheEdgesOfEachRange() {
        // when
        Settings s = SettingsLoader.load(Map.of("MIN_CONFIDENCE", "0", "HTTP_PORT", "65535", "METRICS_PORT", "0",
                "MAX_ORDER_SIZE_USD", "0", "RATE_LIMIT_REQUESTS", "1", "RATE_LIMIT_WINDOW", "1"));
        Settings one = SettingsLoader.load(Map.of("MIN_CONFIDENCE", "1"));

        // then
        assertThat(s.minConfidence()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(s.httpPort()).isEqualTo(65535);
        assertThat(s.metricsPort()).isZero();
        assertThat(s.rateLimitRequests()).isEqualTo(1);
        assertThat(one.minConfidence()).isEqualByComparingTo(BigDecimal.ONE);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "HTTP_PORT|abc",
            "HTTP_PORT|-1",
            "HTTP_PORT|65536",
            "HTTP_PORT|80.5",
            "METRICS_PORT|nine",
            "MIN_CONFIDENCE|1.01",
            "MIN_CONFIDENCE|-0.1",
            "MIN_CONFIDENCE|high",
            "MIN_CONFIDENCE|NaN",
            "MAX_ORDER_SIZE_USD|-5",
            "MAX_ORDER_SIZE_USD|lots",
            "RATE_LIMIT_REQUESTS|0",
            "RATE_LIMIT_REQUESTS|-3",
            "RATE_LIMIT_REQUESTS|1e3",
            "RATE_LIMIT_WINDOW|0",
            "RATE_LIMIT_WINDOW|-60",
            "RATE_LIMIT_WINDOW|1m",
            "CIRCUIT_BREAKER_THRESHOLD|0",
            "CIRCUIT_BREAKER_THRESHOLD|five",
            "CIRCUIT_BREAKER_TIMEOUT|-1",
            "WEBHOOK_MAX_AGE_SECONDS|-300",
            "WEBHOOK_MAX_AGE_SECONDS|5min",
            "MAX_BODY_BYTES|-1",
            "MAX_BODY_BYTES|64k",
            "IP_WHITELIST|10.0.0.0/33",
            "IP_WHITELIST|tradingview.com",
            "IP_WHITELIST|300.1.1.1",
            "TRUSTED_PROXIES|10.0.0.0/x",
            "TRUSTED_PROXIES|*",
            "DEFAULT_EXCHANGE|kraken",
            "PERPETUAL_SYMBOLS|futures",
            "PERPETUAL_SYMBOLS|spot-pair",
            "ORDER_QUEUE_CAPACITY|0",
            "PAPER_FAILURE_RATE|1.5",
            "PAPER_BALANCES|USDT",
            "PAPER_BALANCES|USDT=lots",
            "PAPER_BALANCES|USDT=-5",
            "PAPER_BALANCES|=5",
            "PAPER_BALANCES|USDT=1=2",
            "PAPER_BALANCES|BTC=0.0000000000000000001",
    })
    void shouldReportABadValueInOneLineNamingTheVariableAndTheValue(String variable, String value) {
        // when
        InvalidSettingsException e = invalid(Map.of(variable, value));

        // then
        assertThat(e.problems()).hasSize(1);
        String line = e.problems().get(0);
        assertThat(line).doesNotContain("\n").startsWith(variable).contains("'" + value + "'");
        assertThat(e.getMessage()).isEqualTo(line);
    }

    @Test
    void shouldReadPaperBalancesAsUpperCaseAssetsAndExactAmounts() {
        // when
        Settings s = SettingsLoader.load(Map.of("PAPER_BALANCES", " usdt=2500.5 , BTC=0.12345678,eth=0 "));

        // then
        assertThat(s.paper().balances()).isEqualTo(Map.of("USDT", new BigDecimal("2500.5"),
                "BTC", new BigDecimal("0.12345678"), "ETH", new BigDecimal("0")));
    }

    @Test
    void shouldNameEachBadPairOfPaperBalances() {
        // when
        InvalidSettingsException e = invalid(Map.of("PAPER_BALANCES", "USDT=100,BTC=-1,ETH,USDT=5"));

        // then
        assertThat(e.problems()).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("PAPER_BALANCES"));
        assertThat(e.problems().get(0)).endsWith("got 'BTC=-1'");
        assertThat(e.problems().get(1)).endsWith("got 'ETH'");
        assertThat(e.problems().get(2)).endsWith("got 'USDT=5'");
    }

    @Test
    void shouldNameTheOffendingEntryOfACidrList() {
        // when
        InvalidSettingsException e = invalid(Map.of("IP_WHITELIST", "127.0.0.1, 10.0.0.0/99 ,::1"));

        // then
        assertThat(e.problems()).containsExactly("IP_WHITELIST has a malformed IP or CIDR: '10.0.0.0/99'");
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        // given
        Map<String, String> env = Map.of(
                "HTTP_PORT", "http",
                "MIN_CONFIDENCE", "2",
                "MAX_ORDER_SIZE_USD", "-1",
                "RATE_LIMIT_WINDOW", "0",
                "IP_WHITELIST", "10.0.0.0/33,1.2.3.4/40",
                "WEBHOOK_SECRET", "tooshort");

        // when
        InvalidSettingsException e = invalid(env);

        // then
        assertThat(e.problems()).hasSize(7);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("HTTP_PORT").contains("'http'"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("MIN_CONFIDENCE").contains("'2'"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("MAX_ORDER_SIZE_USD").contains("'-1'"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("RATE_LIMIT_WINDOW").contains("'0'"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).isEqualTo("IP_WHITELIST has a malformed IP or CIDR: '10.0.0.0/33'"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).isEqualTo("IP_WHITELIST has a malformed IP or CIDR: '1.2.3.4/40'"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).isEqualTo("WEBHOOK_SECRET is shorter than 16 characters"));
        assertThat(e.getMessage().split("\n")).hasSize(7);
    }

    @Test
    void shouldRefuseAWebhookSecretShorterThan16CharactersWithoutEchoingIt() {
        // when
        InvalidSettingsException e = invalid(Map.of("WEBHOOK_SECRET", "fifteen-chars-x"));

        // then
        assertThat(e.problems()).containsExactly("WEBHOOK_SECRET is shorter than 16 characters");
        assertThat(e.getMessage()).doesNotContain("fifteen-chars-x");
    }

    @Test
    void shouldAcceptAWebhookSecretOfExactly16Characters() {
        // when
        Settings s = SettingsLoader.load(Map.of("WEBHOOK_SECRET", "sixteen-chars-xy"));

        // then
        assertThat(s.webhookSecret().value()).isEqualTo("sixteen-chars-xy");
    }

    @Test
    void shouldRefuseAShortAdminTokenWithoutEchoingIt() {
        // when
        InvalidSettingsException e = invalid(Map.of("ADMIN_TOKEN", "adm1n"));

        // then
        assertThat(e.problems()).containsExactly("ADMIN_TOKEN is shorter than 16 characters");
        assertThat(e.getMessage()).doesNotContain("adm1n");
    }

    @Test
    void shouldNotEchoASecretInAnyProblemLine() {
        // given: every secret set, alongside problems that concern them
        Map<String, String> env = new HashMap<>();
        env.put("WEBHOOK_SECRET", "short-secret");
        env.put("ADMIN_TOKEN", "short-token");
        env.put("BINANCE_API_SECRET", BINANCE_SECRET);
        env.put("COINBASE_API_SECRET", COINBASE_SECRET);
        env.put("POSTGRES_PASSWORD", POSTGRES_PASSWORD);
        env.put("REDIS_PASSWORD", REDIS_PASSWORD);
        env.put("HTTP_PORT", "bad");

        // when
        InvalidSettingsException e = invalid(env);

        // then
        assertThat(e.problems()).contains("BINANCE_API_KEY and BINANCE_API_SECRET must be set together",
                "COINBASE_API_KEY and COINBASE_API_SECRET must be set together");
        assertThat(e.getMessage()).doesNotContain("short-secret", "short-token", BINANCE_SECRET, COINBASE_SECRET,
                POSTGRES_PASSWORD, REDIS_PASSWORD);
    }

    @Test
    void shouldNotShowAnySecretInSettingsToString() {
        // given
        Map<String, String> env = new HashMap<>();
        env.put("WEBHOOK_SECRET", WEBHOOK_SECRET);
        env.put("ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("DATABASE_URL", "jdbc:postgresql://db:5432/fks");
        env.put("POSTGRES_PASSWORD", POSTGRES_PASSWORD);
        env.put("REDIS_URL", "redis://redis:6379");
        env.put("REDIS_PASSWORD", REDIS_PASSWORD);
        env.put("BINANCE_API_KEY", "binance-key");
        env.put("BINANCE_API_SECRET", BINANCE_SECRET);
        env.put("COINBASE_API_KEY", "coinbase-key");
        env.put("COINBASE_API_SECRET", COINBASE_SECRET);

        // when
        Settings s = SettingsLoader.load(env);

        // then
        assertThat(s.webhookSecret().value()).isEqualTo(WEBHOOK_SECRET);
        assertThat(s.binance().isConfigured()).isTrue();
        assertThat(s.toString()).doesNotContain(WEBHOOK_SECRET, ADMIN_TOKEN, POSTGRES_PASSWORD, REDIS_PASSWORD,
                BINANCE_SECRET, COINBASE_SECRET).contains("Secret[****]");
    }

    @Test
    void shouldRequireExchangeKeyAndSecretTogether() {
        // when
        InvalidSettingsException e = invalid(Map.of("BINANCE_API_KEY", "key-only"));

        // then
        assertThat(e.problems()).containsExactly("BINANCE_API_KEY and BINANCE_API_SECRET must be set together");
    }

    private static int intDefault(EnvironmentVariable variable) {
        return Integer.parseInt(variable.defaultValue());
    }

    private static InvalidSettingsException invalid(Map<String, String> env) {
        InvalidSettingsException e = catchThrowableOfType(InvalidSettingsException.class, () -> SettingsLoader.load(env));
        assertThat(e).as("expected the settings to be refused").isNotNull();
        assertThat(e.problems()).isEqualTo(List.of(e.getMessage().split("\n")));
        return e;
    }

    @Test
    void shouldNeverShowAPasswordInsideAUrl() {
        // given: URLs carrying credentials
        Settings s = SettingsLoader.load(java.util.Map.of("DATABASE_URL", "jdbc:postgresql://db:5432/fks?user=fks&password=hunter2-secret",
                "REDIS_URL", "redis://:redis-pass-secret@cache:6379/0"));

        // when / then
        assertThat(s.toString()).doesNotContain("hunter2-secret").doesNotContain("redis-pass-secret");
        assertThat(SettingsLoader.redactUrl("redis://user:pw-secret@h:1")).isEqualTo("redis://****@h:1");
        assertThatThrownBy(() -> SettingsLoader.load(java.util.Map.of("REDIS_URL", "http://:pw-secret@h")))
                .hasMessageNotContaining("pw-secret").hasMessageContaining("REDIS_URL");
    }

    @Test
    void shouldRefuseABodyLimitOverWhatTheStoreCanKeep() {
        assertThatThrownBy(() -> SettingsLoader.load(java.util.Map.of("MAX_BODY_BYTES",
                Integer.toString(SettingsLoader.MAX_BODY_LIMIT + 1)))).hasMessageContaining("MAX_BODY_BYTES");
    }
}
