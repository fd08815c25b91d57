package com.fks.execution.order;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * What an order asks beyond buy or sell N: its kind, what its quantity counts, the protection to place once it
 * has filled, and for a protection order its trigger price and the entry it protects.
 *
 * <p>Kept with the order as one short text ({@link #encode()}), null for a plain entry in base units, so the
 * orders of earlier versions read as they were.
 *
 * @param parentOrderId the entry a protection order protects; null otherwise
 * @param stopPrice     a protection order's stop-loss trigger (its {@code price} is the take-profit)
 */
public record OrderTerms(OrderKind kind, QuantityType quantityType, PriceLevel stopLoss, PriceLevel takeProfit,
                         String parentOrderId, BigDecimal stopPrice) {

    public static final OrderTerms ENTRY = new OrderTerms(OrderKind.ENTRY, QuantityType.BASE, null, null, null, null);

    public OrderTerms {
        kind = kind == null ? OrderKind.ENTRY : kind;
        quantityType = quantityType == null ? QuantityType.BASE : quantityType;
    }

    public static OrderTerms of(OrderKind kind, QuantityType quantityType) {
        return new OrderTerms(kind, quantityType, null, null, null, null);
    }

    public boolean wantsProtection() {
        return stopLoss != null || takeProfit != null;
    }

    public OrderTerms withQuantityType(QuantityType type) {
        return new OrderTerms(kind, type, stopLoss, takeProfit, parentOrderId, stopPrice);
    }

    /** Null for {@link #ENTRY}; else fields as {@code k=exit;q=quote;sl=%2.5;tp=p52000;parent=…;stop=…}. */
    public String encode() {
        if (equals(ENTRY)) {
            return null;
        }
        StringBuilder text = new StringBuilder("k=").append(kind.label());
        if (quantityType != QuantityType.BASE) {
            text.append(";q=").append(quantityType.name().toLowerCase(Locale.ROOT));
        }
        if (stopLoss != null) {
            text.append(";sl=").append(stopLoss.encode());
        }
        if (takeProfit != null) {
            text.append(";tp=").append(takeProfit.encode());
        }
        if (parentOrderId != null) {
            text.append(";parent=").append(parentOrderId);
        }
        if (stopPrice != null) {
            text.append(";stop=").append(stopPrice.toPlainString());
        }
        return text.toString();
    }

    public static OrderTerms decode(String text) {
        if (text == null || text.isEmpty()) {
            return ENTRY;
        }
        OrderKind kind = OrderKind.ENTRY;
        QuantityType quantityType = QuantityType.BASE;
        PriceLevel stopLoss = null;
        PriceLevel takeProfit = null;
        String parent = null;
        BigDecimal stop = null;
        for (String field : text.split(";")) {
            int eq = field.indexOf('=');
            String name = field.substring(0, eq);
            String value = field.substring(eq + 1);
            switch (name) {
                case "k" -> kind = OrderKind.valueOf(value.toUpperCase(Locale.ROOT));
                case "q" -> quantityType = QuantityType.valueOf(value.toUpperCase(Locale.ROOT));
                case "sl" -> stopLoss = PriceLevel.decode(value);
                case "tp" -> takeProfit = PriceLevel.decode(value);
                case "parent" -> parent = value;
                case "stop" -> stop = new BigDecimal(value);
                default -> {
                    // A field of a later version: ignored, as the journal's readers ignore trailing fields.
                }
            }
        }
        return new OrderTerms(kind, quantityType, stopLoss, takeProfit, parent, stop);
    }
}
