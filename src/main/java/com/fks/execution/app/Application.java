package com.fks.execution.app;

import ch.qos.logback.classic.Level;
import com.fks.execution.config.PerpetualSymbols;
import com.fks.execution.config.DataDirectory;
import com.fks.execution.config.Settings;
import com.fks.execution.config.WebhookSecretFile;
import com.fks.execution.exchange.ExchangeClient;
import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeRegistry;
import com.fks.execution.exchange.paper.PaperExchange;
import com.fks.execution.exchange.paper.JdbcPaperBook;
import com.fks.execution.exchange.paper.PaperBook;
import com.fks.execution.exchange.paper.JdbcPaperBookDatabase;
import com.fks.execution.exchange.paper.MapPaperBook;
import com.fks.execution.execution.ExecutionEngine;
import com.fks.execution.intake.AlertParser;
import com.fks.execution.intake.AlertValidator;
import com.fks.execution.intake.Authenticator;
import com.fks.execution.intake.ClientAddressResolver;
import com.fks.execution.intake.IpAllowList;
import com.fks.execution.intake.RejectionReason;
import com.fks.execution.intake.ReplayWindow;
import com.fks.execution.intake.WebhookPipeline;
import com.fks.execution.metrics.ExecutionMetrics;
import com.fks.execution.order.OpeningDataSource;
import com.fks.execution.order.JdbcOrderStore;
import com.fks.execution.order.JdbcReplicaRegistry;
import com.fks.execution.order.OrderStore;
import com.fks.execution.order.ReplicaRegistry;
import com.fks.execution.order.journal.JournalOrderStore;
import com.fks.execution.ratelimit.RateLimiter;
import com.fks.execution.ratelimit.RateLimiters;
import com.fks.execution.risk.KillSwitch;
import com.fks.execution.risk.RiskCheck;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** The composition root: builds every part with plain constructors, starts them, and stops them in order. */
public final class Application implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Application.class);
    static final Duration REQUEST_DRAIN = Duration.ofSeconds(10);
    static final Duration ENGINE_DRAIN = Duration.ofSeconds(15);

    private final Settings settings;
    private final WebhookSecretFile.Resolved secret;
    private final OpeningDataSource dataSource;
    private final KillSwitch killSwitch;
    private final OrderStore store;
    private final ExecutionMetrics metrics;
    private final ReplicaRegistry replicas;
    private final RateLimiter rateLimiter;
    private final ExecutionEngine engine;
    private final Readiness readiness;
    private final Javalin mainServer;
    private final Javalin metricsServer;
    private final PaperBook paperBook;
    private final ExchangeRegistry exchanges;
    private volatile boolean stopped;

    private Application(Settings settings) throws IOException {
        this.settings = settings;
        setLogLevel(settings.logLevel());
        Clock clock = Clock.systemUTC();
        if (settings.database().isEmbedded()) {
            DataDirectory.requireWritable(settings.dataDir());
        }
        this.secret = WebhookSecretFile.resolve(settings);
        this.metrics = new ExecutionMetrics();
        this.dataSource = OpeningDataSource.open(settings.database(), settings.dataDir());
        // Embedded: the orders live in a journal under DATA_DIR, the H2 tables are the view built from it.
        this.store = settings.database().isEmbedded()
                ? JournalOrderStore.open(settings.dataDir().resolve("journal"), dataSource::await, dataSource, clock)
                : new JdbcOrderStore(dataSource, dataSource);
        this.killSwitch = new KillSwitch(store, clock);
        // Embedded: the paper book is a file of maps under DATA_DIR, taking over the H2 book of earlier versions.
        this.paperBook = settings.database().isEmbedded()
                ? MapPaperBook.in(settings.dataDir(), settings.paper().balances(), JdbcPaperBookDatabase.earlier(
                        settings.dataDir(), dataSource::await, settings.paper().balances()))
                : JdbcPaperBook.shared(dataSource, settings.paper().balances());
        this.exchanges = new ExchangeRegistry(exchanges(settings, paperBook, clock));
        String owner = ownerName();
        RiskCheck riskCheck = new RiskCheck(settings.maxOrderSizeUsd());
        this.engine = new ExecutionEngine(store, exchanges, killSwitch, riskCheck, metrics, new ExecutionEngine.Limits(
                settings.orderQueueCapacity(), settings.orderLease(), settings.orderMaxWait(),
                settings.circuitBreakerThreshold(), settings.circuitBreakerTimeout()), owner,
                settings.database().isEmbedded(), clock);
        this.replicas = settings.database().isEmbedded() ? ReplicaRegistry.singleProcess()
                : new JdbcReplicaRegistry(dataSource, owner, settings.orderLease(), clock);
        this.rateLimiter = RateLimiters.fromSettings(settings, metrics, replicas::liveReplicas);
        preRegisterMetrics(metrics, exchanges);
        String storeLabel = settings.database().isEmbedded() ? "journal" : "postgresql";
        store.observeCommits(metrics.storeCommits(storeLabel)::committed);
        if (store instanceof JournalOrderStore journal) {
            metrics.gauge("execution.store.view.backlog", "Events in the journal not yet in the order view "
                    + "(embedded store); intake waits for the view at " + JournalOrderStore.VIEW_BACKLOG_BOUND,
                    journal::viewBacklog);
        }
        this.readiness = new Readiness(store);
        AlertParser parser = new AlertParser();
        WebhookPipeline pipeline = new WebhookPipeline(new WebhookPipeline.Parts(settings.maxBodyBytes(),
                settings.minConfidence(), new ClientAddressResolver(settings.trustedProxies()),
                new IpAllowList(settings.ipAllowList()), rateLimiter, parser,
                new Authenticator(secret.secret().value()),
                new ReplayWindow(settings.webhookMaxAge(), clock),
                new AlertValidator(parser.mapper(), settings.defaultExchange(), settings.perpetualSymbols(),
                        metrics::nanReplacement),
                riskCheck, killSwitch, exchanges, store, engine, metrics,
                readiness::acceptsWork, clock));
        HttpApi api = new HttpApi(pipeline, store, killSwitch, metrics, readiness,
                new BearerToken(settings.adminToken() == null ? null : settings.adminToken().value()), parser.mapper());
        this.mainServer = api.mainServer("0.0.0.0", settings.httpPort());
        this.metricsServer = api.metricsServer("0.0.0.0", settings.metricsPort());
    }

    /** Builds and starts the service; /ready answers 200 once this returns. */
    public static Application start(Settings settings) throws IOException {
        long begin = System.nanoTime();
        Application app = new Application(settings);
        try {
            // The servers start while the store is still opening (/ready answers 503 "starting" meanwhile);
            // execution and intake begin only once it is open, migrated and the kill switch is read.
            app.mainServer.start();
            app.metricsServer.start();
            app.dataSource.await();
            app.store.awaitOpen();
            if (settings.database().isEmbedded()) {
                app.openPaperBalances();
            }
            app.replicas.start();
            app.killSwitch.isHalted();
            app.engine.start();
            app.readiness.serving();
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        log.info("fks-execution ready in {} ms: http port {}, metrics port {}, store {}, exchanges {}",
                (System.nanoTime() - begin) / 1_000_000, app.httpPort(), app.metricsPort(),
                settings.database().isEmbedded() ? "embedded journal in " + settings.dataDir().toAbsolutePath() : "PostgreSQL",
                app.exchanges.all().stream().map(ExchangeClient::name).toList());
        if (settings.perpetualSymbols() == PerpetualSymbols.SPOT) {
            log.warn("PERPETUAL_SYMBOLS=spot: alerts from perpetual futures charts (BTCUSDT.P) are traded as the "
                    + "spot pair (BTCUSDT)");
        }
        return app;
    }

    /** The embedded paper book works its balances out from its orders: before the first alert, not during it. */
    private void openPaperBalances() {
        try {
            paperBook.open();
        } catch (ExchangeException e) {
            throw new IllegalStateException("cannot open the paper exchange's book: " + e.getMessage(), e);
        }
    }

    private static List<ExchangeClient> exchanges(Settings settings, PaperBook book, Clock clock) {
        List<ExchangeClient> clients = new ArrayList<>();
        clients.add(new PaperExchange(book, settings.paper().latency(), settings.paper().failureRate(), clock));
        clients.addAll(ExchangeFactory.configured(settings, clock));
        return clients;
    }

    private static void preRegisterMetrics(ExecutionMetrics metrics, ExchangeRegistry exchanges) {
        Map<Integer, List<String>> byStatus = new TreeMap<>();
        byStatus.put(202, new ArrayList<>(List.of("accepted")));
        byStatus.put(200, new ArrayList<>(List.of("duplicate")));
        List<String> validation = new ArrayList<>();
        for (RejectionReason reason : RejectionReason.values()) {
            byStatus.computeIfAbsent(reason.httpStatus(), s -> new ArrayList<>()).add(reason.code());
            if (reason.kind() == RejectionReason.Kind.VALIDATION) {
                validation.add(reason.code());
            }
        }
        metrics.preRegister(byStatus, validation, exchanges.all().stream().map(ExchangeClient::name).toList());
    }

    private static String ownerName() {
        String host = System.getenv().getOrDefault("HOSTNAME", "local");
        return (host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-"
                + UUID.randomUUID().toString().substring(0, 8)).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void setLogLevel(String level) {
        var root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
    }

    public int httpPort() {
        return mainServer.port();
    }

    public int metricsPort() {
        return metricsServer.port();
    }

    public WebhookSecretFile.Resolved webhookSecret() {
        return secret;
    }

    public PaperBook paperBook() {
        return paperBook;
    }

    /**
     * Drains and stops: /ready turns 503 at once and new webhooks get 503 (nothing recorded, so TradingView
     * resends to another replica); requests in flight finish; the engine finishes or hands back its orders.
     */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        readiness.draining();
        log.info("draining: no new webhooks, finishing requests in flight");
        waitForRequests();
        // No longer taking webhooks: the others stop counting this one at their next heartbeat.
        replicas.close();
        // The servers stay up while the engine drains, so /ready keeps answering 503 (not a refused
        // connection) and late webhooks get a clean 503 that TradingView resends elsewhere.
        engine.drain(ENGINE_DRAIN);
        stopQuietly(mainServer);
        stopQuietly(metricsServer);
        rateLimiter.close();
        paperBook.close();
        store.close();
        metrics.close();
        log.info("stopped");
    }

    private void waitForRequests() {
        long deadline = System.nanoTime() + REQUEST_DRAIN.toNanos();
        while (activeRequests() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private double activeRequests() {
        var gauge = metrics.registry().find("execution.active.requests").gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private static void stopQuietly(Javalin server) {
        try {
            server.stop();
        } catch (RuntimeException e) {
            log.warn("server did not stop cleanly: {}", e.getMessage());
        }
    }
}
