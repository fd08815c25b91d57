package com.fks.execution.order.journal;

import com.fks.execution.order.*;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.*;
import java.time.Instant;
import java.util.*;

/**
 * What one order costs the view as it is now (MapOrderView: plain MVStore maps), on one thread with nothing else
 * running: accepted, SUBMITTING and FILLED events of each order applied in batches, all in one batch (the common
 * case: the view gathers for 100 ms) or the fill in the next batch ("split"). The events are built before the
 * measured part; thread CPU and bytes allocated are the applying thread's own (ThreadMXBean).
 * Usage (scripts/bench/view-spike/run): java -cp fks-execution.jar:. com.fks.execution.order.journal.MapViewSpike
 * ORDERS BATCH whole|split
 */
public class MapViewSpike {
    static final com.sun.management.ThreadMXBean T = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    static String alert = "{\"alert_id\":\"%s\",\"exchange\":\"paper\",\"symbol\":\"BTCUSDT\",\"side\":\"buy\",\"order_type\":\"market\",\"quantity\":0.001,\"price\":30000.5,\"confidence\":0.9,\"strategy\":\"bench-strategy\",\"timestamp\":1796085812527,\"indicators\":{\"rsi\":55.1,\"macd\":0.12,\"ema_fast\":30010.2,\"ema_slow\":29950.7},\"comment\":\"some text to make the alert about four hundred bytes long, as a TradingView alert would be\"}";
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]); int batch = Integer.parseInt(a[1]); boolean split = a.length > 2 && a[2].equals("split");
        Path dir = Files.createTempDirectory("mvs");
        MapOrderView view = MapOrderView.open(dir.resolve("v.mv"), null);
        List<List<ViewProjector.Positioned>> batches = build(0, 30000, batch, split);
        for (var b : batches) view.apply(b);
        batches = build(30000, n, batch, split);
        long c0 = T.getCurrentThreadCpuTime(), b0 = T.getCurrentThreadAllocatedBytes();
        for (var b : batches) view.apply(b);
        long c1 = T.getCurrentThreadCpuTime(), b1 = T.getCurrentThreadAllocatedBytes();
        System.out.printf("maps n=%d batch=%d split=%s: cpu %.1f us/order, alloc %.2f KB/order, file %d KB%n", n, batch, split,
            (c1 - c0) / 1e3 / n, (b1 - b0) / 1024.0 / n, Files.size(dir.resolve("v.mv")) / 1024);
        view.close();
    }
    static List<List<ViewProjector.Positioned>> build(int from, int n, int batch, boolean split) {
        Instant t0 = Instant.parse("2026-12-01T06:00:00Z");
        List<List<ViewProjector.Positioned>> out = new ArrayList<>();
        List<ViewProjector.Positioned> cur = new ArrayList<>();
        List<ViewProjector.Positioned> pending = new ArrayList<>();
        long pos = (long) from * 1000;
        for (int i = from; i < from + n; i++) {
            String id = String.format("%012x%020d", t0.toEpochMilli() + i, i);
            NewOrder o = new NewOrder(id, "w-bench-" + i, "fks" + id, "paper", "BTCUSDT", Side.BUY, OrderType.MARKET,
                new BigDecimal("0.001"), new BigDecimal("30000.5"), new BigDecimal("0.9"), "bench-strategy", String.format(alert, "w-bench-" + i), t0.plusMillis(i));
            LiveOrder live = LiveOrder.accepted(o, t0, pos, "x", t0);
            cur.add(new ViewProjector.Positioned(new JournalEvent.Accepted(o, t0), ++pos, live.order()));
            OrderUpdate u1 = OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING);
            live = live.after(u1, t0, ++pos);
            List<ViewProjector.Positioned> target = split ? pending : cur;
            target.add(new ViewProjector.Positioned(new JournalEvent.Transitioned(id, u1, t0), pos, live.order()));
            OrderUpdate u2 = new OrderUpdate(OrderStatus.SUBMITTING, OrderStatus.FILLED, null, null, "p" + i, new BigDecimal("0.001"), new BigDecimal("30000.5"));
            live = live.after(u2, t0, ++pos);
            target.add(new ViewProjector.Positioned(new JournalEvent.Transitioned(id, u2, t0), pos, live.order()));
            if (cur.size() >= batch) { out.add(cur); cur = new ArrayList<>(pending); pending.clear(); }
        }
        cur.addAll(pending); out.add(cur);
        return out;
    }
}
