package com.fks.execution.order;

import com.fks.execution.config.Settings;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** The live replica count in the store (H2 here, with the real migrations; PostgreSQL in the replica tests). */
final class JdbcReplicaRegistryTest {
    private static final Duration TTL = Duration.ofSeconds(15);

    @TempDir
    Path tempDir;

    private HikariDataSource dataSource;
    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-02T03:04:05Z"));
    private final List<JdbcReplicaRegistry> registries = new ArrayList<>();

    @BeforeEach
    void open() {
        dataSource = Database.open(new Settings.Database(null, null, null), tempDir);
    }

    @AfterEach
    void close() {
        registries.forEach(JdbcReplicaRegistry::close);
        dataSource.close();
    }

    @Test
    void shouldCountEveryReplicaThatBeatsIncludingItself() {
        // given three replicas started one after the other
        JdbcReplicaRegistry a = started("a");
        JdbcReplicaRegistry b = started("b");
        JdbcReplicaRegistry c = started("c");

        // when each beats once more
        a.beat();
        b.beat();
        c.beat();

        // then each sees three
        assertThat(List.of(a.liveReplicas(), b.liveReplicas(), c.liveReplicas())).containsOnly(OptionalInt.of(3));
    }

    @Test
    void shouldStopCountingAReplicaThatDrainedAtTheOthersNextBeat() {
        // given
        JdbcReplicaRegistry a = started("a");
        JdbcReplicaRegistry b = started("b");
        a.beat();
        assertThat(a.liveReplicas()).hasValue(2);

        // when b drains
        b.close();
        a.beat();

        // then
        assertThat(a.liveReplicas()).hasValue(1);
    }

    @Test
    void shouldStopCountingAReplicaThatStoppedBeatingOnceItsTimeToLiveIsOver() {
        // given a and b alive; b then stops beating, as when killed (no drain: its row stays)
        JdbcReplicaRegistry a = started("a");
        new JdbcReplicaRegistry(dataSource, "b", TTL, clock).beat();
        a.beat();
        assertThat(a.liveReplicas()).hasValue(2);

        // when a keeps beating and b does not, until just before and then past b's time to live
        clock.advance(TTL.minusMillis(1));
        a.beat();
        OptionalInt justBefore = a.liveReplicas();
        clock.advance(Duration.ofMillis(1));
        a.beat();

        // then
        assertThat(justBefore).hasValue(2);
        assertThat(a.liveReplicas()).hasValue(1);
    }

    @Test
    void shouldSayItCannotTellOnceNoBeatHasReachedTheStoreForItsTimeToLive() {
        // given
        JdbcReplicaRegistry a = started("a");
        assertThat(a.liveReplicas()).hasValue(1);

        // when the store goes away and the beats fail
        dataSource.close();
        clock.advance(TTL.dividedBy(2));
        a.beat();
        OptionalInt stillRecent = a.liveReplicas();
        clock.advance(TTL);
        a.beat();

        // then the last count holds for a time to live after it was read, then the count is unknown
        assertThat(stillRecent).hasValue(1);
        assertThat(a.liveReplicas()).isEmpty();
    }

    @Test
    void shouldKnowNothingBeforeItStarts() {
        JdbcReplicaRegistry a = new JdbcReplicaRegistry(dataSource, "a", TTL, clock);
        registries.add(a);

        assertThat(a.liveReplicas()).isEmpty();
    }

    private JdbcReplicaRegistry started(String owner) {
        JdbcReplicaRegistry registry = new JdbcReplicaRegistry(dataSource, owner, TTL, clock);
        registries.add(registry);
        registry.start();
        return registry;
    }

    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
