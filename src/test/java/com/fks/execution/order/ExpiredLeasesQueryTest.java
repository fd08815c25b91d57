package com.fks.execution.order;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On PostgreSQL, looking for orders whose lease ran out (every replica does, every few seconds) does not read the
 * versions whose lease is still running: a database where 30,000 orders have just gone through ACCEPTED and
 * SUBMITTING to FILLED, not yet vacuumed, so the index on (status, lease_until) still holds an entry for each of
 * those versions, their leases not yet run out, and three orders are open. Written with
 * {@code lease_until IS NULL OR lease_until < ?}, as before, the query read every such entry: about 1,300 pages
 * here.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
final class ExpiredLeasesQueryTest {
    private static final Duration DAY = Duration.ofHours(24);
    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");
    /** Pages a scan of three open orders may touch: the index's path and their heap pages, with room to spare. */
    private static final int FEW_PAGES = 50;
    private static final Pattern BUFFERS = Pattern.compile("Buffers: shared(?: hit=(\\d+))?(?: read=(\\d+))?");
    private static HikariDataSource pool;
    private static JdbcOrderStore store;

    @BeforeAll
    static void history() throws SQLException {
        pool = TestDatabases.freshPostgres("expired_leases");
        store = new JdbcOrderStore(pool, pool);
        // Nothing vacuums the versions away while the test looks.
        sql("ALTER TABLE orders SET (autovacuum_enabled = false)");
        long t0 = T0.toEpochMilli();
        long leaseEnd = T0.plus(DAY).toEpochMilli();
        sql("INSERT INTO orders (order_id, alert_id, client_order_id, exchange, symbol, side, order_type, quantity, "
                + "status, attempts, received_at, updated_at, lease_owner, lease_until) "
                + "SELECT 'old-' || g, 'alert-old-' || g, 'fksold-' || g, 'paper', 'ETHUSDT', 'BUY', 'MARKET', 1, "
                + "'ACCEPTED', 0, " + t0 + " - g, " + t0 + " - g, 'replica-a', " + leaseEnd + " "
                + "FROM generate_series(1, 30000) AS g");
        sql("UPDATE orders SET status = 'SUBMITTING', attempts = 1 WHERE order_id LIKE 'old-%'");
        sql("UPDATE orders SET status = 'FILLED', executed_quantity = 1, average_price = 100, "
                + "positioned_quantity = 1, positioned_cost = 100, lease_owner = NULL, lease_until = NULL "
                + "WHERE order_id LIKE 'old-%'");
        store.record(order("held"), "replica-a", T0.plus(DAY), DAY);
        store.record(order("resting"), "replica-a", T0.plus(DAY), DAY);
        store.record(order("orphan"), "replica-gone", T0.minusSeconds(1), DAY);
        sql("ANALYZE orders");
    }

    @AfterAll
    static void close() {
        store.close();
        pool.close();
    }

    @Test
    void shouldClaimOnlyTheOpenOrderWhoseLeaseRanOut() {
        assertThat(store.claimExpired("replica-b", T0, T0.plus(DAY), 100)).containsExactly("orphan");
    }

    @Test
    void shouldFindExpiredLeasesInAFewPagesWhateverJustWentFinal() throws SQLException {
        // as planned for the values, and as a prepared statement reused on a connection is planned (generic)
        for (boolean generic : new boolean[] {false, true}) {
            String plan = plan(JdbcOrderStore.EXPIRED_LEASES, generic, T0.toEpochMilli(), 100);
            assertThat(pagesTouched(plan)).as(plan).isLessThan(FEW_PAGES);
        }
    }

    /**
     * The query run as a prepared statement with the values, explained with what it touched: {@code generic}, with
     * the plan a statement reused on a connection gets (the values unknown); otherwise the plan made for them.
     */
    private static String plan(String query, boolean generic, Object... values) throws SQLException {
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char ch : query.toCharArray()) {
            numbered.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
        }
        StringBuilder literals = new StringBuilder();
        for (Object v : values) {
            literals.append(literals.length() == 0 ? "" : ", ")
                    .append(v instanceof String text ? "'" + text + "'" : String.valueOf(v));
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("PREPARE planned AS " + numbered);
            try {
                s.execute("SET plan_cache_mode = " + (generic ? "force_generic_plan" : "force_custom_plan"));
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) EXECUTE planned (" + literals + ")")) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                return plan.toString();
            } finally {
                s.execute("RESET plan_cache_mode");
                s.execute("DEALLOCATE planned");
            }
        }
    }

    /** The shared pages of the plan's first Buffers line: the top node's, everything the query touched. */
    private static int pagesTouched(String plan) {
        Matcher m = BUFFERS.matcher(plan);
        assertThat(m.find()).as("buffers in %s", plan).isTrue();
        return (m.group(1) == null ? 0 : Integer.parseInt(m.group(1)))
                + (m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
    }

    private static NewOrder order(String id) {
        return new NewOrder(id, "alert-" + id, "fks" + id, "paper", "ETHUSDT", Side.BUY, OrderType.MARKET,
                BigDecimal.TEN, null, null, "trend", "{}", T0);
    }

    private static void sql(String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
