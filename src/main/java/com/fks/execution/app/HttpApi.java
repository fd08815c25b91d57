package com.fks.execution.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.intake.WebhookPipeline;
import com.fks.execution.metrics.ExecutionMetrics;
import com.fks.execution.order.Order;
import com.fks.execution.order.Position;
import com.fks.execution.order.OrderStore;
import com.fks.execution.order.StoreUnavailableException;
import com.fks.execution.risk.KillSwitch;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The HTTP endpoints: the webhook, orders, admin, health and metrics; and the metrics-only port. */
final class HttpApi {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    static final String WEBHOOK_PATH = "/webhook/tradingview";
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final int MAX_ORDERS_LISTED = 1000;
    static final long CONNECTION_IDLE_TIMEOUT_MILLIS = 10_000;
    /*
     * The main port's thread pool (docs/architecture.md, "Threads"). A webhook holds its thread until its order
     * is durable (the store's group commit), so the pool needs about one thread per webhook in flight: with the
     * closed-loop benchmark's 32 connections, 16 threads cut accepted alerts/s by about 40 %, 32 by no more than
     * the noise of a loaded machine (two runs each). 64 is twice that concurrency, so with 40 webhooks stalled on
     * their bodies /health and /ready are still answered (HttpServerThreadsTest; Jetty's acceptor, selector and
     * reserved threads come out of the same pool). The 200 it replaces bought nothing on 2 cores but room for
     * more threads than they can run.
     */
    static final int MAIN_MAX_THREADS = 64;
    static final int MIN_THREADS = 8;
    static final int METRICS_MAX_THREADS = 8;

    private final WebhookPipeline pipeline;
    private final OrderStore store;
    private final KillSwitch killSwitch;
    private final ExecutionMetrics metrics;
    private final Readiness readiness;
    private final BearerToken adminToken;
    private final ObjectMapper mapper;

    HttpApi(WebhookPipeline pipeline, OrderStore store, KillSwitch killSwitch, ExecutionMetrics metrics,
            Readiness readiness, BearerToken adminToken, ObjectMapper mapper) {
        this.pipeline = pipeline;
        this.store = store;
        this.killSwitch = killSwitch;
        this.metrics = metrics;
        this.readiness = readiness;
        this.adminToken = adminToken;
        this.mapper = mapper;
    }

    Javalin mainServer(String host, int port) {
        return Javalin.create(cfg -> {
            common(cfg, host, port, MAIN_MAX_THREADS);
            // The webhook is answered in front of Javalin (WebhookHandler), once Javalin has made its handler.
            cfg.jetty.modifyServer(server -> server.addEventListener(new LifeCycle.Listener() {
                @Override
                public void lifeCycleStarting(LifeCycle event) {
                    server.setHandler(new WebhookHandler(server.getHandler(), pipeline, mapper));
                }
            }));
            cfg.routes.get("/health", ctx -> json(ctx, 200, Map.of("status", "ok")));
            cfg.routes.get("/ready", this::ready);
            cfg.routes.get("/metrics", this::metrics);
            cfg.routes.get("/orders", this::listOrders);
            cfg.routes.get("/orders/{id}", this::showOrder);
            cfg.routes.get("/positions", this::listPositions);
            cfg.routes.post("/admin/halt", ctx -> admin(ctx, true));
            cfg.routes.post("/admin/resume", ctx -> admin(ctx, false));
            cfg.routes.get("/admin/status", this::adminStatus);
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
                json(ctx, 503, error("unavailable", "internal_error", "the request failed inside the service; retry"));
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    json(ctx, 404, error("not_found", "not_found", "no such endpoint"));
                }
            });
            cfg.routes.error(405, ctx -> json(ctx, 405, error("rejected", "method_not_allowed", "method not allowed here")));
        });
    }

    Javalin metricsServer(String host, int port) {
        return Javalin.create(cfg -> {
            common(cfg, host, port, METRICS_MAX_THREADS);
            cfg.routes.get("/metrics", this::metrics);
        });
    }

    private static void common(io.javalin.config.JavalinConfig cfg, String host, int port, int maxThreads) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.http.prefer405over404 = true;
        cfg.jetty.host = host;
        cfg.jetty.port = port;
        QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(MIN_THREADS, maxThreads));
        pool.setName(port == 0 ? "http" : "http-" + port);
        cfg.jetty.threadPool = pool;
        // Jetty's per-connection header cache matches values ignoring case by default and then hands the
        // handler the cached value: after "Authorization: Bearer <token>" on a connection (an ingress reuses
        // upstream connections across clients), any later header equal to it up to case read as the real
        // token. Case-sensitive, each request's headers are its own bytes.
        cfg.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
        // A client that sends its body slowly is cut off instead of holding a thread (TradingView's own
        // limit is 3 s for the whole request). Javalin adds its connector after modifyServer has run, so the
        // timeout is set when the server starts, once the connector exists (else Jetty's 30 s default applies).
        // Javalin puts a StatisticsHandler in front of every request; nothing reads its statistics (the service
        // counts its own), and it wrapped each request and response and copied buffers and headers for its events
        // (about a tenth of what an HTTP thread allocated per webhook, measured with JFR). It is not what makes a
        // stop graceful in Jetty 12, so it goes.
        cfg.jetty.modifyServer(server -> {
            if (server.getHandler() instanceof StatisticsHandler stats && stats.getHandler() == null) {
                server.setHandler((org.eclipse.jetty.server.Handler) null);
            }
        });
        cfg.jetty.modifyServer(server -> server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                for (var connector : server.getConnectors()) {
                    if (connector instanceof org.eclipse.jetty.server.AbstractConnector c) {
                        c.setIdleTimeout(CONNECTION_IDLE_TIMEOUT_MILLIS);
                    }
                }
            }
        }));
    }

    private void ready(Context ctx) {
        String reason = readiness.notReadyReason();
        if (reason == null) {
            json(ctx, 200, Map.of("status", "ready"));
        } else {
            json(ctx, 503, Map.of("status", "not_ready", "reason", reason));
        }
    }

    private void metrics(Context ctx) {
        ctx.contentType(PROMETHEUS_TYPE).result(metrics.scrape());
    }

    private boolean authorised(Context ctx, boolean adminOnly) {
        if (!adminToken.configured()) {
            if (adminOnly) {
                json(ctx, 403, error("rejected", "admin_token_not_configured",
                        "set ADMIN_TOKEN to use the admin endpoints"));
                return false;
            }
            return true;
        }
        if (!adminToken.matches(ctx.header("Authorization"))) {
            ctx.header("WWW-Authenticate", "Bearer");
            json(ctx, 401, error("rejected", "unauthorized", "Authorization: Bearer <ADMIN_TOKEN> is required"));
            return false;
        }
        return true;
    }

    private void listOrders(Context ctx) {
        if (!authorised(ctx, false)) {
            return;
        }
        int limit = 50;
        String given = ctx.queryParam("limit");
        if (given != null) {
            try {
                limit = Integer.parseInt(given);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_ORDERS_LISTED) {
                json(ctx, 400, error("rejected", "invalid_limit", "limit must be 1 to " + MAX_ORDERS_LISTED));
                return;
            }
        }
        try {
            List<Map<String, Object>> orders = new ArrayList<>();
            for (Order order : store.recent(limit)) {
                orders.add(OrderView.of(order, mapper, false));
            }
            json(ctx, 200, Map.of("orders", orders, "count", orders.size()));
        } catch (StoreUnavailableException e) {
            log.error("listing orders failed: {}", e.getMessage());
            json(ctx, 503, error("unavailable", "store_unavailable", "the order store is unavailable"));
        }
    }

    private void showOrder(Context ctx) {
        if (!authorised(ctx, false)) {
            return;
        }
        String id = ctx.pathParam("id");
        try {
            var order = id.length() > 64 ? java.util.Optional.<Order>empty() : store.find(id);
            if (order.isEmpty()) {
                json(ctx, 404, error("not_found", "order_not_found", "no order with this id"));
            } else {
                json(ctx, 200, OrderView.of(order.get(), mapper, true));
            }
        } catch (StoreUnavailableException e) {
            log.error("reading an order failed: {}", e.getMessage());
            json(ctx, 503, error("unavailable", "store_unavailable", "the order store is unavailable"));
        }
    }

    /** The service's own positions (from its fills), the admin token as for /orders. */
    private void listPositions(Context ctx) {
        if (!authorised(ctx, false)) {
            return;
        }
        try {
            List<Map<String, Object>> positions = new ArrayList<>();
            for (Position p : store.positions(null, null)) {
                if (p.quantity().signum() == 0 && p.openSellQuantity().signum() == 0) {
                    continue;
                }
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("exchange", p.exchange());
                view.put("symbol", p.symbol());
                view.put("strategy", p.strategy());
                view.put("quantity", p.quantity().toPlainString());
                view.put("average_entry_price",
                        p.averageEntryPrice() == null ? null : p.averageEntryPrice().toPlainString());
                view.put("open_sell_quantity", p.openSellQuantity().toPlainString());
                positions.add(view);
            }
            json(ctx, 200, Map.of("positions", positions, "count", positions.size()));
        } catch (StoreUnavailableException e) {
            log.error("listing positions failed: {}", e.getMessage());
            json(ctx, 503, error("unavailable", "store_unavailable", "the order store is unavailable"));
        }
    }

    private void admin(Context ctx, boolean halt) {
        if (!authorised(ctx, true)) {
            return;
        }
        try {
            if (halt) {
                killSwitch.halt();
                log.warn("trading halted by an operator");
            } else {
                killSwitch.resume();
                log.warn("trading resumed by an operator");
            }
            json(ctx, 200, Map.of("trading", halt ? "halted" : "active"));
        } catch (StoreUnavailableException e) {
            log.error("kill switch could not be written: {}", e.getMessage());
            json(ctx, 503, error("unavailable", "store_unavailable", "the kill switch could not be saved; retry"));
        }
    }

    private void adminStatus(Context ctx) {
        if (!authorised(ctx, true)) {
            return;
        }
        json(ctx, 200, Map.of("trading", killSwitch.isHalted() ? "halted" : "active"));
    }

    static Map<String, Object> error(String status, String reason, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("reason", reason);
        body.put("detail", detail);
        return body;
    }

    private void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response body", e);
        }
    }
}
