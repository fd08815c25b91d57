package com.fks.execution.exchange.binance;

import java.time.Duration;

/**
 * Binance spot REST limits and timings the adapter honours, in one place (binance-spot-api-docs, rest-api.md:
 * "LIMITS", "Timing security"; the weights are those listed per endpoint).
 *
 * <p>Request weight is counted per IP and per calendar minute; every answer carries the weight used so far in
 * {@code X-MBX-USED-WEIGHT-1M}. The adapter keeps headroom so that other replicas behind the same IP, and calls
 * already in flight, do not push the account into a 429 and, after it, a 418 ban.
 */
public final class BinanceLimits {

    /** REQUEST_WEIGHT limit of the spot API per minute (exchangeInfo rateLimits, REQUEST_WEIGHT / MINUTE / 1). */
    public static final int REQUEST_WEIGHT_PER_MINUTE = 6000;
    /** Orders, lookups and cancels are refused locally once the minute's weight would pass this. */
    public static final int TRADING_WEIGHT_CEILING = REQUEST_WEIGHT_PER_MINUTE - 100;
    /** Pings, server time and exchangeInfo stop earlier, keeping the last tenth of the minute for trading. */
    public static final int HOUSEKEEPING_WEIGHT_CEILING = REQUEST_WEIGHT_PER_MINUTE * 9 / 10;

    public static final int WEIGHT_NEW_ORDER = 1;
    public static final int WEIGHT_QUERY_ORDER = 4;
    public static final int WEIGHT_CANCEL_ORDER = 1;
    /** POST /api/v3/orderList/oco: one request places both legs. */
    public static final int WEIGHT_NEW_ORDER_LIST = 1;
    /** GET /api/v3/orderList; an OCO lookup adds one query order (4) per leg, 12 in all. */
    public static final int WEIGHT_QUERY_ORDER_LIST = 4;
    public static final int WEIGHT_CANCEL_ORDER_LIST = 1;
    /** GET /api/v3/account: read when an alert is sized from a balance, so it counts as trading weight. */
    public static final int WEIGHT_ACCOUNT = 20;
    public static final int WEIGHT_EXCHANGE_INFO = 20;
    public static final int WEIGHT_PING = 1;
    public static final int WEIGHT_TIME = 1;

    /** recvWindow sent with every signed request (Binance's default; the maximum is 60000). */
    public static final long RECV_WINDOW_MILLIS = 5000;
    /** The server-time offset is measured again after this long, so slow clock drift never reaches -1021. */
    public static final Duration CLOCK_OFFSET_MAX_AGE = Duration.ofMinutes(10);
    /** Symbol filters change rarely (a listing's tick or lot step); a -1013 answer also drops the cache entry. */
    public static final Duration EXCHANGE_INFO_MAX_AGE = Duration.ofHours(1);

    /** Back-off when a 429 comes without Retry-After (Binance documents that it always sends one). */
    public static final Duration DEFAULT_RATE_LIMIT_BACKOFF = Duration.ofSeconds(60);
    /** Back-off when a 418 ban comes without Retry-After: the shortest documented ban. */
    public static final Duration DEFAULT_BAN_BACKOFF = Duration.ofMinutes(2);

    /** Binance's pattern for newClientOrderId and origClientOrderId. */
    public static final String CLIENT_ORDER_ID_PATTERN = "^[.A-Z:/a-z0-9_-]{1,36}$";

    private BinanceLimits() {
    }
}
