package com.fks.execution.execution;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EngineWorkersTest {
    private static final Duration STALL = Duration.ofMillis(2);
    private volatile boolean running = true;
    private final CountDownLatch release = new CountDownLatch(1);
    private final Set<String> inHand = ConcurrentHashMap.newKeySet();
    private final List<String> done = new CopyOnWriteArrayList<>();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        running = false;
        release.countDown();
        timer.shutdownNow();
    }

    private void holdUntilReleased(String orderId) {
        inHand.add(orderId);
        mostAtOnce.accumulateAndGet(inHand.size(), Math::max);
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inHand.remove(orderId);
        done.add(orderId);
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    @Test
    void shouldStartTheCoreAtOnceAndNoMoreWhileNothingIsQueued() throws InterruptedException {
        EngineWorkers workers = new EngineWorkers(3, 10, STALL, Duration.ofSeconds(60), timer, "test-core-");
        workers.start(this::holdUntilReleased, () -> running);

        Thread.sleep(300);
        assertThat(workers.threads()).isEqualTo(3);
        assertThat(threadsNamed("test-core-")).isEqualTo(3);
    }

    @Test
    void shouldStartAThreadForEachOrderThatWaitedTheStallWhileEveryWorkerIsBusyUpToTheMaximum() {
        EngineWorkers workers = new EngineWorkers(2, 6, STALL, Duration.ofSeconds(60), timer, "test-grow-");
        workers.start(this::holdUntilReleased, () -> running);

        for (int i = 0; i < 7; i++) {
            workers.add("o" + i);
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> inHand.size() == 6);
        assertThat(workers.threads()).isEqualTo(6);
        // the seventh waits for a free worker, none is started beyond the maximum
        assertThat(threadsNamed("test-grow-")).isEqualTo(6);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> done.size() == 7);
        assertThat(mostAtOnce.get()).isEqualTo(6);
        assertThat(done).containsExactlyInAnyOrder("o0", "o1", "o2", "o3", "o4", "o5", "o6");
    }

    @Test
    void shouldStartNoThreadForABurstOfShortTasksThatTheBusyWorkersClearWithinTheStall() {
        // A stall long enough that a loaded machine's scheduling does not reach it: 500 short tasks take well under.
        EngineWorkers workers = new EngineWorkers(2, 16, Duration.ofMillis(500), Duration.ofSeconds(60), timer,
                "test-burst-");
        workers.start(done::add, () -> running);

        for (int i = 0; i < 500; i++) {
            workers.add("o" + i);
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> done.size() == 500);
        assertThat(workers.threads()).isEqualTo(2);
        assertThat(threadsNamed("test-burst-")).isEqualTo(2);
    }

    @Test
    void shouldEndTheThreadsBeyondTheCoreOnceNoWorkerIsBlocked() {
        EngineWorkers workers = new EngineWorkers(2, 8, STALL, Duration.ofMillis(300), timer, "test-idle-");
        workers.start(this::holdUntilReleased, () -> running);
        for (int i = 0; i < 8; i++) {
            workers.add("o" + i);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> inHand.size() == 8);

        release.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> workers.threads() == 2 && threadsNamed("test-idle-") == 2);
        // the core still takes work
        workers.add("after");
        await().atMost(Duration.ofSeconds(5)).until(() -> done.contains("after"));
    }

    @Test
    void shouldEndTheThreadsBeyondTheCoreWhileShortTasksKeepEveryOneOfThemBusyInTurn() throws Exception {
        EngineWorkers workers = new EngineWorkers(2, 8, STALL, Duration.ofMillis(300), timer, "test-stream-");
        AtomicInteger shortDone = new AtomicInteger();
        workers.start(id -> {
            if (id.startsWith("slow")) {
                holdUntilReleased(id);
            } else {
                shortDone.incrementAndGet();
            }
        }, () -> running);
        for (int i = 0; i < 8; i++) {
            workers.add("slow" + i);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> inHand.size() == 8);
        release.countDown();

        // A short task every millisecond for 4 s: the queue hands them to every worker in turn, so none is idle long.
        AtomicInteger sent = new AtomicInteger();
        Thread stream = new Thread(() -> {
            long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < end) {
                workers.add("short" + sent.getAndIncrement());
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        stream.start();

        await().atMost(Duration.ofSeconds(3)).until(() -> workers.threads() == 2 && threadsNamed("test-stream-") == 2);
        assertThat(stream.isAlive()).as("back to the core while the stream still runs").isTrue();
        stream.join();
        await().atMost(Duration.ofSeconds(5)).until(() -> shortDone.get() == sent.get());
    }

    @Test
    void shouldEndEveryThreadOnceStoppedAndStartNoneAfter() throws InterruptedException {
        EngineWorkers workers = new EngineWorkers(4, 8, STALL, Duration.ofSeconds(60), timer, "test-stop-");
        workers.start(this::holdUntilReleased, () -> running);

        running = false;
        workers.awaitStopped(System.nanoTime() + Duration.ofSeconds(5).toNanos());

        assertThat(workers.threads()).isZero();
        assertThat(threadsNamed("test-stop-")).isZero();
        workers.add("late");
        Thread.sleep(300);
        assertThat(threadsNamed("test-stop-")).isZero();
        assertThat(done).isEmpty();
    }
}
