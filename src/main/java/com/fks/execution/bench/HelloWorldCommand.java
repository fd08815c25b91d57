package com.fks.execution.bench;

import io.javalin.Javalin;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmark's baseline: the same server stack (Javalin on Jetty, same thread pool) with an endpoint that
 * reads the body and answers a fixed 202, so the webhook's cost can be quoted as a ratio of it.
 */
@Command(name = "hello-server", hidden = true, description = "Baseline server for scripts/bench.")
public final class HelloWorldCommand implements Callable<Integer> {
    private static final byte[] ANSWER = "{\"status\":\"accepted\",\"order_id\":\"hello\"}".getBytes();

    @Option(names = "--port", required = true)
    int port;

    @Override
    public Integer call() throws Exception {
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            // The bounds of the service's main port (app.HttpApi): the anchor runs on the same pool.
            cfg.jetty.threadPool = new QueuedThreadPool(64, 8);
            cfg.routes.post("/hello", ctx -> {
                ctx.req().getInputStream().readAllBytes();
                ctx.status(202).contentType("application/json").result(ANSWER);
            });
            cfg.routes.get("/ready", ctx -> ctx.result("ok"));
        }).start("127.0.0.1", port);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.stop();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
