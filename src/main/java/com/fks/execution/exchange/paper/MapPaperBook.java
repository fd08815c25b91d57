package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.StringDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded paper book in plain H2 MVStore maps (DATA_DIR/paper-book.mv), not through H2's SQL layer: the same
 * places through SQL cost 2–2.3 times the CPU and 1.3–1.7 times the allocation alone, 1.4 and 1.6 times under load,
 * and wrote twice the bytes (docs/benchmarks.md, "Paper book on MVStore maps").
 *
 * <p>Maps: orders by client order id ({@link PaperOrderRecord}, one string each); the resting orders by symbol,
 * oldest first, so a price reads only its symbol's; and the balances as running sums by asset (traded, locked:
 * free = PAPER_BALANCES + traded - locked). An order and the balances it moves are put in the maps and then
 * committed by one {@link MVStore#commit()}: a chunk appended whole or not at all (none is ever written over, see
 * {@link #NEVER}), so after a kill -9 the book is exactly what it had answered. A commit reaches the file (the page
 * cache), not the disk: a simulated venue, off the webhook's path, as the SQL book was.
 *
 * <p>One process owns the file. Calls change the maps one at a time, under a fair lock, and answer only once a commit
 * holds what they changed (or read): a caller takes the lock a second time, behind every caller that queued while
 * the last commit ran, and commits for all of them if none did yet. So a lone place is one commit, and under load a
 * commit holds as many places as arrived during the one before (MVStore's cost is per commit: ~20 KB allocated and
 * ~12 KB written). Commits run under the lock: no change is ever split between two commits. MVStore's own
 * auto-commit is off, so nothing is written but those commits. Chunks are only appended, never written over, and
 * the live data is copied to a new file now and then ({@link #rewriteWhenLarge}).
 *
 * <p>A write that fails (a full disk) makes MVStore close itself. The book then answers
 * {@link ExchangeException} (unavailable; unknown outcome for the write whose commit failed) and opens the file
 * again, at most every {@link #REOPEN_PAUSE_NANOS}, proving it can write before it serves again; {@link #ping()}
 * fails until then.
 */
public final class MapPaperBook implements PaperBook {
    /** The book's file in DATA_DIR. */
    public static final String FILE_NAME = "paper-book.mv";
    private static final Logger log = LoggerFactory.getLogger(MapPaperBook.class);
    private static final char SEPARATOR = '\u001f';
    /** The book's format, written with its first commit: a file without it is new (or never committed). */
    private static final String FORMAT = "format";
    private static final String FORMAT_VERSION = "1";
    private static final long REOPEN_PAUSE_NANOS = 500_000_000L;
    private static final int PAGE_SPLIT_SIZE = 4096;
    /**
     * No chunk is ever written over: with this H2 a store reopened after a kill -9 had lost its last commit whenever
     * it could have been written over space MVStore had just freed (retention 0, 0.5 s, 2 s and its default 45 s,
     * once the file was older than that: 10 of 15, 1 of 15, 2 of 12 and 1 of 4 kill -9 trials; never written over:
     * 0 of 12 and 0 of 15; docs/benchmarks.md). A chunk appended at the end is found again by its footer.
     */
    private static final int NEVER = Integer.MAX_VALUE;
    /** The file is rewritten once it is past this, and past {@link #REWRITE_FACTOR} times its size after the last. */
    static final long REWRITE_AT_LEAST = 128L << 20;
    private static final int REWRITE_FACTOR = 4;

    /** A book an earlier version kept, taken over on the first open. */
    public interface EarlierBook {
        /** Its orders and balance moves; {@link PaperBookImport.Earlier#none()} when there is none. */
        PaperBookImport.Earlier read() throws Exception;
    }

    /** The open store and its maps; replaced as a whole when the store is opened again after a failure. */
    private static final class Open {
        final MVStore store;
        /** client order id -> {@link PaperOrderRecord}, as bytes: MVStore writes a string's chars one by one. */
        final MVMap<String, byte[]> orders;
        /** symbol, placed at, client order id -> what {@link #resting(String)} returns. */
        final MVMap<String, String> resting;
        /** asset -> traded and locked so far (running sums). */
        final MVMap<String, String> balances;
        final MVMap<String, String> meta;
        /** The balances as the maps hold them plus the moves of changes not yet committed: parsed once. */
        final Map<String, BigDecimal[]> sums = new HashMap<>();
        /** Assets whose sums are not in the balances map yet: written once per commit, not once per move. */
        final Set<String> moved = new HashSet<>();
        long committedVersion = -1;
        /** The running call has begun to change the maps: a failure now leaves them half changed. */
        boolean changing;

        Open(MVStore store) {
            this.store = store;
            this.orders = store.openMap("orders", new MVMap.Builder<String, byte[]>()
                    .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
            this.resting = store.openMap("resting");
            this.balances = store.openMap("balances");
            this.meta = store.openMap("meta");
            for (Map.Entry<String, String> e : balances.entrySet()) {
                sums.put(e.getKey(), parseSums(e.getValue()));
            }
        }

        boolean uncommitted() {
            return !moved.isEmpty() || store.hasUnsavedChanges();
        }
    }

    /** A place that the balance refused: nothing was written. */
    private record Refusal(String asset, BigDecimal needed, BigDecimal free) {
    }

    private interface Call<T> {
        T run(Open book);
    }

    private final Path file;
    private final Map<String, BigDecimal> startingBalances;
    private final EarlierBook earlier;
    /** Past this size the file is rewritten (the threshold moves up with the live data it keeps). */
    private final long rewriteAtLeast;
    private long rewriteAt;
    /** Fair: the callers that queued while a commit ran change the maps before the next commit takes them all. */
    private final ReentrantLock lock = new ReentrantLock(true);
    /** Null until opened, and while the store is broken. Guarded by {@link #lock}, as is all below. */
    private Open open;
    private Throwable broken;
    private long nextOpenNanos;
    private boolean closed;

    private MapPaperBook(Path file, Map<String, BigDecimal> startingBalances, EarlierBook earlier,
                         long rewriteAtLeast) {
        this.file = file;
        this.startingBalances = Map.copyOf(startingBalances);
        this.earlier = earlier;
        this.rewriteAtLeast = rewriteAtLeast;
        this.rewriteAt = rewriteAtLeast;
    }

    /**
     * The book in {@code dataDir}, opened on first use (or by {@link #open()}).
     *
     * @param startingBalances PAPER_BALANCES: what the account held before its first fill, by asset
     * @param earlier          read once, when the file is new, and taken over with the book's first commit
     */
    public static MapPaperBook in(Path dataDir, Map<String, BigDecimal> startingBalances, EarlierBook earlier) {
        return new MapPaperBook(dataDir.resolve(FILE_NAME), startingBalances, earlier, REWRITE_AT_LEAST);
    }

    /** A book rewritten past a smaller size (tests of the rewrite, which should not write 128 MB first). */
    static MapPaperBook rewrittenPast(Path dataDir, Map<String, BigDecimal> startingBalances, long bytes) {
        return new MapPaperBook(dataDir.resolve(FILE_NAME), startingBalances, PaperBookImport.Earlier::none, bytes);
    }

    /** A book of its own in {@code dataDir}, with nothing to take over. */
    public static MapPaperBook in(Path dataDir, Map<String, BigDecimal> startingBalances) {
        return in(dataDir, startingBalances, PaperBookImport.Earlier::none);
    }

    /** Opens the file now (taking an earlier book over when it is new): while the service starts, not on an alert. */
    public void open() throws ExchangeException {
        lock.lock();
        try {
            ready();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (open == null) {
                return;
            }
            try {
                if (open.uncommitted()) {
                    commit(open);
                }
                open.store.close();
            } catch (RuntimeException | ExchangeException e) {
                log.warn("paper exchange: its book did not close cleanly: {}", e.toString());
                if (open != null) {
                    open.store.closeImmediately();
                }
            }
            open = null;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the file without a last write, as a kill -9 leaves it (for tests that open the book after a crash). */
    void crash() {
        lock.lock();
        try {
            closed = true;
            if (open != null) {
                open.store.closeImmediately();
                open = null;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ExchangeOrder place(NewOrder order) throws ExchangeException {
        Object result = call("placing a paper order", true, b -> placeIn(b, order));
        if (result instanceof Refusal refusal) {
            throw ExchangeException.rejected("insufficient_balance", "paper exchange: the order needs "
                    + refusal.needed().stripTrailingZeros().toPlainString() + " " + refusal.asset() + ", "
                    + refusal.free().stripTrailingZeros().toPlainString() + " free");
        }
        return (ExchangeOrder) result;
    }

    private Object placeIn(Open b, NewOrder order) {
        String clientOrderId = order.request().clientOrderId();
        byte[] existing = b.orders.get(clientOrderId);
        if (existing != null) {
            return PaperOrderRecord.decode(existing).answer(clientOrderId);
        }
        String neededAsset = order.request().side() == Side.BUY ? order.assets().quote() : order.assets().base();
        BigDecimal needed = needed(order);
        BigDecimal free = free(b, neededAsset);
        if (needed.compareTo(free) > 0) {
            return new Refusal(neededAsset, needed, free);
        }
        boolean fillsNow = order.fillPrice() != null;
        long at = order.at().toEpochMilli();
        PaperOrderRecord record = new PaperOrderRecord(
                fillsNow ? ExchangeOrderStatus.FILLED : ExchangeOrderStatus.OPEN, order.exchangeOrderId(),
                order.request().symbol(), order.request().side(), order.request().type(),
                MemoryBalances.stored(order.quantity()), fillsNow ? MemoryBalances.stored(order.fillPrice()) : null,
                fillsNow ? at : null, stored(order.request().limitPrice()), stored(order.request().stopPrice()),
                order.assets().base(), order.assets().quote(), fillsNow ? null : needed, at);
        // Everything that can fail is worked out before the first change.
        byte[] encoded = record.bytes();
        if (fillsNow) {
            BigDecimal[] deltas = tradeDeltas(record, record.price());
            b.changing = true;
            b.orders.put(clientOrderId, encoded);
            move(b, record.base(), deltas[0], BigDecimal.ZERO);
            move(b, record.quote(), deltas[1], BigDecimal.ZERO);
            // What was just written, as find would read it back but for the rounding a venue's answer skips.
            return new ExchangeOrder(clientOrderId, order.exchangeOrderId(), ExchangeOrderStatus.FILLED,
                    order.quantity().stripTrailingZeros(), order.fillPrice().stripTrailingZeros());
        }
        String restingKey = restingKey(record.symbol(), at, clientOrderId);
        String restingValue = restingValue(record);
        b.changing = true;
        b.orders.put(clientOrderId, encoded);
        b.resting.put(restingKey, restingValue);
        move(b, neededAsset, BigDecimal.ZERO, needed);
        return new ExchangeOrder(clientOrderId, order.exchangeOrderId(), ExchangeOrderStatus.OPEN, BigDecimal.ZERO,
                null);
    }

    /** What the order spends (a fill) or locks (a resting order): a buy its cost in quote, a sell its quantity. */
    private static BigDecimal needed(NewOrder order) {
        BigDecimal quantity = MemoryBalances.stored(order.quantity());
        if (order.request().side() != Side.BUY) {
            return quantity;
        }
        return JdbcPaperBook.cost(quantity, MemoryBalances.stored(
                order.fillPrice() != null ? order.fillPrice() : order.request().limitPrice()));
    }

    private static BigDecimal stored(BigDecimal value) {
        return value == null ? null : MemoryBalances.stored(value);
    }

    @Override
    public Optional<ExchangeOrder> find(String clientOrderId) throws ExchangeException {
        return call("looking a paper order up", false, b -> {
            byte[] encoded = b.orders.get(clientOrderId);
            return encoded == null ? Optional.empty()
                    : Optional.of(PaperOrderRecord.decode(encoded).answer(clientOrderId));
        });
    }

    @Override
    public List<Resting> resting(String symbol) throws ExchangeException {
        return call("reading resting paper orders", false, b -> {
            List<Resting> resting = new ArrayList<>();
            String prefix = symbol + SEPARATOR;
            Cursor<String, String> cursor = b.resting.cursor(prefix);
            while (cursor.hasNext()) {
                String key = cursor.next();
                if (!key.startsWith(prefix)) {
                    break;
                }
                resting.add(resting(key, cursor.getValue()));
            }
            return resting;
        });
    }

    @Override
    public Optional<ExchangeOrder> fillResting(String clientOrderId, BigDecimal price, Instant at)
            throws ExchangeException {
        return call("filling a resting paper order", true, b -> end(b, clientOrderId, price, at));
    }

    @Override
    public Optional<ExchangeOrder> cancel(String clientOrderId, Instant at) throws ExchangeException {
        return call("cancelling a paper order", true, b -> end(b, clientOrderId, null, at));
    }

    /** Ends a resting order: filled at {@code price}, or cancelled when it is null; releases its lock either way. */
    private static Optional<ExchangeOrder> end(Open b, String clientOrderId, BigDecimal price, Instant at) {
        byte[] encoded = b.orders.get(clientOrderId);
        if (encoded == null) {
            return Optional.empty();
        }
        PaperOrderRecord order = PaperOrderRecord.decode(encoded);
        if (order.status() != ExchangeOrderStatus.OPEN) {
            return Optional.of(order.answer(clientOrderId));
        }
        PaperOrderRecord ended = order.ended(price == null ? null : MemoryBalances.stored(price), at.toEpochMilli());
        byte[] endedEncoded = ended.bytes();
        String restingKey = restingKey(order.symbol(), order.placedAt() == null ? 0 : order.placedAt(), clientOrderId);
        boolean moves = order.base() != null;
        BigDecimal[] deltas = moves && price != null ? tradeDeltas(order, ended.price()) : null;
        b.changing = true;
        b.orders.put(clientOrderId, endedEncoded);
        b.resting.remove(restingKey);
        if (moves && order.locked() != null) {
            move(b, order.lockedAsset(), BigDecimal.ZERO, order.locked().negate());
        }
        if (deltas != null) {
            move(b, order.base(), deltas[0], BigDecimal.ZERO);
            move(b, order.quote(), deltas[1], BigDecimal.ZERO);
        }
        return Optional.of(ended.answer(clientOrderId));
    }

    /** What a fill moves: {base, quote}; a buy gains the base and pays its cost, a sell the other way round. */
    private static BigDecimal[] tradeDeltas(PaperOrderRecord order, BigDecimal price) {
        BigDecimal quantity = order.quantity();
        return order.side() == Side.BUY
                ? new BigDecimal[] {quantity, JdbcPaperBook.cost(quantity, price).negate()}
                : new BigDecimal[] {quantity.negate(), JdbcPaperBook.proceeds(quantity, price)};
    }

    private static void move(Open b, String asset, BigDecimal traded, BigDecimal locked) {
        BigDecimal[] sums = b.sums.computeIfAbsent(asset, a -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
        sums[0] = sums[0].add(traded);
        sums[1] = sums[1].add(locked);
        b.moved.add(asset);
    }

    private static BigDecimal[] parseSums(String entry) {
        int at = entry.indexOf(SEPARATOR);
        return new BigDecimal[] {new BigDecimal(entry.substring(0, at)), new BigDecimal(entry.substring(at + 1))};
    }

    private BigDecimal free(Open b, String asset) {
        BigDecimal[] sums = b.sums.get(asset);
        BigDecimal starting = startingBalances.getOrDefault(asset, BigDecimal.ZERO);
        return sums == null ? starting : starting.add(sums[0]).subtract(sums[1]);
    }

    @Override
    public BigDecimal freeBalance(String asset) throws ExchangeException {
        // A PAPER_BALANCES lowered after trading can leave less than nothing: the account has none.
        return call("reading a paper balance", false, b -> free(b, asset)).max(BigDecimal.ZERO).stripTrailingZeros();
    }

    /** Every fill, oldest first (by fill time, then client order id, as the SQL book ordered them). */
    @Override
    public List<Fill> fills() throws ExchangeException {
        // Tests ask this, not the venue's callers: a scan, so that a fill costs no index entry of its own.
        record Filled(long at, Fill fill) {
        }
        List<Filled> filled = call("reading paper fills", false, b -> {
            List<Filled> all = new ArrayList<>();
            for (Map.Entry<String, byte[]> e : b.orders.entrySet()) {
                PaperOrderRecord order = PaperOrderRecord.decode(e.getValue());
                if (order.status() == ExchangeOrderStatus.FILLED) {
                    all.add(new Filled(order.filledAt() == null ? 0 : order.filledAt(), new Fill(e.getKey(),
                            order.symbol(), order.side().name(), order.quantity().stripTrailingZeros(),
                            order.price().stripTrailingZeros())));
                }
            }
            return all;
        });
        filled.sort(Comparator.comparingLong(Filled::at).thenComparing(f -> f.fill().clientOrderId()));
        return filled.stream().map(Filled::fill).toList();
    }

    @Override
    public void ping() throws ExchangeException {
        lock.lock();
        try {
            Open b = ready();
            if (b.store.isClosed()) {
                broke(b, b.store.getPanicException());
                throw unavailable(broken);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Size of the book's file in bytes (-1 while it is not open). */
    long fileSize() {
        lock.lock();
        try {
            return open == null ? -1 : open.store.getFileStore().size();
        } finally {
            lock.unlock();
        }
    }

    private static String restingKey(String symbol, long placedAt, String clientOrderId) {
        // Zero-padded hex keeps string order time order: oldest first, then by client order id, as SQL sorted.
        return symbol + SEPARATOR + String.format("%016x", placedAt) + SEPARATOR + clientOrderId;
    }

    private static String restingValue(PaperOrderRecord order) {
        return order.side().name() + SEPARATOR + order.type().name() + SEPARATOR + order.quantity().toPlainString()
                + SEPARATOR + (order.limitPrice() == null ? "" : order.limitPrice().toPlainString()) + SEPARATOR
                + (order.stopPrice() == null ? "" : order.stopPrice().toPlainString());
    }

    private static Resting resting(String key, String value) {
        String[] f = value.split(String.valueOf(SEPARATOR), -1);
        return new Resting(key.substring(key.lastIndexOf(SEPARATOR) + 1), Side.valueOf(f[0]), OrderType.valueOf(f[1]),
                new BigDecimal(f[2]).stripTrailingZeros(), f[3].isEmpty() ? null : new BigDecimal(f[3]).stripTrailingZeros(),
                f[4].isEmpty() ? null : new BigDecimal(f[4]).stripTrailingZeros());
    }

    /**
     * Runs a call on the maps, then answers once a commit holds what it changed or read: its own commit, or one
     * that a caller queued behind it ran for both. A call that fails half way through its changes, or whose commit
     * fails, breaks the store (closed without writing, opened again from its last commit); a write's caller is then
     * told the outcome is unknown (the commit may have reached the file), a reader that the book is unavailable.
     */
    private <T> T call(String what, boolean writes, Call<T> call) throws ExchangeException {
        Open b;
        T result;
        long version;
        lock.lock();
        try {
            b = ready();
            b.changing = false;
            try {
                result = call.run(b);
            } catch (RuntimeException e) {
                if (b.changing || b.store.isClosed()) {
                    broke(b, e);
                    throw failed(what, writes && b.changing, e);
                }
                throw e;
            }
            if (!b.uncommitted()) {
                return result;
            }
            version = b.store.getCurrentVersion();
        } finally {
            lock.unlock();
        }
        lock.lock(); // behind the callers that queued meanwhile: one commit for all of us
        try {
            if (b.committedVersion >= version) {
                return result;
            }
            if (open != b) {
                throw failed(what, writes, broken);
            }
            commit(b);
            return result;
        } finally {
            lock.unlock();
        }
    }

    private static ExchangeException failed(String what, boolean outcomeUnknown, Throwable cause) {
        return outcomeUnknown
                ? ExchangeException.unknownOutcome("paper exchange: its book failed while " + what + " (" + cause
                + ")", cause)
                : unavailable(cause);
    }

    /** Writes the balances moved since the last commit and commits everything changed (the lock is held). */
    private void commit(Open b) throws ExchangeException {
        long version = b.store.getCurrentVersion();
        try {
            for (String asset : b.moved) {
                BigDecimal[] sums = b.sums.get(asset);
                b.balances.put(asset, sums[0].toPlainString() + SEPARATOR + sums[1].toPlainString());
            }
            b.moved.clear();
            b.store.commit();
        } catch (RuntimeException e) {
            broke(b, e);
            throw failed("committing", true, e);
        }
        if (b.store.isClosed()) {
            // MVStore may tell of a failed write only by closing itself (its panic)
            broke(b, b.store.getPanicException());
            throw failed("committing", true, broken);
        }
        b.committedVersion = version;
        rewriteWhenLarge(b);
    }

    /**
     * Chunks are only ever appended (see {@link #NEVER}), so the file grows by every commit's chunk, ~12 KB for a
     * lone place. Past {@link #rewriteAt} the live data is copied into a new file, which then takes the book's name
     * in one rename: a kill -9 at any point leaves the old file whole or the new one. The book's callers wait
     * meanwhile (about a second per 100,000 orders kept).
     */
    private void rewriteWhenLarge(Open b) {
        long before = b.store.getFileStore().size();
        if (before < rewriteAt) {
            return;
        }
        long began = System.nanoTime();
        Path next = rewriteFile();
        try {
            Files.deleteIfExists(next);
            MVStore copy = openStore(next);
            try {
                Open to = new Open(copy);
                copy(b.orders, to.orders, copy);
                copy(b.resting, to.resting, copy);
                copy(b.balances, to.balances, copy);
                copy(b.meta, to.meta, copy);
                commitOrFail(copy);
            } finally {
                copy.close();
            }
            open = null;
            b.store.close();
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            open = new Open(openStore(file));
            open.committedVersion = open.store.getCurrentVersion() - 1;
            long after = open.store.getFileStore().size();
            rewriteAt = Math.max(rewriteAtLeast, REWRITE_FACTOR * after);
            log.info("paper exchange: its book's file rewritten from {} to {} bytes in {} ms", before, after,
                    (System.nanoTime() - began) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            // Every change is committed in the old file, which stays the book until the rename is done: the
            // callers of the commit before have their answer; the book opens its file again on the next call.
            log.warn("paper exchange: rewriting its book's file failed: {}", e.toString());
            rewriteAt = before + Math.max(rewriteAtLeast, before);
            if (!b.store.isClosed()) {
                b.store.closeImmediately();
            }
            if (open != null && open != b && !open.store.isClosed()) {
                open.store.closeImmediately();
            }
            open = null;
            broken = e;
            nextOpenNanos = System.nanoTime();
        }
    }

    /**
     * Copies a map in key order, committing every so many entries so that the copy's pages need not all wait. (Not
     * {@code MVMap.append}, which allocates less: a file written by it failed MVStore's own page accounting once
     * opened again and changed.)
     */
    private static <V> void copy(MVMap<String, V> from, MVMap<String, V> to, MVStore store) {
        int copied = 0;
        Cursor<String, V> cursor = from.cursor(null);
        while (cursor.hasNext()) {
            to.put(cursor.next(), cursor.getValue());
            if (++copied % 20_000 == 0) {
                commitOrFail(store);
            }
        }
    }

    private Path rewriteFile() {
        return file.resolveSibling(file.getFileName() + ".new");
    }

    /** The store cannot be trusted to write: closed without another write, and opened again after a pause. */
    private void broke(Open b, Throwable cause) {
        if (open == b) {
            open = null;
            broken = cause == null ? new IllegalStateException("the store closed itself") : cause;
            nextOpenNanos = System.nanoTime() + REOPEN_PAUSE_NANOS;
            log.warn("paper exchange: its book cannot write ({}); opened again once it can", String.valueOf(cause));
        }
        if (!b.store.isClosed()) {
            b.store.closeImmediately();
        }
    }

    /** The open maps: opens the file on first use, and again after a failure once the pause is over. */
    private Open ready() throws ExchangeException {
        if (open != null) {
            return open;
        }
        if (closed) {
            throw ExchangeException.unavailable("paper exchange: its book is closed", null);
        }
        if (broken != null && System.nanoTime() - nextOpenNanos < 0) {
            throw unavailable(broken);
        }
        try {
            open = openFile();
            if (broken != null) {
                log.info("paper exchange: its book is writable again");
            }
            broken = null;
            return open;
        } catch (Exception e) {
            broken = e;
            nextOpenNanos = System.nanoTime() + REOPEN_PAUSE_NANOS;
            throw unavailable(e);
        }
    }

    private Open openFile() throws Exception {
        Files.createDirectories(file.getParent());
        // A rewrite that a kill cut short: the book is still the old file.
        Files.deleteIfExists(rewriteFile());
        MVStore store = openStore(file);
        try {
            Open b = new Open(store);
            if (b.meta.get(FORMAT) == null) {
                takeOver(b);
            } else if (broken != null) {
                // Opened again after a failure: prove that the file takes a write before serving.
                b.meta.put("opened", Long.toString(System.currentTimeMillis()));
                commitOrFail(store);
            }
            b.committedVersion = store.getCurrentVersion() - 1;
            rewriteAt = Math.max(rewriteAtLeast, REWRITE_FACTOR * store.getFileStore().size());
            return b;
        } catch (Exception | Error e) {
            store.closeImmediately();
            throw e;
        }
    }

    private static MVStore openStore(Path path) {
        // 4 KiB pages: a lone commit rewrites the last leaf of the orders and its parents, ~12 KB a chunk instead
        // of ~23 KB with MVStore's 16 KiB, for the same CPU.
        MVStore store = new MVStore.Builder().fileName(path.toString()).autoCommitDisabled().cacheSize(4)
                .pageSplitSize(PAGE_SPLIT_SIZE).open();
        store.setRetentionTime(NEVER);
        return store;
    }

    private static void commitOrFail(MVStore store) {
        store.commit();
        if (store.isClosed()) {
            throw new IllegalStateException("the store closed itself", store.getPanicException());
        }
    }

    /** A new file: the earlier book's orders and balance moves, and the format, in the book's first commit. */
    private void takeOver(Open b) throws Exception {
        PaperBookImport.Earlier taken = earlier.read();
        for (PaperBookImport.Order order : taken.orders()) {
            PaperOrderRecord record = order.record();
            b.orders.put(order.clientOrderId(), record.bytes());
            if (record.status() == ExchangeOrderStatus.OPEN) {
                b.resting.put(restingKey(record.symbol(), record.placedAt() == null ? 0 : record.placedAt(),
                        order.clientOrderId()), restingValue(record));
            }
        }
        taken.moved().forEach((asset, sums) -> {
            b.balances.put(asset, sums[0].toPlainString() + SEPARATOR + sums[1].toPlainString());
            b.sums.put(asset, sums.clone());
        });
        b.meta.put(FORMAT, FORMAT_VERSION);
        commitOrFail(b.store);
        if (!taken.orders().isEmpty()) {
            log.info("paper exchange: {} orders taken over from {} into {}", taken.orders().size(), taken.source(),
                    file);
        }
    }

    private static ExchangeException unavailable(Throwable e) {
        return ExchangeException.unavailable("paper exchange: its book is unavailable (" + e + ")", e);
    }
}
