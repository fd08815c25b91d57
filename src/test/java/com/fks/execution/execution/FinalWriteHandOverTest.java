package com.fks.execution.execution;

import com.fks.execution.config.Settings;
import com.fks.execution.exchange.ExchangeRegistry;
import com.fks.execution.exchange.paper.MapPaperBook;
import com.fks.execution.exchange.paper.PaperBook;
import com.fks.execution.exchange.paper.PaperExchange;
import com.fks.execution.metrics.ExecutionMetrics;
import com.fks.execution.order.Database;
import com.fks.execution.order.NewOrder;
import com.fks.execution.order.OrderStatus;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.RecordResult;
import com.fks.execution.order.Side;
import com.fks.execution.order.journal.JournalOrderStore;
import com.fks.execution.risk.KillSwitch;
import com.fks.execution.risk.RiskCheck;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An engine worker does not wait for an order's final write to be durable: it goes on to the next order, and what
 * follows the write (the order leaving the engine, its metrics) is done once the store has answered. Until then the
 * order keeps its queue slot; a write that fails is retried, and the order still trades once; a drain waits for the
 * answers in flight. The journal store is real; only its answers are held, as a stalled disk would hold them.
 */
final class FinalWriteHandOverTest {
    private static final int ORDERS = 40;
    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    Path tmp;

    private HikariDataSource view;
    private HeldAnswersStore store;
    private PaperBook book;
    private ExecutionEngine engine;

    @BeforeEach
    void start() {
        view = Database.open(new Settings.Database(null, null, null), tmp);
        JournalOrderStore journal = JournalOrderStore.open(tmp.resolve("journal"), () -> view, view, CLOCK);
        journal.awaitOpen();
        store = new HeldAnswersStore(journal);
        book = MapPaperBook.in(tmp.resolve("paper"), Map.of("USDT", new BigDecimal("100000000")), null);
        engine = new ExecutionEngine(store, new ExchangeRegistry(List.of(new PaperExchange(book, Duration.ZERO, 0.0,
                CLOCK))), new KillSwitch(store, CLOCK), new RiskCheck(null), new ExecutionMetrics(),
                new ExecutionEngine.Limits(ORDERS * 2, Duration.ofSeconds(30), Duration.ofSeconds(60), 5,
                        Duration.ofSeconds(30)), "replica-test", true, CLOCK);
        engine.start();
    }

    @AfterEach
    void stop() throws Exception {
        store.release();
        engine.close();
        store.close();
        book.close();
    }

    @Test
    void shouldPlaceEveryOrderWithTheCoreWorkersWhileTheFinalWritesAreNotAnswered() throws Exception {
        store.hold();

        List<String> ids = submit(ORDERS);

        // every order reaches the exchange though none of their final writes has been answered
        await().atMost(Duration.ofSeconds(20)).until(() -> fills() == ORDERS);
        assertThat(engine.workerThreads()).as("engine workers while %d final writes wait", ORDERS)
                .isLessThanOrEqualTo(ExecutionEngine.CORE_WORKERS);
        // and each order keeps its queue slot until its write is answered
        assertThat(engine.depth()).isEqualTo(ORDERS);

        store.release();

        await().atMost(Duration.ofSeconds(10)).until(() -> engine.depth() == 0);
        for (String id : ids) {
            assertThat(store.find(id).orElseThrow().status()).isEqualTo(OrderStatus.FILLED);
        }
        assertThat(fills()).isEqualTo(ORDERS);
    }

    @Test
    void shouldLookAtAnOrderAgainWhenItsFinalWriteFailsAndTradeItOnce() throws Exception {
        store.failNextFinal();

        String id = submit(1).get(0);

        await().atMost(Duration.ofSeconds(10)).until(() -> store.find(id).orElseThrow().status() == OrderStatus.FILLED);
        assertThat(store.failed()).containsExactly(id);
        assertThat(fills()).as("found at the exchange by its client order id, not sent again").isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.depth() == 0);
    }

    @Test
    void shouldDrainOnlyOnceTheFinalWritesInFlightAreAnswered() throws Exception {
        store.hold();
        List<String> ids = submit(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> fills() == 3);

        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> engine.drain(Duration.ofSeconds(20)));
        Thread.sleep(500);
        assertThat(drained).as("drained with three answers outstanding").isNotDone();

        store.release();

        drained.get(10, TimeUnit.SECONDS);
        assertThat(engine.depth()).isZero();
        for (String id : ids) {
            assertThat(store.find(id).orElseThrow().status()).isEqualTo(OrderStatus.FILLED);
        }
    }

    private List<String> submit(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
            NewOrder order = new NewOrder(id, "alert-" + id, "fks" + id, "paper", "BTCUSDT", Side.BUY,
                    OrderType.MARKET, new BigDecimal("0.01"), new BigDecimal("30000"), null, null, "{}",
                    CLOCK.instant());
            assertThat(engine.tryReserve()).isTrue();
            RecordResult result = store.recordAndHandOver(order, engine.owner(), engine.leaseUntil(),
                    ExecutionEngine.DEDUP_WINDOW, engine.sendsAsRecorded(order),
                    recorded -> engine.submit(recorded.orderId(), recorded.submitting()));
            assertThat(result).isInstanceOf(RecordResult.Recorded.class);
            ids.add(id);
        }
        return ids;
    }

    private long fills() throws Exception {
        return book.fills().size();
    }
}
