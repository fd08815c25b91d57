package spike;

import java.nio.charset.StandardCharsets;

/** An order's accepted event as the journal would hold it: ids plus the alert as received (~400 bytes of JSON). */
final class OrderEvent {
    private OrderEvent() {
    }

    static byte[] accepted(int thread, long n) {
        String alertId = "ema-cross-" + thread + "-" + n;
        String alert = "{\"secret\":\"0123456789abcdef0123456789abcdef\",\"id\":\"" + alertId
                + "\",\"symbol\":\"BINANCE:BTCUSDT\",\"action\":\"buy\",\"quantity\":0.0125,\"price\":97342.15,"
                + "\"timestamp\":\"2026-11-30T19:30:00Z\",\"strategy\":\"ema-cross\",\"rsi\":61.82,"
                + "\"order_type\":\"limit\",\"time_in_force\":\"GTC\",\"take_profit\":{\"percent\":2.5},"
                + "\"stop_loss\":{\"type\":\"stop\",\"percent\":1.2},\"comment\":\"long entry on 15m close above ema 21\"}";
        String event = "{\"type\":\"accepted\",\"seq\":" + n + ",\"order_id\":\"ord-" + thread + "-" + n
                + "-7f3a9c2e\",\"client_order_id\":\"fks-" + thread + "-" + n + "-b81d4e60a5c9\",\"alert_id\":\""
                + alertId + "\",\"exchange\":\"paper\",\"received_at\":\"2026-11-30T19:30:00.123456Z\","
                + "\"accepted_at\":\"2026-11-30T19:30:00.123789Z\",\"source_ip\":\"52.89.214.238\",\"alert\":"
                + alert + "}";
        return event.getBytes(StandardCharsets.UTF_8);
    }
}
