package com.fks.execution.order;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Makes a group of the test's choosing: a write that waits holds the writer until every call has queued its
 * write, so the writer takes them all in its next group, in the order of the calls. The writer's callers must
 * be willing to wait longer than this takes.
 */
final class OneGroup {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private OneGroup() {
    }

    /** Each call makes exactly one write; returns what each returned or threw, in order. */
    static List<Outcome> run(GroupCommitWriter writer, List<Callable<Object>> calls) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(calls.size() + 1);
        try {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<Object> hold = threads.submit(() -> writer.write("holding the writer", c -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new SQLException("interrupted while holding the writer", e);
                }
                return null;
            }));
            if (!holding.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the writer did not take the holding write");
            }
            // One at a time, so the group holds the writes in the order of the calls.
            List<Future<Object>> futures = new ArrayList<>();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            for (Callable<Object> call : calls) {
                futures.add(threads.submit(call));
                while (writer.waiting() < futures.size()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("only " + writer.waiting() + " of " + calls.size() + " queued");
                    }
                    Thread.sleep(1);
                }
            }
            release.countDown();
            hold.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Object> f : futures) {
                try {
                    outcomes.add(new Outcome(f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS), null));
                } catch (ExecutionException e) {
                    outcomes.add(new Outcome(null, e.getCause()));
                }
            }
            return outcomes;
        } finally {
            threads.shutdownNow();
        }
    }

    /** A call's result, or what it threw. */
    record Outcome(Object value, Throwable failure) {
    }
}
