package com.fks.execution.order;

import com.zaxxer.hikari.SQLExceptionOverride.Override;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

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
}
