package com.fks.execution.order;

import com.fks.execution.config.Settings;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/** Opens the pooled connection to H2 (embedded) or PostgreSQL and brings the schema up to date. */
public final class Database {
    private Database() {
    }

    public static HikariDataSource open(Settings.Database settings, Path dataDir) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("fks-store");
        ClosedH2ConnectionEviction eviction = new ClosedH2ConnectionEviction();
        if (settings.isEmbedded()) {
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new StoreUnavailableException("cannot create DATA_DIR " + dataDir + ": " + e.getMessage(), e);
            }
            // The SQL tables an earlier version kept its order view (or, before the journal, the whole store) in:
            // opened and migrated so the journal's view (order.journal.MapOrderView) can take them over on its
            // first start, and the paper book the fills they hold; read then, never written after. FILE_LOCK=FILE:
            // a second process on the same folder is refused. CACHE_SIZE (KiB) small: nothing here is read twice.
            config.setJdbcUrl("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("fks-execution")
                    + ";WRITE_DELAY=0;FILE_LOCK=FILE;LOCK_TIMEOUT=5000;CACHE_SIZE=1024");
            config.setUsername("sa");
            config.setPassword("");
            config.setMaximumPoolSize(8);
            config.setExceptionOverride(eviction);
        } else {
            config.setJdbcUrl(settings.url());
            if (settings.user() != null) {
                config.setUsername(settings.user());
            }
            if (settings.password() != null) {
                config.setPassword(settings.password().value());
            }
            config.setMaximumPoolSize(10);
            // A JDBC batch of inserts (the paper book's orders of a group) goes as multi-row INSERTs: one
            // statement for the group instead of one execution per row.
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        // Fail fast: a request waiting on a dead database answers 503 quickly instead of timing out TradingView.
        // With PostgreSQL down every borrow waits this long, and a webhook can wait on three (the kill switch
        // refresh; its record, queued behind a group already waiting for a connection) inside TradingView's 3 s
        // budget: 3 x 1 s was measured at 3,007 ms.
        config.setConnectionTimeout(750);
        config.setValidationTimeout(500);
        config.setInitializationFailTimeout(10_000);
        HikariDataSource dataSource = new HikariDataSource(config);
        eviction.evictingAllOf(dataSource.getHikariPoolMXBean());
        migrate(dataSource, settings.isEmbedded());
        if (settings.isEmbedded()) {
            refuseReadOnly(dataSource, dataDir);
        }
        return dataSource;
    }

    /**
     * H2 opens a store file it may not write read-only, without an error; the service would then start and
     * refuse every alert. Better to stop at start with the reason.
     */
    private static void refuseReadOnly(HikariDataSource dataSource, Path dataDir) {
        boolean readOnly;
        try (Connection c = dataSource.getConnection()) {
            readOnly = c.getMetaData().isReadOnly();
        } catch (SQLException e) {
            dataSource.close();
            throw new StoreUnavailableException("cannot check the store in " + dataDir + ": " + e.getMessage(), e);
        }
        if (readOnly) {
            dataSource.close();
            throw new StoreUnavailableException("the store in DATA_DIR " + dataDir.toAbsolutePath()
                    + " is read-only (its file or file system cannot be written): alerts could not be recorded", null);
        }
    }

    /**
     * The shared schema, and the migrations of one database only: {@code db/h2} on H2 (the embedded store's
     * view), {@code db/postgresql} on PostgreSQL. A version used in one of the three folders is never reused in
     * another, so each database simply never sees the other's.
     */
    public static void migrate(DataSource dataSource, boolean embedded) {
        Flyway.configure().dataSource(dataSource)
                .locations(embedded ? new String[]{"classpath:db/migration", "classpath:db/h2"}
                        : new String[]{"classpath:db/migration", "classpath:db/postgresql"})
                .load().migrate();
    }
}
