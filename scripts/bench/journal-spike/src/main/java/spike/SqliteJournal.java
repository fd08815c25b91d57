package spike;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/** (c) SQLite in WAL mode, synchronous=FULL, one writer: each batch of waiting records is one transaction. */
final class SqliteJournal implements Engine {
    private static final Pending STOP = new Pending(new byte[0]);
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Connection connection;
    private final PreparedStatement insert;
    private final Thread writer;
    private volatile long commits;

    private static final class Pending {
        final byte[] record;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Pending(byte[] record) {
            this.record = record;
        }
    }

    SqliteJournal(Path dir) throws Exception {
        connection = open(Files.createDirectories(dir));
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
            // Fail rather than measure a configuration that does not sync at commit.
            if (!"wal".equals(pragma(s, "journal_mode")) || !"2".equals(pragma(s, "synchronous"))) {
                throw new IllegalStateException("SQLite is not in WAL mode with synchronous=FULL");
            }
        }
        connection.setAutoCommit(false);
        insert = connection.prepareStatement("INSERT INTO events(payload) VALUES (?)");
        writer = new Thread(this::writeLoop, "sqlite-writer");
        writer.start();
    }

    private static Connection open(Path dir) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("journal.db"));
    }

    private static String pragma(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public void append(byte[] record) throws Exception {
        Pending pending = new Pending(record);
        queue.add(pending);
        pending.done.get();
    }

    @Override
    public long syncs() {
        return commits;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        boolean stopping = false;
        try {
            while (!stopping) {
                batch.add(queue.take());
                queue.drainTo(batch);
                stopping = batch.remove(STOP);
                for (Pending p : batch) {
                    insert.setBytes(1, p.record);
                    insert.addBatch();
                }
                insert.executeBatch();
                connection.commit();
                commits++;
                batch.forEach(p -> p.done.complete(null));
                batch.clear();
            }
        } catch (Throwable t) {
            batch.forEach(p -> p.done.completeExceptionally(t));
            queue.forEach(p -> p.done.completeExceptionally(t));
        }
    }

    @Override
    public void close() throws Exception {
        queue.add(STOP);
        writer.join();
        insert.close();
        connection.close();
    }

    static long countRecords(Path dir) throws SQLException {
        try (Connection c = open(dir);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
