package com.fks.execution.risk;

/** Why the risk check refused an order: a closed set, which intake answers each with its own reason code. */
public enum DenialReason {
    /** Not quoted in USD, USDT or USDC: the notional cannot be checked against a USD limit. */
    UNSUPPORTED_QUOTE_CURRENCY,
    /** No price to value the order with (a market order whose alert carried none). */
    NO_USABLE_PRICE,
    /** The notional is over MAX_ORDER_SIZE_USD. */
    ORDER_TOO_LARGE
}
