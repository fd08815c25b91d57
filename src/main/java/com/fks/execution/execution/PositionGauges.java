package com.fks.execution.execution;

import com.fks.execution.metrics.ExecutionMetrics;
import com.fks.execution.order.OrderStore;
import com.fks.execution.order.Position;
import com.fks.execution.order.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps execution_position_quantity in step with the store: a fill marks its symbol, and the marked symbols' positions
 * are read again on the next refresh, off the engine's workers (a position is a read over the symbol's fills).
 */
final class PositionGauges {
    private static final Logger log = LoggerFactory.getLogger(PositionGauges.class);
    private static final String ALL = "\u0000all";

    private final OrderStore store;
    private final ExecutionMetrics metrics;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();

    PositionGauges(OrderStore store, ExecutionMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
        dirty.add(ALL);
    }

    void filled(String exchange, String symbol) {
        dirty.add(exchange + '\u0000' + symbol);
    }

    void refresh() {
        if (dirty.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(dirty);
        dirty.removeAll(keys);
        try {
            if (keys.contains(ALL)) {
                publish(store.positions(null, null));
                return;
            }
            for (String key : keys) {
                int split = key.indexOf('\u0000');
                publish(store.positions(key.substring(0, split), key.substring(split + 1)));
            }
        } catch (StoreUnavailableException e) {
            dirty.addAll(keys);
            log.warn("could not read positions for the metrics: {}", e.getMessage());
        }
    }

    private void publish(List<Position> positions) {
        for (Position p : positions) {
            metrics.position(p.exchange(), p.symbol(), p.strategy(), p.quantity().doubleValue());
        }
    }
}
