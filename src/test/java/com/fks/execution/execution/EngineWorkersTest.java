package com.fks.execution.execution;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EngineWorkersTest {
    private volatile boolean running = true;
    private final CountDownLatch release = new CountDownLatch(1);
    private final Set<String> inHand = ConcurrentHashMap.newKeySet();
    private final List<String> done = new CopyOnWriteArrayList<>();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    @AfterEach
    void stop() {
        running = false;
        release.countDown();
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
        EngineWorkers workers = new EngineWorkers(3, 10, Duration.ofSeconds(60), "test-core-");
        workers.start(this::holdUntilReleased, () -> running);

        Thread.sleep(300);
        assertThat(workers.threads()).isEqualTo(3);
        assertThat(threadsNamed("test-core-")).isEqualTo(3);
    }

    @Test
    void shouldStartAThreadForEachOrderWaitingWhileEveryWorkerIsBusyUpToTheMaximum() {
        EngineWorkers workers = new EngineWorkers(2, 6, Duration.ofSeconds(60), "test-grow-");
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
    void shouldEndTheThreadsBeyondTheCoreThatIdledPastTheTimeout() {
        EngineWorkers workers = new EngineWorkers(2, 8, Duration.ofMillis(300), "test-idle-");
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
    void shouldEndEveryThreadOnceStoppedAndStartNoneAfter() throws InterruptedException {
        EngineWorkers workers = new EngineWorkers(4, 8, Duration.ofSeconds(60), "test-stop-");
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
