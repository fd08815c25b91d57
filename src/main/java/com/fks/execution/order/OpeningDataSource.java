package com.fks.execution.order;

import com.fks.execution.config.Settings;
import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The store's data source while it is being opened: the pool and the schema migration (about a second on two
 * cores) run on their own thread while the rest of the service is built and its HTTP servers start, and a
 * caller that needs a connection first waits for the opening to finish.
 */
public final class OpeningDataSource implements DataSource, AutoCloseable {
    private final CompletableFuture<HikariDataSource> opening;

    private OpeningDataSource(CompletableFuture<HikariDataSource> opening) {
        this.opening = opening;
    }

    /** Starts opening the store ({@link Database#open}) on a thread of its own. */
    public static OpeningDataSource open(Settings.Database settings, Path dataDir) {
        return open("store-open", () -> Database.open(settings, dataDir));
    }

    /** Starts opening a database with {@code opener} on a thread of its own. */
    public static OpeningDataSource open(String threadName, Supplier<HikariDataSource> opener) {
        CompletableFuture<HikariDataSource> opening = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                opening.complete(opener.get());
            } catch (Throwable e) {
                opening.completeExceptionally(e);
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
        return new OpeningDataSource(opening);
    }

    /** Waits until the store is open and migrated; throws what made the opening fail. */
    public HikariDataSource await() {
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new StoreUnavailableException("cannot open the store: " + e.getCause(), e.getCause());
        }
    }

    private DataSource opened() throws SQLException {
        try {
            return await();
        } catch (RuntimeException e) {
            throw new SQLException("the store could not be opened: " + e.getMessage(), "08001", e);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return opened().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return opened().getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return opened().getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        opened().setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        opened().setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return opened().getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging here");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : opened().unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || opened().isWrapperFor(type);
    }

    /** Closes the pool, once the opening has finished; an opening that failed has nothing to close. */
    @Override
    public void close() {
        HikariDataSource opened;
        try {
            opened = await();
        } catch (RuntimeException e) {
            return;
        }
        opened.close();
    }
}
