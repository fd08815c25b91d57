package com.fks.execution.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The limit shared by all replicas: one Bucket4j bucket per client in Redis, refilled all at once each window
 * (the same "N per window" as {@link LocalRateLimiter}). Each request is one atomic compare-and-swap done by
 * a Lua script on the Redis server, so replicas racing for the last token cannot both get it.
 *
 * <p>The bucket's key carries the configuration ({@code fks-execution:rate-limit:<requests>-per-<window>:<client>}),
 * so a replica started with a new RATE_LIMIT_REQUESTS or RATE_LIMIT_WINDOW counts in a bucket of that
 * configuration from its first request. With one key for every configuration, Redis kept the bucket it had
 * (Bucket4j builds a configuration only for a missing key) for as long as refused traffic renewed its expiry.
 * Bucket4j's own configuration replacement does not fit: it replaces only when the stored version is lower
 * than the caller's, and no version read from the configuration orders both a raise and a lowering, while a
 * version from a clock or a counter lets an old pod restarted mid-rollout outrank the new ones for good. The
 * price: during a rollout the old and the new pods count in separate buckets (each holding its own limit);
 * the old buckets expire one window after their last use.
 *
 * <p>Requests of one client that arrive together share one compare-and-swap (Bucket4j's batching: the
 * first caller's command carries the requests that queued behind it, and each still gets its own answer).
 * Without it, concurrent requests of one client (TradingView sends from four addresses) each read the
 * bucket, all but one lose the swap and read again: at 32 connections from one address the Redis client
 * took more CPU than the rest of the request. The batching lives in one bucket object per client, kept with
 * the connection it uses (at most {@link #MAX_CLIENTS}; beyond that it starts over, which only costs the
 * batching of the moment, since the state is in Redis).
 *
 * <p>Fails fast: a command gets {@link #COMMAND_TIMEOUT} and is refused at once when the connection is down;
 * the connection is not re-established on the request path but by {@link #checkHealth()}, which
 * {@link FallbackRateLimiter} calls every few seconds.
 */
public final class RedisRateLimiter implements SharedRateLimiter {
    /** Redis on the same network answers in well under a millisecond; longer means it is in trouble. */
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(200);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /**
     * Bounds the connection hand-shake (HELLO, AUTH). Generous because a JVM that is still starting (several
     * pods starting on one node) can take a second for it; connecting never happens on the request path.
     */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);
    static final String KEY_PREFIX = "fks-execution:rate-limit:";
    /** Far above the addresses an allow-list names; bounds the map when no allow-list is set. */
    static final int MAX_CLIENTS = 10_000;

    private final RedisClient client;
    private final BucketConfiguration configuration;
    private final Duration window;
    private final String keyPrefix;
    private volatile StatefulRedisConnection<String, byte[]> connection;
    /** The buckets of the current connection; null while there is none. */
    private volatile Buckets buckets;

    /** Bucket4j's buckets on one connection, and the bucket object of each client using it. */
    private record Buckets(LettuceBasedProxyManager<String> manager, Map<String, BucketProxy> perClient) {
        Buckets(LettuceBasedProxyManager<String> manager) {
            this(manager, new ConcurrentHashMap<>());
        }
    }

    /** Does not connect: the first {@link #checkHealth()} does. */
    public RedisRateLimiter(String url, String password, int requests, Duration window) {
        RedisURI uri = RedisURI.create(url);
        if (password != null && !password.isEmpty()) {
            uri.setAuthentication(password.toCharArray());
        }
        // The URI's timeout bounds the hand-shake; each command gets COMMAND_TIMEOUT through the options below.
        uri.setTimeout(HANDSHAKE_TIMEOUT);
        this.client = RedisClient.create(uri);
        // No automatic reconnect: while the connection is down every command fails at once (the fallback
        // takes over) instead of queueing; checkHealth reconnects on its own schedule.
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
                .build());
        this.window = window;
        this.keyPrefix = keyPrefix(requests, window);
        this.configuration = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(requests).refillIntervally(requests, window).build())
                .build();
    }

    @Override
    public String backendName() {
        return "redis";
    }

    @Override
    public Decision tryAcquire(String clientKey) {
        Buckets current = buckets;
        if (current == null) {
            throw new RateLimiterUnavailableException("not connected to Redis", null);
        }
        ConsumptionProbe probe;
        try {
            BucketProxy bucket = current.perClient().get(clientKey);
            if (bucket == null) {
                if (current.perClient().size() >= MAX_CLIENTS) {
                    current.perClient().clear();
                }
                bucket = current.perClient().computeIfAbsent(clientKey, key -> current.manager().builder()
                        .withOptimization(Optimizations.batching())
                        .build(keyPrefix + key, () -> configuration));
            }
            probe = bucket.tryConsumeAndReturnRemaining(1);
        } catch (RuntimeException e) {
            // Lettuce and Bucket4j signal a dead connection, a timeout or a Redis error each their own way;
            // for the caller they all mean "no answer from the shared limiter".
            throw new RateLimiterUnavailableException("Redis did not answer: " + describe(e), e);
        }
        if (probe.isConsumed()) {
            return Decision.ALLOW;
        }
        return new Decision(false, Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()
                + 999_999_999L)));
    }

    @Override
    public synchronized void checkHealth() {
        try {
            StatefulRedisConnection<String, byte[]> current = connection;
            if (current == null || !current.isOpen()) {
                if (current != null) {
                    buckets = null;
                    current.closeAsync();
                }
                current = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                connection = current;
                // No Bucket4j request timeout: it bounds the whole compare-and-swap loop, and replicas racing
                // for one client's bucket (all TradingView alerts come from four addresses) legitimately retry.
                // Each Redis command is still bounded by COMMAND_TIMEOUT, which is what detects an outage.
                buckets = new Buckets(Bucket4jLettuce.casBasedBuilder(current)
                        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(window))
                        .build());
            }
            current.sync().ping();
            // Read a bucket through the same path the requests use, so its first use (and the class loading
            // that comes with it) happens here and not against a webhook's 200 ms budget.
            buckets.manager().builder().build(keyPrefix + "health-check", () -> configuration).getAvailableTokens();
        } catch (RuntimeException e) {
            throw new RateLimiterUnavailableException("Redis did not answer: " + describe(e), e);
        }
    }

    /** The keys of one configuration's buckets start with this. */
    static String keyPrefix(int requests, Duration window) {
        return KEY_PREFIX + requests + "-per-" + window.toMillis() + "ms:";
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : e.getClass().getSimpleName() + " (" + message + ")";
    }

    @Override
    public synchronized void close() {
        buckets = null;
        StatefulRedisConnection<String, byte[]> current = connection;
        connection = null;
        if (current != null) {
            current.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
