package com.fks.execution.order;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs writes from many threads in shared transactions: one thread takes whatever writes are waiting,
 * runs each inside its own savepoint, and commits them together (group commit). A commit is what a durable
 * write costs; grouping keeps that cost per group instead of per write, while each caller still returns only
 * after its own write is committed. A write that fails alone is rolled back to its savepoint alone.
 *
 * <p>A write must not catch an SQLException and carry on in the same transaction (PostgreSQL refuses every
 * statement after an error until a rollback): a write that expects a failure takes its own savepoint.
 */
public final class GroupCommitWriter implements AutoCloseable {
    /** Longer than a healthy commit by far, short enough to answer inside TradingView's 3 s. */
    public static final Duration WRITE_TIMEOUT = Duration.ofMillis(2500);
    private static final int MAX_GROUP = 256;

    /** One write, run inside the group's transaction. */
    public interface Write<T> {
        T run(Connection connection) throws SQLException;
    }

    private record Pending<T>(String what, Write<T> write, CompletableFuture<T> result) {
        void run(Connection c, List<Runnable> onCommit) throws SQLException {
            T value = write.run(c);
            onCommit.add(() -> result.complete(value));
        }
    }

    private final DataSource dataSource;
    private final LinkedBlockingQueue<Pending<?>> waiting = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    public GroupCommitWriter(DataSource dataSource, String name) {
        this.dataSource = dataSource;
        this.writer = new Thread(this::writeLoop, name);
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Runs the write and returns once it is committed. Throws {@link StoreUnavailableException} when it failed
     * or was not committed within {@link #WRITE_TIMEOUT} (it may then still commit later: callers make such a
     * late write harmless, see the store's uses).
     */
    public <T> T write(String what, Write<T> write) {
        if (closed) {
            throw new StoreUnavailableException("the store is closed", null);
        }
        Pending<T> pending = new Pending<>(what, write, new CompletableFuture<>());
        waiting.add(pending);
        try {
            return pending.result().get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreUnavailableException unavailable) {
                throw unavailable;
            }
            throw new StoreUnavailableException("store failed while " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("the store did not commit " + what + " within "
                    + WRITE_TIMEOUT.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while " + what, e);
        }
    }

    private void writeLoop() {
        List<Pending<?>> group = new ArrayList<>();
        while (!closed || !waiting.isEmpty()) {
            Pending<?> first;
            try {
                first = waiting.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                continue;
            }
            group.add(first);
            waiting.drainTo(group, MAX_GROUP - 1);
            writeGroup(group);
            group.clear();
        }
        StoreUnavailableException closedError = new StoreUnavailableException("the store is closed", null);
        waiting.forEach(p -> p.result().completeExceptionally(closedError));
    }

    private void writeGroup(List<Pending<?>> group) {
        List<Runnable> onCommit = new ArrayList<>(group.size());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (Pending<?> pending : group) {
                    Savepoint before = c.setSavepoint();
                    try {
                        pending.run(c, onCommit);
                    } catch (SQLException | RuntimeException e) {
                        c.rollback(before);
                        StoreUnavailableException failure = new StoreUnavailableException(
                                "store failed while " + pending.what() + ": " + e.getMessage(), e);
                        onCommit.add(() -> pending.result().completeExceptionally(failure));
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is broken; the pool drops it
                }
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            StoreUnavailableException failure = new StoreUnavailableException(
                    "store failed to commit " + group.size() + " writes: " + e.getMessage(), e);
            group.forEach(p -> p.result().completeExceptionally(failure));
            return;
        }
        onCommit.forEach(Runnable::run);
    }

    /** Finishes the writes already waiting, then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(WRITE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
