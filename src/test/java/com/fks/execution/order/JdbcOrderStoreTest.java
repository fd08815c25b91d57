package com.fks.execution.order;

import com.fks.execution.config.Settings;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JDBC store (PostgreSQL in production; here on H2, the same SQL) keeps the store contract. */
final class JdbcOrderStoreTest extends OrderStoreContract {

    @Test
    void shouldReportAReadOnlyStoreAsUnavailable() {
        // given the store's file opened read-only, as H2 does by itself with a file it may not write
        store.close();
        HikariDataSource readOnly = new HikariDataSource();
        readOnly.setJdbcUrl("jdbc:h2:file:" + tempDir.toAbsolutePath().resolve("fks-execution") + ";ACCESS_MODE_DATA=r");
        readOnly.setUsername("sa");
        readOnly.setPassword("");
        store = new JdbcOrderStore(readOnly, readOnly);

        // then a ping refuses it: it answers, but could record nothing
        assertThatThrownBy(store::ping).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("read-only");
    }

    @Override
    protected OrderStore open() {
        HikariDataSource dataSource = Database.open(new Settings.Database(null, null, null), tempDir);
        return new JdbcOrderStore(dataSource, dataSource);
    }
}
