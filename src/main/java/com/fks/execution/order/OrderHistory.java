package com.fks.execution.order;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An order's history as text in one column (orders.history), one step a line: {@code STATUS<tab>epoch
 * millis<tab>detail}, with backslash, tab and newline escaped. The embedded store's view writes it so that
 * an order's whole life is one row written once or twice, not a row per step.
 */
public final class OrderHistory {
    private OrderHistory() {
    }

    /** Appends one step, newline-terminated. */
    public static void append(StringBuilder history, String status, long atMillis, CharSequence detail) {
        history.append(status).append('\t').append(atMillis).append('\t');
        if (detail != null) {
            for (int i = 0; i < detail.length(); i++) {
                char c = detail.charAt(i);
                switch (c) {
                    case '\\' -> history.append("\\\\");
                    case '\t' -> history.append("\\t");
                    case '\n' -> history.append("\\n");
                    default -> history.append(c);
                }
            }
        } else {
            history.append('\u0000');
        }
        history.append('\n');
    }

    public static List<OrderEvent> parse(String history) {
        List<OrderEvent> events = new ArrayList<>();
        if (history == null) {
            return events;
        }
        int start = 0;
        while (start < history.length()) {
            int end = history.indexOf('\n', start);
            if (end < 0) {
                end = history.length();
            }
            int tab1 = history.indexOf('\t', start);
            int tab2 = history.indexOf('\t', tab1 + 1);
            String status = history.substring(start, tab1);
            long at = Long.parseLong(history.substring(tab1 + 1, tab2));
            String raw = history.substring(tab2 + 1, end);
            events.add(new OrderEvent(status, Instant.ofEpochMilli(at), raw.equals("\u0000") ? null : unescape(raw)));
            start = end + 1;
        }
        return events;
    }

    private static String unescape(String raw) {
        if (raw.indexOf('\\') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                char next = raw.charAt(++i);
                out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
