package com.fks.execution.order.journal;

import com.fks.execution.order.Order;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Keeps the queryable view ({@link MapOrderView}, behind GET /orders) in step with the journal, off the path of
 * a webhook: one thread takes the events of forced groups, applies many of them in one commit, and records in
 * the same commit the journal position it has reached, so after a crash the view is caught up from exactly
 * there. A failed commit is retried (the events stay queued): the view may lag the journal, never lose what it
 * has.
 */
final class ViewProjector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ViewProjector.class);
    /**
     * A commit of a few hundred orders already shares its page writes, so larger ones gain little, while every
     * event of a batch is held twice in the heap until its commit (the event, and the pages it changed): batches
     * of 16,384 events (then SQL transactions) helped fill a 160 MiB heap under sustained load.
     */
    static final int MAX_EVENTS_PER_TRANSACTION = 2_048;
    /**
     * How far the view may fall behind before the journal's writer waits for it, and intake with it. Each
     * queued event keeps its order (with the alert as received) and the journal's memory of it alive: about
     * 1-2 KiB, so 16,384 events stay within 32 MiB of a 256 MiB heap, a few seconds of the fastest intake
     * measured. At 200,000 the backlog outgrew the heap under a minute of sustained overload, and the JVM spent
     * three quarters of its time in full collections: the service slowed to a tenth of its rate instead of
     * waiting on the view (docs/benchmarks.md, "Sustained load").
     */
    static final int MAX_BACKLOG_EVENTS = 16_384;
    /**
     * How long the view gathers events before it writes them: each commit rewrites the pages it touched in
     * every map, so fewer, larger commits cost less per order (measured: the view's CPU per
     * accepted alert fell by about a third from 20 ms to 100 ms). A read of the view waits at most this long
     * more; nothing on the path of a webhook waits for the view.
     */
    private static final long COALESCE_MILLIS = 100;

    /**
     * An event as forced to the journal: {@code end} is the position just past it, {@code state} the order as it
     * stands after it (null for an event of no order).
     */
    record Positioned(JournalEvent event, long end, Order state) {
    }

    /** What the projector reports after each commit. */
    interface Listener {
        void projected(long position, List<String> finalOrderIds, List<String> alertIds);
    }

    private final MapOrderView view;
    private final Listener listener;
    private final LongConsumer coalesce;
    /** Bounded: when the view falls this far behind, the writer waits, and intake with it. */
    private final BlockingQueue<Positioned> queue = new ArrayBlockingQueue<>(MAX_BACKLOG_EVENTS);
    private final Thread thread;
    private final Object progress = new Object();
    private volatile long projected;
    private volatile long enqueued;
    private volatile boolean closed;

    ViewProjector(MapOrderView view, long position, Listener listener) {
        this(view, position, listener, ViewProjector::sleepQuietly);
    }

    /** {@code coalesce} waits the given milliseconds before a transaction is gathered (tests count the waits). */
    ViewProjector(MapOrderView view, long position, Listener listener, LongConsumer coalesce) {
        this.coalesce = coalesce;
        this.view = view;
        this.listener = listener;
        this.projected = position;
        this.enqueued = position;
        this.thread = new Thread(this::run, "store-view");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Hands over the events of a forced group (blocks while the view is far behind). */
    void enqueue(List<Positioned> events) throws InterruptedException {
        for (Positioned p : events) {
            queue.put(p);
            enqueued = p.end();
        }
    }

    /** Events handed over and not yet taken by the view's thread. */
    int backlog() {
        return queue.size();
    }

    /** Waits until the view has everything the journal had when called; false if it did not in time. */
    boolean awaitCaughtUp(long timeoutMillis) {
        long target = enqueued;
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (progress) {
            while (projected < target) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || closed) {
                    return projected >= target;
                }
                try {
                    progress.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private void run() {
        List<Positioned> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty() || !batch.isEmpty()) {
            if (batch.isEmpty()) {
                Positioned first;
                try {
                    first = queue.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    break;
                }
                if (first == null) {
                    continue;
                }
                batch.add(first);
                // The wait also lets an order's next steps (SUBMITTING, FILLED: a few ms later on a fast venue)
                // join its acceptance, so most orders are one row insert, not an insert and updates. A view that
                // already has a full transaction waiting does not wait: behind, it would cap itself at one
                // transaction per COALESCE_MILLIS.
                if (queue.size() < MAX_EVENTS_PER_TRANSACTION - 1) {
                    coalesce.accept(COALESCE_MILLIS);
                }
                queue.drainTo(batch, MAX_EVENTS_PER_TRANSACTION - 1);
            }
            try {
                MapOrderView.Applied result = view.apply(batch);
                long position = batch.get(batch.size() - 1).end();
                // Memory lets go of what the view now has before anyone waiting for the view is woken: a reader
                // that waited then sees the view and memory agree.
                listener.projected(position, result.finalOrderIds(), result.alertIds());
                synchronized (progress) {
                    projected = position;
                    progress.notifyAll();
                }
                batch.clear();
            } catch (RuntimeException e) {
                log.warn("the order view could not take {} events; retrying: {}", batch.size(), e.toString());
                if (closed) {
                    break; // the journal has them: the next start catches the view up
                }
                sleepQuietly(250);
                dropWhatTheViewHas(batch);
            }
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /**
     * A commit can fail after it reached the file (the error came on the way back): the view's own position
     * says which events it has, so none is applied twice.
     */
    private void dropWhatTheViewHas(List<Positioned> batch) {
        try {
            long has = view.checkpoint();
            batch.removeIf(p -> p.end() <= has);
        } catch (RuntimeException e) {
            // still down: the next try asks again
        }
    }

    /** Forces the view's file to disk, so journal segments it has taken can be deleted. */
    void sync() {
        view.sync();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Projects what is queued (up to a few seconds), then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
