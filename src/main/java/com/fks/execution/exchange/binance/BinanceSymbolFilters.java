package com.fks.execution.exchange.binance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fks.execution.exchange.InstrumentRules;
import com.fks.execution.order.OrderType;
import java.math.BigDecimal;

/**
 * The filters of one symbol from {@code GET /api/v3/exchangeInfo} that decide whether an order is valid
 * (binance-spot-api-docs, filters.md). LOT_SIZE applies to every order; MARKET_LOT_SIZE adds its own limits to
 * MARKET orders (its stepSize may be 0, meaning "no step of its own"). NOTIONAL replaced MIN_NOTIONAL; when
 * both are present NOTIONAL wins. A value of 0 disables a rule, as Binance documents. The symbol's base and quote
 * assets name its balances; the quote precision bounds the decimals of a {@code quoteOrderQty}.
 */
record BinanceSymbolFilters(String symbol, String status, String baseAsset, String quoteAsset,
                            Integer quotePrecision,
                            BigDecimal lotStep, BigDecimal lotMin, BigDecimal lotMax,
                            BigDecimal marketStep, BigDecimal marketMin, BigDecimal marketMax,
                            BigDecimal tickSize, BigDecimal minPrice, BigDecimal maxPrice,
                            BigDecimal minNotional, boolean minNotionalAppliesToMarket) {

    static BinanceSymbolFilters parse(JsonNode symbolNode) {
        String symbol = symbolNode.path("symbol").asText();
        String status = symbolNode.path("status").asText(null);
        String baseAsset = symbolNode.path("baseAsset").asText(null);
        String quoteAsset = symbolNode.path("quoteAsset").asText(null);
        // quoteAssetPrecision is the current field; quotePrecision is its deprecated twin.
        JsonNode precision = symbolNode.hasNonNull("quoteAssetPrecision") ? symbolNode.get("quoteAssetPrecision")
                : symbolNode.get("quotePrecision");
        Integer quotePrecision = precision != null && precision.canConvertToInt() ? precision.asInt() : null;
        BigDecimal lotStep = null, lotMin = null, lotMax = null;
        BigDecimal marketStep = null, marketMin = null, marketMax = null;
        BigDecimal tick = null, minPrice = null, maxPrice = null;
        BigDecimal notional = null, legacyNotional = null;
        boolean notionalToMarket = false, legacyToMarket = false;
        for (JsonNode filter : symbolNode.path("filters")) {
            switch (filter.path("filterType").asText()) {
                case "LOT_SIZE" -> {
                    lotStep = decimal(filter, "stepSize");
                    lotMin = decimal(filter, "minQty");
                    lotMax = decimal(filter, "maxQty");
                }
                case "MARKET_LOT_SIZE" -> {
                    marketStep = decimal(filter, "stepSize");
                    marketMin = decimal(filter, "minQty");
                    marketMax = decimal(filter, "maxQty");
                }
                case "PRICE_FILTER" -> {
                    tick = decimal(filter, "tickSize");
                    minPrice = decimal(filter, "minPrice");
                    maxPrice = decimal(filter, "maxPrice");
                }
                case "NOTIONAL" -> {
                    notional = decimal(filter, "minNotional");
                    notionalToMarket = filter.path("applyMinToMarket").asBoolean(false);
                }
                case "MIN_NOTIONAL" -> {
                    legacyNotional = decimal(filter, "minNotional");
                    legacyToMarket = filter.path("applyToMarket").asBoolean(false);
                }
                default -> {
                    // PERCENT_PRICE, ICEBERG_PARTS, MAX_NUM_ORDERS, ...: enforced by the exchange only.
                }
            }
        }
        boolean hasNotional = notional != null;
        return new BinanceSymbolFilters(symbol, status, baseAsset, quoteAsset, quotePrecision,
                lotStep, lotMin, lotMax, marketStep, marketMin, marketMax,
                tick, minPrice, maxPrice, hasNotional ? notional : legacyNotional,
                hasNotional ? notionalToMarket : legacyToMarket);
    }

    boolean isTrading() {
        return status == null || "TRADING".equals(status);
    }

    /**
     * The rules an order of this type must meet. For MARKET orders both lot filters hold, so the coarser step,
     * the higher minimum and the lower maximum are used (Binance's steps are powers of ten, so the coarser step is
     * a multiple of the finer one).
     */
    InstrumentRules rulesFor(OrderType type) {
        BigDecimal step = lotStep, min = lotMin, max = lotMax;
        if (type == OrderType.MARKET) {
            step = larger(step, marketStep);
            min = larger(min, marketMin);
            max = smallerEnabled(max, marketMax);
        }
        return new InstrumentRules(symbol, step, min, max, tickSize, minPrice, maxPrice, minNotional,
                minNotionalAppliesToMarket, baseAsset, quoteAsset);
    }

    private static BigDecimal decimal(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            return null;
        }
        return new BigDecimal(value.asText());
    }

    private static BigDecimal larger(BigDecimal a, BigDecimal b) {
        if (b == null || b.signum() == 0) {
            return a;
        }
        if (a == null || a.signum() == 0) {
            return b;
        }
        return a.max(b);
    }

    private static BigDecimal smallerEnabled(BigDecimal a, BigDecimal b) {
        if (b == null || b.signum() == 0) {
            return a;
        }
        if (a == null || a.signum() == 0) {
            return b;
        }
        return a.min(b);
    }
}
