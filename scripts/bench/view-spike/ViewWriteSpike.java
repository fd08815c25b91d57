import com.fks.execution.config.Settings;
import com.fks.execution.order.Database;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import javax.sql.DataSource;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.sql.*;

/**
 * What one order costs the embedded store's view, on one thread with nothing else running: the statements
 * ViewProjector runs today (sql: an order accepted and filled within one commit is one row; sql-split: accepted
 * in one commit, filled in the next), against the same data in plain MVStore maps with no SQL and no
 * transactions (mvstore). Thread CPU and bytes allocated are the calling thread's own (ThreadMXBean).
 * Usage (scripts/bench/view-spike/run): java -cp fks-execution.jar:. ViewWriteSpike MODE ORDERS BATCH
 */
public class ViewWriteSpike {
    static final com.sun.management.ThreadMXBean T = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    static String alert = "{\"alert_id\":\"%s\",\"exchange\":\"paper\",\"symbol\":\"BTCUSDT\",\"side\":\"buy\",\"order_type\":\"market\",\"quantity\":0.001,\"price\":30000.5,\"confidence\":0.9,\"strategy\":\"bench-strategy\",\"timestamp\":1796085812527,\"indicators\":{\"rsi\":55.1,\"macd\":0.12,\"ema_fast\":30010.2,\"ema_slow\":29950.7},\"comment\":\"some text to make the alert about four hundred bytes long, as a TradingView alert would be\"}";
    public static void main(String[] a) throws Exception {
        String mode = a[0]; int n = Integer.parseInt(a[1]); int batch = Integer.parseInt(a[2]);
        Path warm = Files.createTempDirectory("view-spike");
        run(mode, warm, 20000, batch); // warm-up: JIT
        delete(warm);
        Path dir = Files.createTempDirectory("view-spike");
        long c0 = T.getCurrentThreadCpuTime(), b0 = T.getCurrentThreadAllocatedBytes(), w0 = System.nanoTime();
        run(mode, dir, n, batch);
        long c1 = T.getCurrentThreadCpuTime(), b1 = T.getCurrentThreadAllocatedBytes(), w1 = System.nanoTime();
        System.out.printf("%s n=%d batch=%d: thread cpu %.1f us/order, wall %.1f us/order, allocated %.1f KB/order, file %d KB%n",
                mode, n, batch, (c1 - c0) / 1e3 / n, (w1 - w0) / 1e3 / n, (b1 - b0) / 1024.0 / n, du(dir) / 1024);
        delete(dir);
    }
    static void delete(Path d) throws Exception {
        try (var s = Files.walk(d)) { s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
    }
    static void run(String mode, Path dir, int n, int batch) throws Exception {
        switch (mode) {
            case "sql" -> sql(dir, n, batch, false);
            case "sql-split" -> sql(dir, n, batch, true);
            case "mvstore" -> mv(dir, n, batch);
            default -> throw new IllegalArgumentException("mode: sql, sql-split or mvstore");
        }
    }
    static long du(Path d) throws Exception { try (var s = Files.walk(d)) { return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum(); } }
    static String id(int i) { return String.format("%012x%020x", 1796085812527L + i / 5, (long) i * 7919); }

    static void sql(Path dir, int n, int batch, boolean split) throws Exception {
        DataSource ds = Database.open(new Settings.Database(null, null, null), dir);
        for (int start = 0; start < n; start += batch) {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO orders (order_id, alert_id, client_order_id, exchange, symbol, side, order_type, quantity, price, confidence, strategy, status, reason, detail, exchange_order_id, executed_quantity, average_price, attempts, received_at, updated_at, terms, history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                     PreparedStatement al = c.prepareStatement("INSERT INTO order_alerts (order_id, alert_json) VALUES (?, ?)");
                     PreparedStatement ids = c.prepareStatement("MERGE INTO alert_ids (alert_id, order_id, received_at) KEY (alert_id) VALUES (?, ?, ?)");
                     PreparedStatement cp = c.prepareStatement("MERGE INTO journal_checkpoint (checkpoint_id, journal_position) KEY (checkpoint_id) VALUES (1, ?)")) {
                    for (int i = start; i < Math.min(n, start + batch); i++) {
                        String o = id(i), alertId = "w-bench-" + i;
                        ins.setString(1, o); ins.setString(2, alertId); ins.setString(3, "fks" + o); ins.setString(4, "paper");
                        ins.setString(5, "BTCUSDT"); ins.setString(6, "BUY"); ins.setString(7, "MARKET"); ins.setBigDecimal(8, new BigDecimal("0.001"));
                        ins.setBigDecimal(9, new BigDecimal("30000.5")); ins.setBigDecimal(10, new BigDecimal("0.9")); ins.setString(11, "bench-strategy");
                        ins.setString(12, split ? "ACCEPTED" : "FILLED"); ins.setString(13, null); ins.setString(14, "filled 0.001 @ 30000.5"); ins.setString(15, "p" + i);
                        ins.setBigDecimal(16, new BigDecimal("0.001")); ins.setBigDecimal(17, new BigDecimal("30000.5")); ins.setInt(18, 1);
                        ins.setLong(19, 1796085812527L + i); ins.setLong(20, 1796085812530L + i); ins.setString(21, null);
                        ins.setString(22, "RECEIVED 1796085812527\nACCEPTED 1796085812528\nSUBMITTING 1796085812529\nSUBMITTED 1796085812529\nFILLED 1796085812530 filled");
                        ins.addBatch();
                        al.setString(1, o); al.setString(2, String.format(alert, alertId)); al.addBatch();
                        ids.setString(1, alertId); ids.setString(2, o); ids.setLong(3, 1796085812527L + i); ids.addBatch();
                    }
                    if (split && start > 0) {
                        try (PreparedStatement up = c.prepareStatement("UPDATE orders SET status = ?, reason = ?, detail = ?, exchange_order_id = ?, executed_quantity = ?, average_price = ?, attempts = ?, updated_at = ?, history = COALESCE(history, '') || ?, quantity = ?, terms = ? WHERE order_id = ?")) {
                            for (int i = start - batch; i < start; i++) {
                                up.setString(1, "FILLED"); up.setString(2, null); up.setString(3, "filled"); up.setString(4, "p" + i);
                                up.setBigDecimal(5, new BigDecimal("0.001")); up.setBigDecimal(6, new BigDecimal("30000.5")); up.setInt(7, 1);
                                up.setLong(8, 1796085812530L + i); up.setString(9, "\nSUBMITTING 1796085812529\nFILLED 1796085812530 filled");
                                up.setBigDecimal(10, new BigDecimal("0.001")); up.setString(11, null); up.setString(12, id(i)); up.addBatch();
                            }
                            up.executeBatch();
                        }
                    }
                    ins.executeBatch(); al.executeBatch(); ids.executeBatch(); cp.setLong(1, start); cp.executeUpdate();
                    c.commit();
                }
            }
        }
        ((AutoCloseable) ds).close();
    }

    static void mv(Path dir, int n, int batch) {
        MVStore s = new MVStore.Builder().fileName(dir.resolve("view.mv").toString()).autoCommitDisabled().cacheSize(16).open();
        MVMap<String, byte[]> orders = s.openMap("orders");
        MVMap<String, String> alertIds = s.openMap("alert_ids");
        MVMap<String, Long> meta = s.openMap("meta");
        for (int start = 0; start < n; start += batch) {
            for (int i = start; i < Math.min(n, start + batch); i++) {
                String o = id(i), alertId = "w-bench-" + i;
                StringBuilder sb = new StringBuilder(900);
                sb.append(o).append('\t').append(alertId).append('\t').append("fks").append(o).append("\tpaper\tBTCUSDT\tBUY\tMARKET\t0.001\t30000.5\t0.9\tbench-strategy\tFILLED\t\tfilled 0.001 @ 30000.5\tp").append(i)
                  .append("\t0.001\t30000.5\t1\t").append(1796085812527L + i).append('\t').append(1796085812530L + i).append("\t\t")
                  .append("RECEIVED 1796085812527\nACCEPTED 1796085812528\nSUBMITTING 1796085812529\nSUBMITTED 1796085812529\nFILLED 1796085812530 filled\t")
                  .append(String.format(alert, alertId));
                orders.put(o, sb.toString().getBytes(StandardCharsets.UTF_8));
                alertIds.put(alertId, o + (1796085812527L + i));
            }
            meta.put("checkpoint", (long) start);
            s.commit();
        }
        s.close();
    }
}
