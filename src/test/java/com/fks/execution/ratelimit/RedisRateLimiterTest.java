package com.fks.execution.ratelimit;

import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.embedded.RedisServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared limit against a real Redis: exact under concurrency, one bucket per client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
final class RedisRateLimiterTest {
    private RedisServer redis;
    private String url;
    private RedisRateLimiter limiter;

    @BeforeEach
    void startRedis() throws Exception {
        int port = ServiceProcess.freePort();
        redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        redis.start();
        url = "redis://127.0.0.1:" + port;
    }

    @AfterEach
    void stop() throws Exception {
        if (limiter != null) {
            limiter.close();
        }
        redis.stop();
    }

    @Test
    void shouldAllowExactlyTheLimitWhenManyRequestsOfOneClientArriveTogether() throws Exception {
        // given a limit of 150 per five minutes
        int limit = 150;
        limiter = new RedisRateLimiter(url, null, limit, Duration.ofMinutes(5));
        limiter.checkHealth();

        // when 32 threads ask for 20 tokens each for the same client, all at once
        int threads = 32;
        int each = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<int[]>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    go.await();
                    int[] allowedAndRefused = new int[2];
                    for (int i = 0; i < each; i++) {
                        RateLimiter.Decision decision = limiter.tryAcquire("203.0.113.7");
                        if (decision.allowed()) {
                            allowedAndRefused[0]++;
                        } else {
                            assertThat(decision.retryAfterSeconds()).isBetween(1L, 300L);
                            allowedAndRefused[1]++;
                        }
                    }
                    return allowedAndRefused;
                }));
            }
            go.countDown();
            int allowed = 0;
            int refused = 0;
            for (Future<int[]> result : results) {
                int[] counts = result.get(30, TimeUnit.SECONDS);
                allowed += counts[0];
                refused += counts[1];
            }

            // then exactly the limit got through: requests that shared a round trip to Redis still each
            // took one token
            assertThat(allowed).isEqualTo(limit);
            assertThat(refused).isEqualTo(threads * each - limit);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldKeepCountingAClientInRedisAfterItsBucketObjectWasLetGo() {
        // given a limit of one, and a client that used it
        limiter = new RedisRateLimiter(url, null, 1, Duration.ofMinutes(5));
        limiter.checkHealth();
        assertThat(limiter.tryAcquire("198.51.100.1").allowed()).isTrue();

        // when more clients than the limiter keeps bucket objects for each make a request
        for (int i = 0; i < RedisRateLimiter.MAX_CLIENTS + 10; i++) {
            assertThat(limiter.tryAcquire("client-" + i).allowed()).as("client-" + i).isTrue();
        }

        // then each had its own bucket, and the first client is still refused: its count is in Redis
        assertThat(limiter.tryAcquire("198.51.100.1").allowed()).isFalse();
        assertThat(limiter.tryAcquire("client-0").allowed()).isFalse();
    }
}
