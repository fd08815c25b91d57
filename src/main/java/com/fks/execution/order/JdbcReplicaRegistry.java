package com.fks.execution.order;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Heartbeats in the shared store's {@code replicas} table: every {@code ttl / 3} this replica sets its row's
 * {@code alive_until} to now + {@code ttl} and counts the rows still alive. A replica killed without a drain
 * stops counting {@code ttl} after its last beat (its row is deleted by the next beat of any replica); one that
 * drains deletes its row at once. The count is read on the beat, not on the request path, and is given as
 * unknown once no beat has succeeded for {@code ttl}, so a store outage falls back to the configured figure.
 */
public final class JdbcReplicaRegistry implements ReplicaRegistry {
    private static final Logger log = LoggerFactory.getLogger(JdbcReplicaRegistry.class);

    private final DataSource dataSource;
    private final String owner;
    private final Duration ttl;
    private final Clock clock;
    private final ScheduledExecutorService beats;
    private volatile Count last;
    private volatile boolean failing;
    private volatile boolean started;
    private volatile boolean closed;

    private record Count(int replicas, long readAtMillis) {
    }

    /** @param ttl how long a beat keeps this replica counted (the order lease: the same notion of "alive") */
    public JdbcReplicaRegistry(DataSource dataSource, String owner, Duration ttl, Clock clock) {
        this.dataSource = dataSource;
        this.owner = owner;
        this.ttl = ttl;
        this.clock = clock;
        this.beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "replica-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Beats once before returning (so the count is known from the first request), then every ttl / 3. */
    @Override
    public void start() {
        started = true;
        beat();
        long tick = Math.max(200, ttl.toMillis() / 3);
        beats.scheduleWithFixedDelay(this::beat, tick, tick, TimeUnit.MILLISECONDS);
    }

    @Override
    public OptionalInt liveReplicas() {
        Count count = last;
        if (count == null || clock.millis() - count.readAtMillis() > ttl.toMillis()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(count.replicas());
    }

    void beat() {
        if (closed) {
            return;
        }
        long now = clock.millis();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement update = c.prepareStatement("UPDATE replicas SET alive_until = ? WHERE owner = ?")) {
                update.setLong(1, now + ttl.toMillis());
                update.setString(2, owner);
                if (update.executeUpdate() == 0) {
                    // Only this replica writes its own row, so no other insert can race this one.
                    try (PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO replicas (owner, alive_until) VALUES (?, ?)")) {
                        insert.setString(1, owner);
                        insert.setLong(2, now + ttl.toMillis());
                        insert.executeUpdate();
                    }
                }
            }
            try (PreparedStatement purge = c.prepareStatement("DELETE FROM replicas WHERE alive_until <= ?")) {
                purge.setLong(1, now);
                purge.executeUpdate();
            }
            int count;
            try (PreparedStatement select = c.prepareStatement("SELECT count(*) FROM replicas WHERE alive_until > ?")) {
                select.setLong(1, now);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    count = rs.getInt(1);
                }
            }
            Count previous = last;
            if (previous == null || previous.replicas() != count) {
                log.info("live replicas: {}", count);
            }
            last = new Count(count, now);
            if (failing) {
                failing = false;
                log.info("replica heartbeat written again");
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("replica heartbeat not written ({}); the live replica count is unknown {} s after the "
                        + "last one", e.getMessage(), ttl.toSeconds());
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        beats.shutdownNow();
        if (!started) {
            return; // start-up failed before the store was open: there is no row to delete
        }
        try {
            beats.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM replicas WHERE owner = ?")) {
            c.setAutoCommit(true);
            delete.setString(1, owner);
            delete.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            log.warn("could not take this replica off the live list; the others stop counting it {} s after its "
                    + "last heartbeat: {}", ttl.toSeconds(), e.getMessage());
        }
    }
}
