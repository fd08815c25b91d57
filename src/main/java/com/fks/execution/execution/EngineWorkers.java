package com.fks.execution.execution;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The engine's queue of work (order ids, and what follows an order's final write) and the threads that work it.
 * Most tasks are short: a fast exchange answers in a millisecond or two and the final write is not waited for. A
 * worker blocks in an exchange call (up to its timeout, or a paper venue's simulated latency) or a wait on the
 * store, so the engine needs more than {@code core} threads only while workers are blocked.
 * <ul>
 * <li>{@code core} threads are started at once and kept.</li>
 * <li>When a task has waited {@code stall} in the queue, a thread is started for each blocked worker (waiting in
 * its task, not idle), so that {@code core} can run, up to {@code max} in all. A queue that waits because the
 * machine's cores are busy (the workers runnable) or a lock is (the workers BLOCKED on it) starts none: more
 * threads would only share the same cores, or queue for the same lock.</li>
 * <li>While there are more than {@code core}, a look every {@code shrinkEvery} counts the workers beyond
 * {@code core} that could run; that many end after their task, unless a task has stalled meanwhile. A thread does
 * not wait to be idle for long to end: the queue hands tasks to the workers in turn, so none would be.</li>
 * </ul>
 */
final class EngineWorkers {
    /** How often an idle worker looks whether the engine is still running (and whether it is one too many). */
    private static final long POLL_MILLIS = 200;

    private record Queued(Runnable task, long queuedAt) {
    }

    private final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger idle = new AtomicInteger();
    private final AtomicInteger named = new AtomicInteger();
    /** Workers that may end after their task, as the last look found. */
    private final AtomicInteger surplus = new AtomicInteger();
    private final AtomicBoolean stallLookArmed = new AtomicBoolean();
    private final AtomicBoolean surplusLookArmed = new AtomicBoolean();
    private final int core;
    private final int max;
    private final long stallNanos;
    private final long shrinkEveryNanos;
    private final ScheduledExecutorService timer;
    private final String namePrefix;
    private volatile Consumer<String> work;
    private volatile BooleanSupplier running;

    EngineWorkers(int core, int max, Duration stall, Duration shrinkEvery, ScheduledExecutorService timer,
                  String namePrefix) {
        if (core < 1 || max < core) {
            throw new IllegalArgumentException("need 1 <= core <= max, got " + core + " and " + max);
        }
        this.core = core;
        this.max = max;
        this.stallNanos = stall.toNanos();
        this.shrinkEveryNanos = shrinkEvery.toNanos();
        this.timer = timer;
        this.namePrefix = namePrefix;
    }

    /** Starts the core threads; each runs one task at a time ({@code work} for an order id) while {@code running} holds. */
    void start(Consumer<String> work, BooleanSupplier running) {
        this.work = work;
        this.running = running;
        for (int i = 0; i < core; i++) {
            count.incrementAndGet();
            startThread();
        }
    }

    /** Queues an order id for the next free worker. */
    void add(String orderId) {
        execute(() -> work.accept(orderId));
    }

    /** Queues a task for the next free worker; more workers are started if it waits {@code stall}. */
    void execute(Runnable task) {
        queue.add(new Queued(task, System.nanoTime()));
        if (idle.get() < queue.size()) {
            armStallLook();
        }
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

    /** One look, {@code stall} from now, at whether the oldest task still waits (at most one look pending). */
    private void armStallLook() {
        if (isRunning() && count.get() < max && stallLookArmed.compareAndSet(false, true)
                && !schedule(this::lookForStall, stallNanos)) {
            stallLookArmed.set(false);
        }
    }

    private void lookForStall() {
        stallLookArmed.set(false);
        if (stalled()) {
            surplus.set(0);
            int idleNow = idle.get();
            int canRun = count.get() - blockedBusy(idleNow);
            for (int wanted = Math.min(queue.size() - idleNow, core - canRun); wanted > 0 && tryAddThread(); wanted--) {
                // one thread for each blocked worker, while tasks wait that the idle workers will not take
            }
        }
        if (!queue.isEmpty()) {
            armStallLook();
        }
    }

    private void armSurplusLook() {
        if (count.get() > core && surplusLookArmed.compareAndSet(false, true)
                && !schedule(this::lookForSurplus, shrinkEveryNanos)) {
            surplusLookArmed.set(false);
        }
    }

    private void lookForSurplus() {
        surplusLookArmed.set(false);
        int n = count.get();
        int canRun = n - blockedBusy(idle.get());
        surplus.set(stalled() ? 0 : Math.max(0, Math.min(n - core, canRun - core)));
        armSurplusLook();
    }

    private boolean stalled() {
        Queued oldest = queue.peek();
        return oldest != null && System.nanoTime() - oldest.queuedAt() >= stallNanos;
    }

    /**
     * Workers blocked in their task (an exchange's answer, a sleep, the store), not among the {@code idleNow}
     * waiting for a task. One waiting for a monitor (BLOCKED, e.g. the paper book's) is not counted: another worker
     * holds it and runs, and a thread more would only queue behind it.
     */
    private int blockedBusy(int idleNow) {
        int waiting = 0;
        for (Thread thread : threads) {
            Thread.State state = thread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                waiting++;
            }
        }
        return Math.max(0, waiting - idleNow);
    }

    private boolean schedule(Runnable look, long delayNanos) {
        try {
            timer.schedule(look, delayNanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // stopping: the workers there finish what is queued
        }
    }

    private boolean isRunning() {
        BooleanSupplier isRunning = running;
        return isRunning != null && isRunning.getAsBoolean();
    }

    private boolean tryAddThread() {
        if (!isRunning()) {
            return false;
        }
        while (true) {
            int n = count.get();
            if (n >= max) {
                return false;
            }
            if (count.compareAndSet(n, n + 1)) {
                startThread();
                armSurplusLook();
                return true;
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
        boolean retired = false;
        try {
            while (running.getAsBoolean()) {
                Queued next;
                idle.incrementAndGet();
                try {
                    next = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                } finally {
                    idle.decrementAndGet();
                }
                if (next != null) {
                    // A task added while this one was being taken may have counted this worker as idle.
                    if (idle.get() < queue.size()) {
                        armStallLook();
                    }
                    next.task().run();
                }
                if (surplus.get() > 0 && retire()) {
                    retired = true;
                    return;
                }
            }
        } finally {
            if (!retired) {
                count.decrementAndGet();
            }
            threads.remove(Thread.currentThread());
        }
    }

    /** Ends this thread if it is one of the surplus and beyond the core. */
    private boolean retire() {
        while (true) {
            int left = surplus.get();
            if (left <= 0) {
                return false;
            }
            if (surplus.compareAndSet(left, left - 1)) {
                break;
            }
        }
        while (true) {
            int n = count.get();
            if (n <= core) {
                return false;
            }
            if (count.compareAndSet(n, n - 1)) {
                if (!queue.isEmpty()) {
                    armStallLook();
                }
                return true;
            }
        }
    }
}
