package com.fks.execution.exchange.coinbase;

import java.time.Duration;

/** Coinbase Advanced Trade limits and timings the adapter honours, in one place. */
public final class CoinbaseLimits {

    /** Lifetime of each request's JWT: Coinbase refuses a JWT after 2 minutes (CDP "JWT Authentication"). */
    public static final Duration JWT_LIFETIME = Duration.ofSeconds(120);
    /** Back-off after a 429 that carries no Retry-After: private endpoints are limited per second. */
    public static final Duration DEFAULT_RATE_LIMIT_BACKOFF = Duration.ofSeconds(1);
    /** Product increments change rarely; cached this long. */
    public static final Duration PRODUCT_MAX_AGE = Duration.ofHours(1);

    /**
     * How far back a lookup by client order id searches. List Orders has no client_order_id filter, so the
     * adapter lists the product's orders created since then and matches the id itself; the engine looks up within
     * seconds or minutes of placing, and after a restart within the lease of its orders.
     */
    public static final Duration LOOKUP_WINDOW = Duration.ofHours(24);
    /**
     * How far back the lookup of a protection order searches once neither its order id nor the open orders found
     * it: a good-till-cancelled stop-loss or bracket can rest for weeks before it fills or is cancelled.
     */
    public static final Duration PROTECTION_LOOKUP_WINDOW = Duration.ofDays(90);
    /** Orders per page of List Orders. */
    public static final int LOOKUP_PAGE_SIZE = 250;
    /** Pages read before a lookup gives up as inconclusive (never as "not found"). */
    public static final int LOOKUP_MAX_PAGES = 20;

    /** Accounts per page of List Accounts (the documented maximum; the default is 49). */
    public static final int ACCOUNTS_PAGE_SIZE = 250;
    /**
     * Pages of List Accounts read before a balance read gives up as unavailable (never as zero): 5,000 accounts,
     * far more than the currencies Coinbase lists.
     */
    public static final int ACCOUNTS_MAX_PAGES = 20;

    private CoinbaseLimits() {
    }
}
