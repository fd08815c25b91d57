package com.fks.execution.ratelimit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

final class LocalRateLimiterTest {

    @Test
    void shouldAllowNRequestsThenRefuseWithARetryAfterOfAtLeastOneSecond() {
        // given
        LocalRateLimiter limiter = new LocalRateLimiter(3, Duration.ofSeconds(60));

        // when
        List<RateLimiter.Decision> decisions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            decisions.add(limiter.tryAcquire("203.0.113.9"));
        }

        // then
        assertThat(decisions).extracting(RateLimiter.Decision::allowed).containsExactly(true, true, true, false, false);
        assertThat(decisions.get(0).retryAfterSeconds()).isZero();
        assertThat(decisions.get(3).retryAfterSeconds()).isBetween(59L, 60L);
        assertThat(decisions.get(4).retryAfterSeconds()).isBetween(59L, 60L);
    }

    @Test
    void shouldAnswerARetryAfterOfOneSecondForAShortWindow() {
        // given
        LocalRateLimiter limiter = new LocalRateLimiter(1, Duration.ofMillis(200));
        limiter.tryAcquire("a");

        // when
        RateLimiter.Decision refused = limiter.tryAcquire("a");

        // then: never 0, which would tell TradingView (or anyone) to retry at once
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void shouldKeepClientsApart() {
        // given
        LocalRateLimiter limiter = new LocalRateLimiter(2, Duration.ofSeconds(60));
        limiter.tryAcquire("a");
        limiter.tryAcquire("a");

        // when
        RateLimiter.Decision a = limiter.tryAcquire("a");
        RateLimiter.Decision b = limiter.tryAcquire("b");

        // then
        assertThat(a.allowed()).isFalse();
        assertThat(b.allowed()).isTrue();
        assertThat(limiter.tryAcquire("b").allowed()).isTrue();
        assertThat(limiter.tryAcquire("b").allowed()).isFalse();
    }

    @Test
    void shouldRefillTheWholeAllowanceAfterTheWindow() {
        // given
        LocalRateLimiter limiter = new LocalRateLimiter(2, Duration.ofMillis(300));
        assertThat(limiter.tryAcquire("a").allowed()).isTrue();
        assertThat(limiter.tryAcquire("a").allowed()).isTrue();
        assertThat(limiter.tryAcquire("a").allowed()).isFalse();
        long refusedAt = System.nanoTime();

        // when
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> limiter.tryAcquire("a").allowed());
        long waitedMillis = (System.nanoTime() - refusedAt) / 1_000_000;

        // then: not before the window, and N again (one just taken, one left, then refused)
        assertThat(waitedMillis).isGreaterThanOrEqualTo(100);
        assertThat(limiter.tryAcquire("a").allowed()).isTrue();
        assertThat(limiter.tryAcquire("a").allowed()).isFalse();
    }

    @Test
    void shouldNotRefillBeforeTheWindowIsOver() throws Exception {
        // given
        LocalRateLimiter limiter = new LocalRateLimiter(1, Duration.ofSeconds(30));
        limiter.tryAcquire("a");

        // when
        Thread.sleep(200);

        // then
        assertThat(limiter.tryAcquire("a").allowed()).isFalse();
    }

    @Test
    void shouldAllowExactlyNUnderConcurrentRequests() throws Exception {
        // given
        LocalRateLimiter limiter = new LocalRateLimiter(50, Duration.ofSeconds(60));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger allowed = new AtomicInteger();

        // when
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(pool.submit(() -> {
                    if (limiter.tryAcquire("same-client").allowed()) {
                        allowed.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        // then
        assertThat(allowed.get()).isEqualTo(50);
    }

    @Test
    void shouldDropIdleClientsOnceItTracksMoreThan10000() {
        // given
        LocalRateLimiter limiter = new LocalRateLimiter(5, Duration.ofMillis(50));
        for (int i = 0; i < 10_000; i++) {
            limiter.tryAcquire("client-" + i);
        }
        assertThat(limiter.trackedClients()).isEqualTo(10_000);

        // when: two windows later, one more client arrives
        await().pollDelay(Duration.ofMillis(150)).atMost(Duration.ofSeconds(2)).until(() -> true);
        limiter.tryAcquire("newcomer");

        // then
        assertThat(limiter.trackedClients()).isEqualTo(1);
    }

    @Test
    void shouldNotForgetAnActiveClientsUsageWhenEvicting() {
        // given: an active client has used its allowance; 10 000 others come and go
        LocalRateLimiter limiter = new LocalRateLimiter(1, Duration.ofSeconds(60));
        limiter.tryAcquire("active");
        for (int i = 0; i <= 10_000; i++) {
            limiter.tryAcquire("client-" + i);
        }

        // when
        RateLimiter.Decision decision = limiter.tryAcquire("active");

        // then
        assertThat(decision.allowed()).isFalse();
    }

    @Test
    void shouldCapAClientAtALoweredLimitAtItsNextRequest() {
        // given a limit of 10 (a replica's share of 30 among three), a client that has used 4
        AtomicInteger limit = new AtomicInteger(10);
        LocalRateLimiter limiter = new LocalRateLimiter(limit::get, Duration.ofSeconds(60));
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.tryAcquire("a").allowed()).isTrue();
        }

        // when the limit drops to 5 (a fourth replica came up)
        limit.set(5);
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            allowed += limiter.tryAcquire("a").allowed() ? 1 : 0;
        }

        // then the 6 tokens it still had are cut to 5, not kept
        assertThat(allowed).isEqualTo(5);
    }

    @Test
    void shouldGiveNoTokensForARaisedLimitUntilTheNextRefill() {
        // given a client that has used its whole 5
        AtomicInteger limit = new AtomicInteger(5);
        LocalRateLimiter limiter = new LocalRateLimiter(limit::get, Duration.ofMillis(500));
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire("a").allowed()).isTrue();
        }

        // when the limit rises to 10 (a replica went away)
        limit.set(10);
        RateLimiter.Decision rightAfter = limiter.tryAcquire("a");

        // then nothing more in this window (the replica that left used its share of it), 10 in the next
        assertThat(rightAfter.allowed()).isFalse();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> limiter.tryAcquire("a").allowed());
        int allowed = 1;
        while (limiter.tryAcquire("a").allowed()) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(10);
    }
}
