package com.fks.execution.exchange.paper;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.logging.Logger;

/**
 * The embedded book's data source as its writer uses it: each connection tells the listeners (the balances in
 * memory, the book's log) when its transaction begins, is about to commit, and how it ended. Only the writer's
 * thread takes connections from it, so the listeners need no locks of their own for what they stage.
 */
final class WatchedTransactions implements DataSource {
    /** Told how each of the writer's transactions goes. */
    interface Listener {
        /** A connection was taken: a new transaction begins. */
        default void begins() {
        }

        /** Just before the commit; a failure rolls the transaction back and fails the commit. */
        default void beforeCommit() throws IOException {
        }

        default void committed() {
        }

        default void rolledBack() {
        }

        /** A commit or rollback failed: whether the transaction committed is unknown. */
        default void outcomeUnknown() {
        }
    }

    private final DataSource book;
    private final List<Listener> listeners;

    WatchedTransactions(DataSource book, Listener... listeners) {
        this.book = book;
        this.listeners = List.of(listeners);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return watch(book.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return watch(book.getConnection(username, password));
    }

    private Connection watch(Connection connection) {
        listeners.forEach(Listener::begins);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    boolean commit = args == null && method.getName().equals("commit");
                    boolean rollback = args == null && method.getName().equals("rollback");
                    if (commit) {
                        beforeCommit(connection);
                    }
                    Object result;
                    try {
                        result = method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        if (commit || rollback) {
                            listeners.forEach(Listener::outcomeUnknown);
                        }
                        throw e.getCause();
                    }
                    if (commit) {
                        listeners.forEach(Listener::committed);
                    } else if (rollback) {
                        listeners.forEach(Listener::rolledBack);
                    }
                    return result;
                });
    }

    private void beforeCommit(Connection connection) throws SQLException {
        try {
            for (Listener listener : listeners) {
                listener.beforeCommit();
            }
        } catch (IOException e) {
            try {
                connection.rollback();
                listeners.forEach(Listener::rolledBack);
            } catch (SQLException rollbackFailed) {
                listeners.forEach(Listener::outcomeUnknown);
                e.addSuppressed(rollbackFailed);
            }
            throw new SQLException("the paper book's log could not be written: " + e.getMessage(), e);
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return book.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        book.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        book.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return book.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return book.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return book.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return book.isWrapperFor(type);
    }
}
