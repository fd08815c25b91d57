package com.fks.execution.intake;

import com.fks.execution.risk.DenialReason;

/**
 * Every reason the webhook can refuse or set aside an alert: a closed set, so metric labels stay bounded
 * and docs/intake.md can explain each one. The code is what clients and dashboards see.
 */
public enum RejectionReason {
    BODY_TOO_LARGE(413, Kind.TRANSPORT),
    IP_NOT_ALLOWED(403, Kind.IP),
    RATE_LIMITED(429, Kind.RATE),
    UNSUPPORTED_MEDIA_TYPE(415, Kind.TRANSPORT),
    INCOMPLETE_BODY(400, Kind.VALIDATION),
    EMPTY_BODY(400, Kind.VALIDATION),
    MALFORMED_JSON(400, Kind.VALIDATION),
    NOT_A_JSON_OBJECT(400, Kind.VALIDATION),
    UNRENDERED_PLACEHOLDER(422, Kind.VALIDATION),
    AUTHENTICATION_FAILED(401, Kind.AUTHENTICATION),
    INVALID_TIMESTAMP(422, Kind.VALIDATION),
    TIMESTAMP_TOO_OLD(422, Kind.VALIDATION),
    TIMESTAMP_IN_FUTURE(422, Kind.VALIDATION),
    MISSING_SYMBOL(422, Kind.VALIDATION),
    INVALID_SYMBOL(422, Kind.VALIDATION),
    PERPETUAL_NOT_SUPPORTED(422, Kind.VALIDATION),
    MISSING_ACTION(422, Kind.VALIDATION),
    INVALID_ACTION(422, Kind.VALIDATION),
    MISSING_QUANTITY(422, Kind.VALIDATION),
    INVALID_QUANTITY(422, Kind.VALIDATION),
    QUANTITY_IS_NAN(422, Kind.VALIDATION),
    INVALID_ORDER_TYPE(422, Kind.VALIDATION),
    MISSING_PRICE(422, Kind.VALIDATION),
    INVALID_PRICE(422, Kind.VALIDATION),
    PRICE_IS_NAN(422, Kind.VALIDATION),
    INVALID_CONFIDENCE(422, Kind.VALIDATION),
    CONFIDENCE_IS_NAN(422, Kind.VALIDATION),
    INVALID_EXCHANGE(422, Kind.VALIDATION),
    EXCHANGE_NOT_CONFIGURED(422, Kind.VALIDATION),
    INVALID_ID(422, Kind.VALIDATION),
    INVALID_STRATEGY(422, Kind.VALIDATION),
    INVALID_SENTIMENT(422, Kind.VALIDATION),
    INVALID_QUANTITY_TYPE(422, Kind.VALIDATION),
    QUANTITY_TYPE_NOT_ALLOWED(422, Kind.VALIDATION),
    PERCENT_OUT_OF_RANGE(422, Kind.VALIDATION),
    INVALID_STOP_LOSS(422, Kind.VALIDATION),
    INVALID_TAKE_PROFIT(422, Kind.VALIDATION),
    STOP_LOSS_NOT_BELOW_PRICE(422, Kind.VALIDATION),
    TAKE_PROFIT_NOT_ABOVE_PRICE(422, Kind.VALIDATION),
    STOP_LOSS_NOT_BELOW_TAKE_PROFIT(422, Kind.VALIDATION),
    PROTECTION_NOT_ALLOWED(422, Kind.VALIDATION),
    CONFIDENCE_BELOW_THRESHOLD(200, Kind.IGNORED),
    NO_POSITION(200, Kind.IGNORED),
    SHORT_NOT_SUPPORTED(200, Kind.IGNORED),
    UNSUPPORTED_QUOTE_CURRENCY(422, Kind.VALIDATION),
    NO_USABLE_PRICE(422, Kind.VALIDATION),
    ORDER_TOO_LARGE(422, Kind.VALIDATION),
    TRADING_HALTED(503, Kind.UNAVAILABLE),
    NOT_READY(503, Kind.UNAVAILABLE),
    STORE_UNAVAILABLE(503, Kind.UNAVAILABLE),
    QUEUE_FULL(503, Kind.UNAVAILABLE);

    /** Which counter, besides the request counter, a rejection feeds. */
    public enum Kind { TRANSPORT, IP, RATE, VALIDATION, AUTHENTICATION, IGNORED, UNAVAILABLE }

    private final int httpStatus;
    private final Kind kind;

    RejectionReason(int httpStatus, Kind kind) {
        this.httpStatus = httpStatus;
        this.kind = kind;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return name().toLowerCase();
    }

    /** The answer to a refusal of the risk check; a new denial reason does not compile until it has one. */
    public static RejectionReason of(DenialReason denial) {
        return switch (denial) {
            case UNSUPPORTED_QUOTE_CURRENCY -> UNSUPPORTED_QUOTE_CURRENCY;
            case NO_USABLE_PRICE -> NO_USABLE_PRICE;
            case ORDER_TOO_LARGE -> ORDER_TOO_LARGE;
        };
    }
}
