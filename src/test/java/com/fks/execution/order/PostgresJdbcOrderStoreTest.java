package com.fks.execution.order;

import com.zaxxer.hikari.HikariDataSource;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDBC store on PostgreSQL keeps the same contract as on H2: its group writes are statements of their own
 * there (ON CONFLICT, UPDATE ... FROM, RETURNING) and its positions are rows ({@link PositionRows}). Each test
 * gets a database of its own on the shared server.
 */
final class PostgresJdbcOrderStoreTest extends OrderStoreContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private String database;

    @Override
    protected OrderStore open() {
        HikariDataSource dataSource;
        if (database == null) {
            database = "contract_" + DATABASES.incrementAndGet();
            dataSource = TestDatabases.freshPostgres(database);
        } else {
            dataSource = TestDatabases.openPostgres(database);
        }
        return new JdbcOrderStore(dataSource, dataSource);
    }
}
