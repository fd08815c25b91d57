package com.fks.execution.risk;

import com.fks.execution.config.Settings;
import com.fks.execution.order.Database;
import com.fks.execution.order.JdbcOrderStore;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

final class KillSwitchTest {
    @TempDir
    Path tempDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));
    private JdbcOrderStore store;

    @BeforeEach
    void openStore() {
        store = open();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void shouldNotBeHaltedOnAFreshStore() {
        // when / then
        assertThat(new KillSwitch(store, clock).isHalted()).isFalse();
    }

    @Test
    void shouldHaltAndResume() {
        // given
        KillSwitch killSwitch = new KillSwitch(store, clock);

        // when / then
        killSwitch.halt();
        assertThat(killSwitch.isHalted()).isTrue();
        killSwitch.resume();
        assertThat(killSwitch.isHalted()).isFalse();
    }

    @Test
    void shouldStayHaltedForANewKillSwitchOnTheSameStore() {
        // given
        new KillSwitch(store, clock).halt();

        // when
        KillSwitch afterRestart = new KillSwitch(store, clock);

        // then
        assertThat(afterRestart.isHalted()).isTrue();
        assertThat(store.state("trading_halted")).contains("true");
    }

    @Test
    void shouldStayHaltedAcrossAReopenedStore() {
        // given
        new KillSwitch(store, clock).halt();
        store.close();

        // when
        store = open();

        // then
        assertThat(new KillSwitch(store, clock).isHalted()).isTrue();
    }

    @Test
    void shouldSeeAnotherReplicasHaltWithinTheRefreshInterval() {
        // given: two replicas on one store
        KillSwitch replicaA = new KillSwitch(store, clock);
        KillSwitch replicaB = new KillSwitch(store, clock);
        assertThat(replicaB.isHalted()).isFalse();

        // when
        replicaA.halt();

        // then: B may answer from its cache until the refresh interval has passed, not after
        clock.advance(KillSwitch.REFRESH);
        assertThat(replicaB.isHalted()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(replicaB.isHalted()).isTrue();
    }

    @Test
    void shouldKeepTheLastKnownStateWhileTheStoreIsDown() {
        // given
        KillSwitch killSwitch = new KillSwitch(store, clock);
        killSwitch.halt();

        // when
        store.close();
        clock.advance(Duration.ofSeconds(10));

        // then: fail safe, no exception and still halted
        assertThat(killSwitch.isHalted()).isTrue();
    }

    @Test
    void shouldCountAsHaltedUntilTheStoreHasBeenRead() {
        // given a store that cannot be read when the switch is first asked
        store.close();

        // then: an unknown state trades nothing
        assertThat(new KillSwitch(store, clock).isHalted()).isTrue();
    }

    private JdbcOrderStore open() {
        HikariDataSource dataSource = Database.open(new Settings.Database(null, null, null), tempDir);
        return new JdbcOrderStore(dataSource, dataSource);
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
