package com.fks.execution.execution;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The engine's queue of order ids and the threads that work it. A worker holds its order through an exchange call
 * and a durable write, so the engine needs about one thread per order in those waits: a few for a fast exchange at
 * a steady rate, up to the maximum when a venue is slow or a burst arrives. {@code core} threads are started at
 * once and kept; more are started when an id is queued and fewer workers are idle than ids wait, up to
 * {@code max}; a thread beyond the core that has had nothing to do for {@code idleTimeout} ends.
 */
final class EngineWorkers {
    /** How often an idle worker looks whether the engine is still running (and whether it has idled long enough). */
    private static final long POLL_MILLIS = 200;

    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger idle = new AtomicInteger();
    private final AtomicInteger named = new AtomicInteger();
    private final int core;
    private final int max;
    private final long idleTimeoutNanos;
    private final String namePrefix;
    private volatile Consumer<String> work;
    private volatile BooleanSupplier running;

    EngineWorkers(int core, int max, Duration idleTimeout, String namePrefix) {
        if (core < 1 || max < core) {
            throw new IllegalArgumentException("need 1 <= core <= max, got " + core + " and " + max);
        }
        this.core = core;
        this.max = max;
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.namePrefix = namePrefix;
    }

    /** Starts the core threads; each runs {@code work} for one order id at a time while {@code running} holds. */
    void start(Consumer<String> work, BooleanSupplier running) {
        this.work = work;
        this.running = running;
        for (int i = 0; i < core; i++) {
            count.incrementAndGet();
            startThread();
        }
    }

    /** Queues an order id, and starts a thread when every worker is busy and there is room for one more. */
    void add(String orderId) {
        queue.add(orderId);
        growIfNeeded();
    }

    /** Threads working or waiting for work now. */
    int threads() {
        return count.get();
    }

    /** Waits for every worker to end (after {@code running} turned false), until the deadline at most. */
    void awaitStopped(long deadlineNanos) throws InterruptedException {
        for (Thread thread : Set.copyOf(threads)) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            thread.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        }
    }

    private void growIfNeeded() {
        BooleanSupplier isRunning = running;
        if (isRunning == null || !isRunning.getAsBoolean() || idle.get() >= queue.size()) {
            return;
        }
        while (true) {
            int n = count.get();
            if (n >= max) {
                return;
            }
            if (count.compareAndSet(n, n + 1)) {
                startThread();
                return;
            }
        }
    }

    private void startThread() {
        Thread thread = new Thread(this::loop, namePrefix + named.getAndIncrement());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private void loop() {
        long idleSince = System.nanoTime();
        boolean retired = false;
        try {
            while (running.getAsBoolean()) {
                String orderId;
                idle.incrementAndGet();
                try {
                    orderId = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                } finally {
                    idle.decrementAndGet();
                }
                if (orderId == null) {
                    if (System.nanoTime() - idleSince > idleTimeoutNanos && retire()) {
                        retired = true;
                        return;
                    }
                    continue;
                }
                // An id added while this one was being taken may have counted this worker as idle.
                growIfNeeded();
                work.accept(orderId);
                idleSince = System.nanoTime();
            }
        } finally {
            if (!retired) {
                count.decrementAndGet();
            }
            threads.remove(Thread.currentThread());
        }
    }

    /** Ends this thread if it is beyond the core; an id queued meanwhile gets a thread (this one stays). */
    private boolean retire() {
        while (true) {
            int n = count.get();
            if (n <= core || !queue.isEmpty()) {
                return false;
            }
            if (count.compareAndSet(n, n - 1)) {
                if (!queue.isEmpty()) {
                    growIfNeeded();
                }
                return true;
            }
        }
    }
}
