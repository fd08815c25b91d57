package com.fks.execution.order;

import com.fks.execution.config.Settings;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The two databases the JDBC store runs on: H2 in the test's folder, and one embedded PostgreSQL for the whole
 * test run (started on first use, stopped with the JVM; tests keep apart by their own ids).
 */
final class TestDatabases {
    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    static HikariDataSource open(String kind, Path folder) {
        return switch (kind) {
            case "h2" -> Database.open(new Settings.Database(null, null, null), folder);
            case "postgresql" -> Database.open(new Settings.Database(postgresUrl(), "postgres", null), folder);
            default -> throw new IllegalArgumentException("no database " + kind);
        };
    }

    /**
     * A new, empty PostgreSQL database on the shared server, for a test that needs fixed ids (a contract's
     * "o1"); the store on it migrates it as on a fresh install.
     */
    static HikariDataSource freshPostgres(String name) {
        postgresUrl();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return openPostgres(name);
    }

    /** The database {@link #freshPostgres} made, again. */
    static HikariDataSource openPostgres(String name) {
        return Database.open(new Settings.Database(postgres.getJdbcUrl("postgres", name), "postgres", null),
                Path.of("unused"));
    }

    private static synchronized String postgresUrl() {
        if (postgres == null) {
            try {
                // Durability is not under test; fsync off spares the shared machine.
                postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off")
                        .setServerConfig("full_page_writes", "off").start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is stopping
                }
            }, "test-postgres-stop"));
        }
        return postgres.getJdbcUrl("postgres", "postgres");
    }
}
