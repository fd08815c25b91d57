package com.fks.execution.order;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Runs writes from many threads in shared transactions: one thread takes whatever writes are waiting and
 * commits them together (group commit). A commit is what a durable write costs; grouping keeps that cost per
 * group instead of per write, while each caller still returns only after its own write is committed.
 *
 * <p>Writes of one kind ({@link Batch}) run together as a few multi-row statements for the whole group rather
 * than a few statements each. There is no savepoint per write (on PostgreSQL each is a round trip and a
 * subtransaction, and past 64 in one transaction every other session's snapshots slow down): should a statement
 * of the group fail, the transaction is rolled back and each write of the group runs again alone, in a
 * transaction of its own, so one bad write fails alone. A deadlock or serialization failure runs the whole group
 * again. Every caller gets its result after the commit, or a {@link StoreUnavailableException}.
 *
 * <p>A write must not catch an SQLException and carry on in the same transaction (PostgreSQL refuses every
 * statement after an error until a rollback): a write that expects a failure takes its own savepoint.
 */
public final class GroupCommitWriter implements AutoCloseable {
    /** Longer than a healthy commit by far, short enough to answer inside TradingView's 3 s. */
    public static final Duration WRITE_TIMEOUT = Duration.ofMillis(2500);
    private static final int MAX_GROUP = 256;
    /** Runs of a group that met a deadlock or a serialization failure, before its callers are told it failed. */
    private static final int ATTEMPTS = 3;

    /** One write, run inside the group's transaction. */
    public interface Write<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Writes of one kind that run together: given every request of this kind in the group, in the order they
     * came, returns one result per request in the same order. Runs inside the group's transaction, and may run
     * again in a new one (after a deadlock, or alone after a failure of the group), so it keeps nothing from one
     * run to the next. Requests in one group came from callers all still waiting, so any order among them is
     * one they could have run in.
     */
    public interface Batch<R, T> {
        List<T> run(Connection connection, List<R> requests) throws SQLException;

        /**
         * Whether the batch runs after the group's others: one that locks rows every replica's groups want (a
         * position) holds them for less of the transaction.
         */
        default boolean last() {
            return false;
        }
    }

    /** The plain {@link Write}s of a group, one after the other. */
    private static final Batch<Write<?>, Object> ONE_BY_ONE = (c, writes) -> {
        List<Object> results = new ArrayList<>(writes.size());
        for (Write<?> write : writes) {
            results.add(write.run(c));
        }
        return results;
    };

    private record Pending<R, T>(String what, Batch<R, T> batch, R request, CompletableFuture<T> result) {
        @SuppressWarnings("unchecked")
        void complete(Object value) {
            result.complete((T) value);
        }
    }

    /** Why a group did not commit, and so whether it may run again. */
    private record Failure(Exception cause, boolean beforeCommit, boolean connectionLost) {
        boolean conflict() {
            return beforeCommit && !connectionLost && cause instanceof SQLException e && e.getSQLState() != null
                    && e.getSQLState().startsWith("40");
        }
    }

    private final DataSource dataSource;
    private final LinkedBlockingQueue<Pending<?, ?>> waiting = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final Duration writeTimeout;
    private volatile boolean closed;
    private volatile CommitObserver observer = CommitObserver.NONE;

    public GroupCommitWriter(DataSource dataSource, String name) {
        this(dataSource, name, WRITE_TIMEOUT);
    }

    /** With another wait for callers: tests that hold the writer to build a group give it longer. */
    GroupCommitWriter(DataSource dataSource, String name, Duration writeTimeout) {
        this.dataSource = dataSource;
        this.writeTimeout = writeTimeout;
        this.writer = new Thread(this::writeLoop, name);
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Runs the write and returns once it is committed. Throws {@link StoreUnavailableException} when it failed
     * or was not committed within {@link #WRITE_TIMEOUT} (it may then still commit later: callers make such a
     * late write harmless, see the store's uses).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> T write(String what, Write<T> write) {
        return (T) write(what, (Batch) ONE_BY_ONE, write);
    }

    /** As {@link #write(String, Write)}, the request run with the others of its batch in the group. */
    public <R, T> T write(String what, Batch<R, T> batch, R request) {
        return WriteGroups.await(enqueue(what, batch, request), what, writeTimeout);
    }

    /** As {@link #write(String, Batch, Object)}, answered by a future instead of holding the caller's thread. */
    public <R, T> CompletableFuture<T> writeAsync(String what, Batch<R, T> batch, R request) {
        return WriteGroups.bounded(enqueue(what, batch, request), what, writeTimeout);
    }

    private <R, T> CompletableFuture<T> enqueue(String what, Batch<R, T> batch, R request) {
        if (closed) {
            throw new StoreUnavailableException("the store is closed", null);
        }
        Pending<R, T> pending = new Pending<>(what, batch, request, new CompletableFuture<>());
        waiting.add(pending);
        return pending.result();
    }

    /** Writes waiting for the next group (tests wait for it to build a group of their choosing). */
    int waiting() {
        return waiting.size();
    }

    private void writeLoop() {
        List<Pending<?, ?>> group = new ArrayList<>();
        while (!closed || !waiting.isEmpty()) {
            try {
                if (!WriteGroups.next(waiting, group, MAX_GROUP)) {
                    continue;
                }
            } catch (InterruptedException e) {
                break;
            }
            writeGroup(group);
            group.clear();
        }
        StoreUnavailableException closedError = new StoreUnavailableException("the store is closed", null);
        waiting.forEach(p -> p.result().completeExceptionally(closedError));
    }

    private void writeGroup(List<Pending<?, ?>> group) {
        for (int attempt = 1; ; attempt++) {
            Failure failure = commitGroup(group);
            if (failure == null) {
                return;
            }
            if (failure.conflict() && attempt < ATTEMPTS) {
                continue;
            }
            // Alone, a write that fails takes only its own caller down. Not when the database is gone (each
            // would wait for a connection in turn) nor after a failed commit (the group may have committed).
            if (group.size() > 1 && failure.beforeCommit() && !failure.connectionLost()) {
                for (Pending<?, ?> pending : group) {
                    writeGroup(List.of(pending));
                }
                return;
            }
            String message = group.size() == 1
                    ? "store failed while " + group.get(0).what() + ": " + failure.cause().getMessage()
                    : "store failed to commit " + group.size() + " writes: " + failure.cause().getMessage();
            StoreUnavailableException unavailable = new StoreUnavailableException(message, failure.cause());
            group.forEach(p -> p.result().completeExceptionally(unavailable));
            return;
        }
    }

    /** Reports each group committed from now on. */
    void observeCommits(CommitObserver observer) {
        this.observer = observer;
    }

    /** Runs the group in one transaction and, once it is committed, answers its callers; else says why not. */
    private Failure commitGroup(List<Pending<?, ?>> group) {
        long begin = System.nanoTime();
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            return new Failure(e, false, true);
        }
        try {
            Object[] results;
            try {
                c.setAutoCommit(false);
                results = runAll(c, group);
            } catch (SQLException | RuntimeException e) {
                boolean rolledBack = rollback(c);
                return new Failure(e, true, !rolledBack || connectionLost(e));
            }
            try {
                c.commit();
            } catch (SQLException e) {
                rollback(c);
                return new Failure(e, false, true);
            }
            observer.committed(group.size(), System.nanoTime() - begin);
            for (int i = 0; i < group.size(); i++) {
                group.get(i).complete(results[i]);
            }
            return null;
        } finally {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the pool drops a connection it cannot take back
            }
        }
    }

    /** Each batch of the group runs once, with its requests in the order they came. */
    @SuppressWarnings("unchecked")
    private static Object[] runAll(Connection c, List<Pending<?, ?>> group) throws SQLException {
        Map<Batch<?, ?>, List<Integer>> byBatch = new IdentityHashMap<>();
        List<Batch<?, ?>> batches = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            Batch<?, ?> batch = group.get(i).batch();
            byBatch.computeIfAbsent(batch, b -> {
                batches.add(b);
                return new ArrayList<>();
            }).add(i);
        }
        // Stable: among the batches that run last, and among the others, in the order they came.
        batches.sort(Comparator.comparing((Batch<?, ?> b) -> b.last()));
        Object[] results = new Object[group.size()];
        for (Batch<?, ?> batch : batches) {
            List<Integer> indices = byBatch.get(batch);
            List<Object> requests = new ArrayList<>(indices.size());
            for (int i : indices) {
                requests.add(group.get(i).request());
            }
            List<?> answers = ((Batch<Object, ?>) batch).run(c, requests);
            if (answers.size() != requests.size()) {
                throw new IllegalStateException("a batch answered " + answers.size() + " results for "
                        + requests.size() + " requests");
            }
            for (int j = 0; j < indices.size(); j++) {
                results[indices.get(j)] = answers.get(j);
            }
        }
        return results;
    }

    private static boolean rollback(Connection c) {
        try {
            c.rollback();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** The database went away (or threw the connection out), as opposed to refusing a statement. */
    private static boolean connectionLost(Exception e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e instanceof SQLException sql ? sql.getSQLState() : null;
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    /** Finishes the writes already waiting, then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(writeTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
