package com.fks.execution.replicas;

import com.fks.execution.testsupport.ServiceProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;
import redis.embedded.RedisServer;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * One real PostgreSQL and one real Redis, started by the test (binaries from Maven), on fixed free ports
 * and a kept data directory, so either can be stopped and started again mid-test the way an outage looks
 * to the service: connections refused, then the same server back with the same data.
 */
final class SharedStores implements AutoCloseable {
    private final Path root;
    private final Path pgData;
    private final Path pgLog;
    private final int pgPort;
    private final int redisPort;
    private EmbeddedPostgres postgres;
    private RedisServer redis;

    private SharedStores() throws IOException {
        this.root = Files.createTempDirectory("fks-replicas-");
        this.pgData = root.resolve("pgdata");
        this.pgLog = root.resolve("pglog");
        Files.createDirectories(pgLog);
        this.pgPort = ServiceProcess.freePort();
        this.redisPort = ServiceProcess.freePort();
    }

    static SharedStores start() throws IOException {
        SharedStores stores = new SharedStores();
        stores.startPostgres();
        stores.startRedis();
        return stores;
    }

    void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setPort(pgPort)
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(30))
                // Durability is not under test; fsync off keeps two cores free for the replicas.
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_connections", "100")
                // A new database's first statistics come with autovacuum's first pass, up to a minute after the
                // tables fill; until then PostgreSQL plans for empty tables (whole-table scans) and a plan made
                // then stays with its connection. A production database lives that minute once: the benchmarks
                // (scripts/bench-replicas) measure the rest of its life, so the pass comes every 5 s here.
                .setServerConfig("autovacuum_naptime", "5s")
                // Kept so a test can look for errors the service swallowed (a duplicate fill, say).
                .setServerConfig("logging_collector", "on")
                .setServerConfig("log_directory", pgLog.toString())
                .setServerConfig("log_filename", "postgresql.log")
                .start();
    }

    /** Stops PostgreSQL (fast shutdown: open connections are cut, as in a crash or a fail-over). */
    void stopPostgres() throws IOException {
        postgres.close();
        postgres = null;
    }

    void startRedis() throws IOException {
        redis = RedisServer.newRedisServer()
                .port(redisPort)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        redis.start();
    }

    /** Stops Redis; its counters are gone, as with a Redis restarted without persistence. */
    void stopRedis() throws IOException {
        redis.stop();
        redis = null;
    }

    /** The PostgreSQL server's process id (postmaster.pid's first line): its CPU time is the database's cost. */
    long postgresPid() throws IOException {
        return Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
    }

    String redisUrl() {
        return "redis://127.0.0.1:" + redisPort;
    }

    /** Environment for a replica using both servers, plus the caller's settings. */
    Map<String, String> serviceEnv(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", jdbcUrl());
        env.put("DATABASE_USER", "postgres");
        env.put("REDIS_URL", redisUrl());
        env.putAll(extra);
        return env;
    }

    /** Starts the replicas side by side (their migrations race too, as pods do) and waits for each /ready. */
    List<ServiceProcess> startReplicas(int count, Map<String, String> extra) throws Exception {
        ExecutorService starter = Executors.newFixedThreadPool(count);
        try {
            List<Future<ServiceProcess>> starting = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                starting.add(starter.submit(() -> ServiceProcess.start(serviceEnv(extra))));
            }
            List<ServiceProcess> replicas = new ArrayList<>();
            for (Future<ServiceProcess> f : starting) {
                try {
                    replicas.add(f.get());
                } catch (ExecutionException e) {
                    replicas.forEach(ServiceProcess::kill);
                    throw e;
                }
            }
            return replicas;
        } finally {
            starter.shutdown();
        }
    }

    /** Stops the replicas (SIGKILL: the test is over) and prints what each logged, for the surefire report. */
    static void killAndReport(List<ServiceProcess> replicas) {
        for (int i = 0; i < replicas.size(); i++) {
            ServiceProcess replica = replicas.get(i);
            replica.kill();
            System.out.println("===== replica " + i + " (http port " + replica.httpPort() + ") =====");
            System.out.println(replica.output());
        }
    }

    /** A direct connection to the shared database, for the test's own checks. */
    DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl());
        ds.setUser("postgres");
        ds.setConnectTimeout(5);
        return ds;
    }

    long count(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    List<String> strings(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }

    /** What PostgreSQL logged (errors of statements included). */
    String postgresLog() {
        try (Stream<Path> files = Files.list(pgLog)) {
            StringBuilder all = new StringBuilder();
            for (Path f : files.sorted().toList()) {
                all.append(Files.readString(f));
            }
            return all.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (redis != null) {
                redis.stop();
            }
        } catch (IOException ignored) {
            // the test is over
        }
        try {
            if (postgres != null) {
                postgres.close();
            }
        } catch (IOException ignored) {
            // the test is over
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the OS cleans it eventually
        }
    }
}
