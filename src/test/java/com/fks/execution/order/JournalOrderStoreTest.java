package com.fks.execution.order;

import com.fks.execution.config.Settings;
import com.fks.execution.order.journal.JournalOrderStore;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded store (journal + view) keeps the store contract; the journal's own promises (torn tails,
 * corruption, segments, the upgrade from the H2 store) are in the journal package's tests.
 */
final class JournalOrderStoreTest extends OrderStoreContract {

    @Test
    void shouldKeepOpenOrdersClaimableByANewProcessAfterAReopen() {
        // given an order held by a process that stopped
        store.record(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY);
        store.record(order("o2", "alert-2", T0), "replica-a", T0.plus(LEASE), DAY);
        store.transition("o2", "replica-a", OrderUpdate.of(OrderStatus.ACCEPTED, OrderStatus.SUBMITTING), T0);
        store.transition("o2", "replica-a", OrderUpdate.of(OrderStatus.SUBMITTING, OrderStatus.FILLED), T0);
        store.close();

        // when the next process opens the same folder
        store = open();

        // then its open order is there to claim at once (leases died with the process), the final one is not
        assertThat(store.claimExpired("replica-b", T0, T0.plus(LEASE), 10)).containsExactly("o1");
        assertThat(store.findForExecution("o2").orElseThrow().status()).isEqualTo(OrderStatus.FILLED);
    }

    @Test
    void shouldForceAnOrderToSendAsItIsOnceWithItsStepToSubmittingAndKeepItAcrossAReopen() {
        // given
        JournalOrderStore journal = (JournalOrderStore) store;
        long forcesBefore = journal.forces();

        // when an order the engine sends as it is gets recorded
        RecordResult result = store.recordAndHandOver(order("o1", "alert-1", T0), "replica-a", T0.plus(LEASE), DAY,
                true, recorded -> { });

        // then its acceptance and its step to SUBMITTING took one force between them, not two
        assertThat(result).isEqualTo(new RecordResult.Recorded("o1", true));
        assertThat(journal.forces() - forcesBefore).isEqualTo(1);
        assertThat(store.findForExecution("o1").orElseThrow().status()).isEqualTo(OrderStatus.SUBMITTING);

        // and a process that opens the folder next finds it in SUBMITTING: it asks the exchange before any send
        store.close();
        store = open();
        Order reopened = store.find("o1").orElseThrow();
        assertThat(reopened.status()).isEqualTo(OrderStatus.SUBMITTING);
        assertThat(reopened.attempts()).isEqualTo(1);
        assertThat(store.claimExpired("replica-b", T0, T0.plus(LEASE), 10)).containsExactly("o1");
    }

    @Override
    protected OrderStore open() {
        HikariDataSource view = Database.open(new Settings.Database(null, null, null), tempDir);
        JournalOrderStore journal = JournalOrderStore.open(tempDir.resolve("journal"), () -> view, view,
                Clock.systemUTC());
        journal.awaitOpen();
        return journal;
    }
}
