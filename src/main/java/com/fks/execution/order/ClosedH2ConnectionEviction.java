package com.fks.execution.order;

import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.SQLExceptionOverride;

import java.sql.SQLException;
import java.util.Set;

/**
 * Tells the pool to drop a connection to an embedded H2 database that has closed itself. H2 closes the
 * database after a write fails (a full disk), and its error codes are not ones the pool knows as fatal, so
 * without this the pool keeps lending dead connections and the service stays unready after the disk has
 * room again. A fresh connection opens the database anew, which is how the store recovers in place. Once one
 * connection has found the database closed, every other one the pool holds is dead too: they are all evicted
 * (soft: one in use goes when it is returned), so the next borrower, a reader just after /ready turned 200,
 * gets a fresh connection, not a dead one.
 */
public final class ClosedH2ConnectionEviction implements SQLExceptionOverride {
    private volatile HikariPoolMXBean pool;
    /** GENERAL_ERROR_1, IO_EXCEPTION_1/2, OBJECT_CLOSED, DATABASE_IS_CLOSED, DATABASE_CALLED_AT_SHUTDOWN. */
    private static final Set<Integer> FATAL = Set.of(50000, 90028, 90031, 90007, 90098, 90121);

    /** The pool whose connections all go when one finds the database closed. */
    public void evictingAllOf(HikariPoolMXBean pool) {
        this.pool = pool;
    }

    @java.lang.Override // plain @Override would name the interface's Override enum
    public Override adjudicate(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && FATAL.contains(sql.getErrorCode())) {
                HikariPoolMXBean all = pool;
                if (all != null) {
                    all.softEvictConnections();
                }
                return Override.MUST_EVICT;
            }
        }
        return Override.CONTINUE_EVICT;
    }
}
