package com.fks.execution.order;

import com.fks.execution.config.Settings;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride.Override;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class ClosedH2ConnectionEvictionTest {
    private final ClosedH2ConnectionEviction eviction = new ClosedH2ConnectionEviction();

    @Test
    void shouldEvictConnectionsToADatabaseH2HasClosed() {
        assertThat(eviction.adjudicate(new SQLException("The database has been closed", "90098", 90098)))
                .isEqualTo(Override.MUST_EVICT);
        assertThat(eviction.adjudicate(new SQLException("General error: Writing to file failed", "HY000", 50000)))
                .isEqualTo(Override.MUST_EVICT);
    }

    @Test
    void shouldFindTheClosedDatabaseBehindAWrappingException() {
        SQLException wrapped = new SQLException("batch failed", "XX000", 1,
                new SQLException("The database has been closed", "90098", 90098));
        assertThat(eviction.adjudicate(wrapped)).isEqualTo(Override.MUST_EVICT);
    }

    @Test
    void shouldLeaveOrdinaryStatementErrorsToThePool() {
        assertThat(eviction.adjudicate(new SQLException("Unique index violation", "23505", 23505)))
                .isEqualTo(Override.CONTINUE_EVICT);
        assertThat(eviction.adjudicate(new SQLException("Lock timeout", "HYT00", 50200)))
                .isEqualTo(Override.CONTINUE_EVICT);
    }

    @Test
    void shouldLendAFreshConnectionOnceOneHasFoundTheDatabaseClosed(@TempDir Path dataDir) throws Exception {
        // given the store's pool, several of its connections idle and recently used
        try (HikariDataSource pool = Database.open(new Settings.Database(null, null, null), dataDir)) {
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                held.add(pool.getConnection());
            }
            for (Connection c : held) {
                c.close();
            }
            // when H2 closes its database under them (as after a failed write), and one connection finds out
            Connection first = pool.getConnection();
            first.createStatement().execute("SHUTDOWN");
            assertThatThrownBy(first::close).isInstanceOf(SQLException.class);

            // then every later borrower gets a connection that works (a fresh one opens the database again),
            // not one of the dead ones that were idle
            for (int i = 0; i < 6; i++) {
                try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                    assertThat(s.executeQuery("SELECT COUNT(*) FROM orders").next()).isTrue();
                }
            }
        }
    }
}
