package com.fks.execution.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.order.Order;
import com.fks.execution.order.OrderEvent;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How /orders shows an order: its state, the time of each step, and the alert as kept (no secret in it). */
final class OrderView {
    private OrderView() {
    }

    static Map<String, Object> of(Order o, ObjectMapper mapper, boolean withHistory) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("order_id", o.orderId());
        view.put("alert_id", o.alertId());
        view.put("client_order_id", o.clientOrderId());
        view.put("exchange", o.exchange());
        view.put("symbol", o.symbol());
        view.put("side", o.side().name().toLowerCase(Locale.ROOT));
        view.put("order_type", o.type().name().toLowerCase(Locale.ROOT));
        view.put("kind", o.kind().label());
        view.put("quantity_type", o.terms().quantityType().name().toLowerCase(Locale.ROOT));
        if (o.terms().parentOrderId() != null) {
            view.put("protects", o.terms().parentOrderId());
        }
        if (o.terms().stopPrice() != null) {
            view.put("stop_price", o.terms().stopPrice().toPlainString());
        }
        view.put("quantity", plain(o.quantity()));
        view.put("price", plain(o.price()));
        view.put("confidence", plain(o.confidence()));
        view.put("strategy", o.strategy());
        view.put("status", o.status().name());
        view.put("reason", o.reason());
        view.put("detail", o.detail());
        view.put("exchange_order_id", o.exchangeOrderId());
        view.put("executed_quantity", plain(o.executedQuantity()));
        view.put("average_price", plain(o.averagePrice()));
        view.put("attempts", o.attempts());
        view.put("received_at", o.receivedAt().toString());
        view.put("updated_at", o.updatedAt().toString());
        if (withHistory) {
            Map<String, String> timestamps = new LinkedHashMap<>();
            List<Map<String, Object>> history = new ArrayList<>();
            for (OrderEvent e : o.events()) {
                timestamps.putIfAbsent(e.status().toLowerCase(Locale.ROOT), e.at().toString());
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("status", e.status());
                step.put("at", e.at().toString());
                if (e.detail() != null) {
                    step.put("detail", e.detail());
                }
                history.add(step);
            }
            view.put("timestamps", timestamps);
            view.put("history", history);
            view.put("alert", parse(o.alertJson(), mapper));
        }
        return view;
    }

    private static String plain(BigDecimal value) {
        return value == null ? null : value.toPlainString();
    }

    private static JsonNode parse(String json, ObjectMapper mapper) {
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            return null;
        }
    }
}
