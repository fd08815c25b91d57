package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The embedded paper book (one process owns it): its orders in plain maps of an MVStore file of its own
 * (DATA_DIR/paper-book.mv.db), its balances in memory, worked out from the orders when it opens.
 *
 * <p>Each change is made by the calling thread, under one lock: the order's row appended to the book's log
 * ({@link PaperBookLog}, DATA_DIR/paper-book-log; written, not forced, so a kill -9 keeps it), then put into the
 * maps and its balances moved; the venue answers after that. The file is committed and forced once a second, off
 * that lock, and the log's segments it then holds are deleted; what came after is replayed from the log when the
 * book opens. A replayed change is applied as the H2 book applied it: a placed order as its whole row (the last
 * image wins), an end only to an order still resting.
 *
 * <p>Why not H2's tables ({@link JdbcPaperBook}, which a book shared by replicas still is): an order there was an
 * SQL insert into a table with two indexes, run on the book's writer thread, and most of the paper exchange's
 * allocation (docs/benchmarks.md, "The paper book on plain maps"). Here a fill is one put of ~200 bytes.
 *
 * <p>A book an earlier version kept in H2 (DATA_DIR/paper-exchange.mv.db and its log) is taken over once, when the
 * file is new: {@link Earlier}.
 */
public final class MapPaperBook implements PaperBook {
    private static final Logger log = LoggerFactory.getLogger(MapPaperBook.class);
    static final String FILE = "paper-book.mv.db";
    static final String LOG_FOLDER = "paper-book-log";
    private static final String IMPORTED = "imported";
    private static final int CACHE_MIB = 4;
    /** Commits between two compactions of sparse chunks: without them the file keeps every superseded page. */
    private static final int COMPACT_EVERY = 64;
    // The row's columns: JdbcPaperBook's ORDER_ROW, which is also what the log's PLACED records hold.
    private static final int EXCHANGE_ORDER_ID = 1;
    private static final int SYMBOL = 2;
    private static final int SIDE = 3;
    private static final int ORDER_TYPE = 4;
    private static final int QUANTITY = 5;
    private static final int PRICE = 6;
    private static final int FILLED_AT = 7;
    private static final int STATUS = 8;
    private static final int LIMIT_PRICE = 9;
    private static final int STOP_PRICE = 10;
    private static final int BASE = 11;
    private static final int QUOTE = 12;
    private static final int LOCKED = 13;
    private static final int PLACED_AT = 14;
    private static final String OPEN = ExchangeOrderStatus.OPEN.name();
    /** Orders of an earlier book taken over between two commits. */
    private static final int TAKE_OVER_COMMIT = 10_000;

    /** What an earlier version's book held, taken over when this book's file is new. */
    public interface Earlier {
        /**
         * Hands its orders to {@code into} one row at a time (JdbcPaperBook's columns; however many, they are
         * never all in the heap at once), then by asset what its balances held beyond them.
         */
        void takeInto(Into into) throws Exception;
    }

    /** Where an earlier book's orders and balances go. */
    public interface Into {
        void row(Object[] row);

        /** {traded, locked} of an asset that its orders do not explain. */
        void carry(String asset, BigDecimal traded, BigDecimal locked);
    }

    /** The maps of one open file. */
    private static final class Maps {
        final MVStore store;
        /** Client order id → the order's row ({@link PaperBookLog#encode}). */
        final MVMap<String, byte[]> orders;
        /** Symbol, NUL, placed at (16 hex digits), client order id → "": resting orders, oldest first. */
        final MVMap<String, String> resting;
        /** Asset → "traded locked": what an earlier book's balances held beyond its orders. */
        final MVMap<String, String> carry;
        final MVMap<String, String> meta;

        Maps(MVStore store) {
            this.store = store;
            this.orders = store.openMap("orders");
            this.resting = store.openMap("resting");
            this.carry = store.openMap("balance_carry");
            this.meta = store.openMap("meta");
        }
    }

    private final Path file;
    private final Path logFolder;
    private final Map<String, BigDecimal> starting;
    private final Earlier earlier;
    private final Duration checkpointEvery;
    /** Held by every change, and by opening and dropping the maps. */
    private final Object lock = new Object();
    /** Null until opened, and after a failure dropped them (the next call opens them again). */
    private Maps maps;
    private PaperBookLog changes;
    /** By asset, {traded, locked}: what the book's orders and the carry say, moved with each change. */
    private final Map<String, BigDecimal[]> balances = new HashMap<>();
    private ScheduledExecutorService checkpointing;
    private int checkpoints;
    /** The log's end that the last checkpoint reached (the checkpointing thread's). */
    private long lastCheckpointed = -1;
    private boolean closed;

    private MapPaperBook(Path dataDir, Map<String, BigDecimal> starting, Earlier earlier, Duration checkpointEvery) {
        this.file = dataDir.resolve(FILE);
        this.logFolder = dataDir.resolve(LOG_FOLDER);
        this.starting = Map.copyOf(starting);
        this.earlier = earlier;
        this.checkpointEvery = checkpointEvery;
    }

    /**
     * The book under {@code dataDir}, opened by {@link #open} (or by its first use).
     *
     * @param starting PAPER_BALANCES: what the account held before its first fill, by asset
     * @param earlier  what to take over when the file is new (an earlier version's H2 book), or null
     */
    public static MapPaperBook in(Path dataDir, Map<String, BigDecimal> starting, Earlier earlier) {
        return new MapPaperBook(dataDir, starting, earlier, Duration.ofSeconds(1));
    }

    /** As {@link #in}, committed at another pace (tests that crash between two commits). */
    static MapPaperBook in(Path dataDir, Map<String, BigDecimal> starting, Earlier earlier, Duration checkpointEvery) {
        return new MapPaperBook(dataDir, starting, earlier, checkpointEvery);
    }

    /** Opens the file, takes an earlier book over if it is new, replays the log and works the balances out. */
    @Override
    public void open() throws ExchangeException {
        synchronized (lock) {
            writable();
        }
    }

    /** The maps, opened first if they are not (the book's first use, or after a failure dropped them). */
    private Maps writable() throws ExchangeException {
        if (closed) {
            throw ExchangeException.unavailable("paper exchange: its book is closed", null);
        }
        if (maps != null) {
            return maps;
        }
        MVStore store;
        try {
            Files.createDirectories(file.getParent());
            store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().cacheSize(CACHE_MIB).open();
        } catch (IOException | RuntimeException e) {
            throw ExchangeException.unavailable("paper exchange: cannot open its book " + file + ": "
                    + e.getMessage(), e);
        }
        PaperBookLog opened = new PaperBookLog(logFolder);
        try {
            Maps m = new Maps(store);
            if (m.meta.get(IMPORTED) == null) {
                takeOver(m);
            }
            long replayed = opened.open((kind, values) -> replay(m, kind, values));
            store.commit();
            store.sync();
            opened.startAfterReplay();
            workBalancesOut(m);
            if (replayed > 0) {
                log.info("paper exchange: {} changes replayed from its log into its book", replayed);
            }
            maps = m;
            changes = opened;
            if (checkpointing == null) {
                checkpointing = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "paper-book-commit");
                    t.setDaemon(true);
                    return t;
                });
                long period = checkpointEvery.toMillis();
                checkpointing.scheduleWithFixedDelay(this::checkpoint, period, period, TimeUnit.MILLISECONDS);
            }
            return m;
        } catch (Exception e) {
            opened.close();
            store.closeImmediately();
            throw ExchangeException.unavailable("paper exchange: its book cannot be opened: " + e.getMessage(), e);
        }
    }

    /**
     * Takes an earlier book over, committed every {@link #TAKE_OVER_COMMIT} orders so that what is not yet written
     * stays small; the file is marked taken over in the last commit, so a take-over cut short is done again whole
     * at the next opening (a row written twice is the same row).
     */
    private void takeOver(Maps m) throws Exception {
        long[] taken = {0, 0};
        if (earlier != null) {
            earlier.takeInto(new Into() {
                @Override
                public void row(Object[] row) {
                    putRow(m, row);
                    if (++taken[0] % TAKE_OVER_COMMIT == 0) {
                        m.store.commit();
                    }
                }

                @Override
                public void carry(String asset, BigDecimal traded, BigDecimal locked) {
                    m.carry.put(asset, traded.toPlainString() + ' ' + locked.toPlainString());
                    taken[1]++;
                }
            });
        }
        m.meta.put(IMPORTED, Long.toString(System.currentTimeMillis()));
        m.store.commit();
        m.store.sync();
        if (taken[0] > 0 || taken[1] > 0) {
            log.info("paper exchange: {} orders taken over from its earlier book (paper-exchange.mv.db, no longer "
                    + "read)", taken[0]);
        }
    }

    private static void replay(Maps m, byte kind, Object[] values) throws IOException {
        if (kind == PaperBookLog.PLACED) {
            putRow(m, values);
        } else if (kind == PaperBookLog.ENDED) {
            // {status, price, filled at, client order id}
            String clientOrderId = (String) values[3];
            byte[] stored = m.orders.get(clientOrderId);
            if (stored == null) {
                return;
            }
            Object[] row = decode(stored);
            if (OPEN.equals(row[STATUS])) {
                row[STATUS] = values[0];
                row[PRICE] = values[1];
                row[FILLED_AT] = values[2];
            }
            putRow(m, row);
        } else {
            throw new IOException("a paper book log change of unknown kind " + kind);
        }
    }

    /** An order's row and its entry among the resting orders (there while it rests, gone once it ends). */
    private static void putRow(Maps m, Object[] row) {
        String clientOrderId = (String) row[0];
        m.orders.put(clientOrderId, PaperBookLog.encode(row));
        String key = restingKey(row);
        if (OPEN.equals(row[STATUS])) {
            m.resting.put(key, "");
        } else {
            m.resting.remove(key);
        }
    }

    private static String restingKey(Object[] row) {
        long placedAt = row[PLACED_AT] == null ? 0 : Math.max(0, (Long) row[PLACED_AT]);
        String hex = Long.toHexString(placedAt);
        return row[SYMBOL] + "\u0000" + "0000000000000000".substring(hex.length()) + hex + row[0];
    }

    private static Object[] decode(byte[] stored) throws IOException {
        return PaperBookLog.decode(ByteBuffer.wrap(stored));
    }

    private static Object[] row(byte[] stored) throws ExchangeException {
        try {
            return decode(stored);
        } catch (IOException | RuntimeException e) {
            throw ExchangeException.unavailable("paper exchange: an order in its book cannot be read: "
                    + e.getMessage(), e);
        }
    }

    /**
     * {traded, locked} by asset as the orders say (the sums the H2 book's aggregate queries made): fills move base
     * and quote, a buy's cost rounded up and a sell's proceeds down as each fill moved them; resting orders lock
     * their locked amount; fills an earlier version made before the account had balances move nothing.
     */
    private void workBalancesOut(Maps m) throws IOException {
        balances.clear();
        for (Map.Entry<String, String> carried : m.carry.entrySet()) {
            String[] moved = carried.getValue().split(" ");
            move(carried.getKey(), new BigDecimal(moved[0]), new BigDecimal(moved[1]));
        }
        Iterator<byte[]> rows = m.orders.values().iterator();
        while (rows.hasNext()) {
            Object[] row = decode(rows.next());
            if (row[BASE] == null) {
                continue;
            }
            Side side = Side.valueOf((String) row[SIDE]);
            if (ExchangeOrderStatus.FILLED.name().equals(row[STATUS])) {
                trade(side, (String) row[BASE], (String) row[QUOTE], (BigDecimal) row[QUANTITY],
                        (BigDecimal) row[PRICE]);
            } else if (OPEN.equals(row[STATUS]) && row[LOCKED] != null) {
                move(side == Side.BUY ? (String) row[QUOTE] : (String) row[BASE], BigDecimal.ZERO,
                        (BigDecimal) row[LOCKED]);
            }
        }
    }

    private void trade(Side side, String base, String quote, BigDecimal quantity, BigDecimal price) {
        if (side == Side.BUY) {
            move(base, quantity, BigDecimal.ZERO);
            move(quote, JdbcPaperBook.cost(quantity, price).negate(), BigDecimal.ZERO);
        } else {
            move(base, quantity.negate(), BigDecimal.ZERO);
            move(quote, JdbcPaperBook.proceeds(quantity, price), BigDecimal.ZERO);
        }
    }

    private void move(String asset, BigDecimal traded, BigDecimal locked) {
        BigDecimal[] moved = balances.computeIfAbsent(asset, a -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
        moved[0] = moved[0].add(traded);
        moved[1] = moved[1].add(locked);
    }

    private BigDecimal free(String asset) {
        BigDecimal[] moved = balances.get(asset);
        BigDecimal start = starting.getOrDefault(asset, BigDecimal.ZERO);
        return moved == null ? start : start.add(moved[0]).subtract(moved[1]);
    }

    @Override
    public ExchangeOrder place(NewOrder order) throws ExchangeException {
        String clientOrderId = order.request().clientOrderId();
        synchronized (lock) {
            Maps m = writable();
            byte[] existing = m.orders.get(clientOrderId);
            if (existing != null) {
                return order(clientOrderId, row(existing));
            }
            Side side = order.request().side();
            String neededAsset = side == Side.BUY ? order.assets().quote() : order.assets().base();
            BigDecimal quantity = MemoryBalances.stored(order.quantity());
            BigDecimal fillPrice = order.fillPrice() == null ? null : MemoryBalances.stored(order.fillPrice());
            BigDecimal needed = side != Side.BUY ? quantity : JdbcPaperBook.cost(quantity,
                    fillPrice != null ? fillPrice : MemoryBalances.stored(order.request().limitPrice()));
            BigDecimal free = free(neededAsset);
            if (needed.compareTo(free) > 0) {
                throw ExchangeException.rejected("insufficient_balance", "paper exchange: the order needs "
                        + needed.stripTrailingZeros().toPlainString() + " " + neededAsset + ", "
                        + free.stripTrailingZeros().toPlainString() + " free");
            }
            Long placedAt = order.at().toEpochMilli();
            Object[] row = {clientOrderId, order.exchangeOrderId(), order.request().symbol(), side.name(),
                    order.request().type().name(), quantity, fillPrice, fillPrice != null ? placedAt : null,
                    fillPrice != null ? ExchangeOrderStatus.FILLED.name() : OPEN,
                    stored(order.request().limitPrice()), stored(order.request().stopPrice()), order.assets().base(),
                    order.assets().quote(), fillPrice != null ? null : needed, placedAt};
            byte[] value = PaperBookLog.encode(row);
            change(c -> c.placed(value), () -> {
                m.orders.put(clientOrderId, value);
                if (fillPrice != null) {
                    trade(side, order.assets().base(), order.assets().quote(), quantity, fillPrice);
                } else {
                    m.resting.put(restingKey(row), "");
                    move(neededAsset, BigDecimal.ZERO, needed);
                }
            });
            return order(clientOrderId, row);
        }
    }

    private static BigDecimal stored(BigDecimal amount) {
        return amount == null ? null : MemoryBalances.stored(amount);
    }

    /**
     * One change, on the caller's thread under the lock: its record appended to the log, then the maps and the
     * balances changed. A record the log could not take leaves nothing changed; a failure after it (the file
     * closed by a failed commit) drops the maps, which the next call opens again with the change replayed. The
     * caller is told the outcome is unknown either way, as a venue's lost answer leaves it, and looks it up.
     */
    private void change(Consumer<PaperBookLog> stage, Runnable apply) throws ExchangeException {
        PaperBookLog book = changes;
        book.begins();
        stage.accept(book);
        try {
            book.beforeCommit();
        } catch (IOException e) {
            book.rolledBack();
            throw ExchangeException.unknownOutcome("paper exchange: its book's log could not be written: "
                    + e.getMessage(), e);
        }
        try {
            apply.run();
        } catch (RuntimeException e) {
            book.outcomeUnknown();
            drop();
            throw ExchangeException.unknownOutcome("paper exchange: its book did not answer: " + e.getMessage(), e);
        }
        book.committed();
    }

    @Override
    public Optional<ExchangeOrder> find(String clientOrderId) throws ExchangeException {
        synchronized (lock) {
            byte[] stored = writable().orders.get(clientOrderId);
            return stored == null ? Optional.empty() : Optional.of(order(clientOrderId, row(stored)));
        }
    }

    private static ExchangeOrder order(String clientOrderId, Object[] row) {
        ExchangeOrderStatus status = ExchangeOrderStatus.valueOf((String) row[STATUS]);
        if (status != ExchangeOrderStatus.FILLED) {
            return new ExchangeOrder(clientOrderId, (String) row[EXCHANGE_ORDER_ID], status, BigDecimal.ZERO, null);
        }
        return new ExchangeOrder(clientOrderId, (String) row[EXCHANGE_ORDER_ID], status,
                ((BigDecimal) row[QUANTITY]).stripTrailingZeros(), ((BigDecimal) row[PRICE]).stripTrailingZeros());
    }

    @Override
    public List<Resting> resting(String symbol) throws ExchangeException {
        List<Resting> resting = new ArrayList<>();
        synchronized (lock) {
            Maps m = writable();
            String prefix = symbol + "\u0000";
            Iterator<String> keys = m.resting.keyIterator(prefix);
            while (keys.hasNext()) {
                String key = keys.next();
                if (!key.startsWith(prefix)) {
                    break;
                }
                String clientOrderId = key.substring(prefix.length() + 16);
                byte[] stored = m.orders.get(clientOrderId);
                if (stored == null) {
                    continue;
                }
                Object[] row = row(stored);
                if (OPEN.equals(row[STATUS])) {
                    resting.add(new Resting(clientOrderId, Side.valueOf((String) row[SIDE]),
                            OrderType.valueOf((String) row[ORDER_TYPE]), ((BigDecimal) row[QUANTITY]).stripTrailingZeros(),
                            strip((BigDecimal) row[LIMIT_PRICE]), strip((BigDecimal) row[STOP_PRICE])));
                }
            }
        }
        return resting;
    }

    private static BigDecimal strip(BigDecimal value) {
        return value == null ? null : value.stripTrailingZeros();
    }

    @Override
    public Optional<ExchangeOrder> fillResting(String clientOrderId, BigDecimal price, Instant at)
            throws ExchangeException {
        return end(clientOrderId, MemoryBalances.stored(price), at);
    }

    @Override
    public Optional<ExchangeOrder> cancel(String clientOrderId, Instant at) throws ExchangeException {
        return end(clientOrderId, null, at);
    }

    /** Ends a resting order: filled at {@code price}, or cancelled when it is null; releases its lock either way. */
    private Optional<ExchangeOrder> end(String clientOrderId, BigDecimal price, Instant at) throws ExchangeException {
        synchronized (lock) {
            Maps m = writable();
            byte[] stored = m.orders.get(clientOrderId);
            if (stored == null) {
                return Optional.empty();
            }
            Object[] row = row(stored);
            if (!OPEN.equals(row[STATUS])) {
                return Optional.of(order(clientOrderId, row));
            }
            Object[] ending = {price == null ? ExchangeOrderStatus.CANCELED.name() : ExchangeOrderStatus.FILLED.name(),
                    price, price == null ? null : Long.valueOf(at.toEpochMilli()), clientOrderId};
            Side side = Side.valueOf((String) row[SIDE]);
            String base = (String) row[BASE];
            String quote = (String) row[QUOTE];
            BigDecimal quantity = (BigDecimal) row[QUANTITY];
            BigDecimal locked = (BigDecimal) row[LOCKED];
            change(c -> c.ended(ending), () -> {
                row[STATUS] = ending[0];
                row[PRICE] = ending[1];
                row[FILLED_AT] = ending[2];
                putRow(m, row);
                if (base != null && locked != null) {
                    move(side == Side.BUY ? quote : base, BigDecimal.ZERO, locked.negate());
                }
                if (base != null && price != null) {
                    trade(side, base, quote, quantity, price);
                }
            });
            return Optional.of(order(clientOrderId, row));
        }
    }

    @Override
    public BigDecimal freeBalance(String asset) throws ExchangeException {
        synchronized (lock) {
            writable();
            // A PAPER_BALANCES lowered after trading can leave less than nothing: the account has none.
            return free(asset).max(BigDecimal.ZERO).stripTrailingZeros();
        }
    }

    @Override
    public List<Fill> fills() throws ExchangeException {
        List<Object[]> filled = new ArrayList<>();
        synchronized (lock) {
            Iterator<byte[]> rows = writable().orders.values().iterator();
            while (rows.hasNext()) {
                Object[] row = row(rows.next());
                if (ExchangeOrderStatus.FILLED.name().equals(row[STATUS])) {
                    filled.add(row);
                }
            }
        }
        filled.sort(Comparator.comparing((Object[] row) -> (Long) row[FILLED_AT],
                Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(row -> (String) row[0]));
        List<Fill> fills = new ArrayList<>(filled.size());
        for (Object[] row : filled) {
            fills.add(new Fill((String) row[0], (String) row[SYMBOL], (String) row[SIDE],
                    ((BigDecimal) row[QUANTITY]).stripTrailingZeros(), ((BigDecimal) row[PRICE]).stripTrailingZeros()));
        }
        return fills;
    }

    @Override
    public void ping() throws ExchangeException {
        synchronized (lock) {
            writable();
        }
    }

    /**
     * Commits the maps and forces the file, off the lock (MVStore takes puts while it writes), then lets the log
     * delete what the file now holds: every change whose record ends before the position read first is in the
     * maps by then. A failure (a full disk: MVStore then closes the file) drops the maps; the next call opens them
     * again from the file's last commit and the log.
     */
    private void checkpoint() {
        Maps m;
        long committedEnd;
        synchronized (lock) {
            m = maps;
            if (m == null) {
                return;
            }
            committedEnd = changes.committedEnd();
        }
        if (committedEnd == lastCheckpointed && !m.store.hasUnsavedChanges()) {
            return; // idle: nothing to force
        }
        try {
            m.store.commit();
            if (++checkpoints % COMPACT_EVERY == 0 && m.store.compact(50, 4 * 1024 * 1024)) {
                m.store.commit();
            }
            m.store.sync();
            synchronized (lock) {
                if (maps == m) {
                    changes.checkpointed(committedEnd);
                    lastCheckpointed = committedEnd;
                }
            }
        } catch (RuntimeException e) {
            log.warn("paper exchange: committing its book failed (its log keeps the changes): {}", e.toString());
            synchronized (lock) {
                if (maps == m) {
                    drop();
                }
            }
        }
    }

    /** Closes the maps and the log without a commit; the next call opens them again. */
    private void drop() {
        Maps m = maps;
        maps = null;
        if (changes != null) {
            changes.close();
            changes = null;
        }
        if (m != null) {
            try {
                m.store.closeImmediately();
            } catch (RuntimeException ignored) {
                // already closed by its own failure
            }
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService committing;
        synchronized (lock) {
            closed = true;
            committing = checkpointing;
        }
        if (committing != null) {
            committing.shutdown();
            try {
                committing.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            Maps m = maps;
            if (m != null) {
                try {
                    m.store.commit();
                    m.store.sync();
                    changes.checkpointed(changes.committedEnd());
                } catch (RuntimeException e) {
                    log.warn("paper exchange: its book closed without a last commit (its log keeps the changes): {}",
                            e.toString());
                }
            }
            drop();
        }
    }
}
