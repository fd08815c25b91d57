package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.order.GroupCommitWriter;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.Side;
import com.fks.execution.order.StoreUnavailableException;
import org.postgresql.PGStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The paper book in a database: an H2 file of its own beside the embedded store ({@link JdbcPaperBookDatabase}),
 * the shared PostgreSQL with replicas. Every change goes through a group-commit writer of its own, so it is
 * committed before the venue answers, and an order and the balances it moves change together or not at all.
 *
 * <p>Shared by replicas ({@link #shared}), the balances are rows of paper_balances written in the transaction of
 * the orders that move them: each group of places locks every row its orders touch first, in one statement and in
 * the order of their names, so replicas neither spend a balance twice nor deadlock over it. Embedded
 * ({@link #embedded}), one process owns the book, and its balances are kept in memory ({@link MemoryBalances}): a
 * fill writes its order row only. The embedded H2 book is now only opened to be taken over by {@link MapPaperBook}
 * ({@link JdbcPaperBookDatabase#earlier}), as the version that wrote it would have opened it.
 */
public final class JdbcPaperBook implements PaperBook {
    private static final Logger log = LoggerFactory.getLogger(JdbcPaperBook.class);
    /** Amounts are kept as DECIMAL(38, 18). */
    private static final int SCALE = 18;
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String ORDER_COLUMNS = "exchange_order_id, status, quantity, price";
    /** An order's row, as placed: {@link #orderRow} gives its values in this order, {@link #ROW_TYPES} their types. */
    static final String ORDER_ROW = "client_order_id, exchange_order_id, symbol, side, order_type, quantity, "
            + "price, filled_at, status, limit_price, stop_price, base_asset, quote_asset, locked_amount, placed_at";
    private static final int[] ROW_TYPES = {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
            Types.DECIMAL, Types.DECIMAL, Types.BIGINT, Types.VARCHAR, Types.DECIMAL, Types.DECIMAL, Types.VARCHAR,
            Types.VARCHAR, Types.DECIMAL, Types.BIGINT};
    private static final String ROW_MARKS = String.join(", ", java.util.Collections.nCopies(ROW_TYPES.length, "?"));
    private static final String INSERT_ORDER = "INSERT INTO paper_orders (" + ORDER_ROW + ") VALUES (" + ROW_MARKS + ")";
    /** A placed order replayed from the log: the whole row, over whatever the file kept of it. */
    private static final String MERGE_ORDER = "MERGE INTO paper_orders (" + ORDER_ROW + ") KEY (client_order_id) "
            + "VALUES (" + ROW_MARKS + ")";
    /** Ends a resting order, only if it still rests: {status, price, filled at, client order id}. */
    private static final String END_ORDER = "UPDATE paper_orders SET status = ?, price = ?, filled_at = ? "
            + "WHERE client_order_id = ? AND status = 'OPEN'";
    private static final int[] END_TYPES = {Types.VARCHAR, Types.DECIMAL, Types.BIGINT, Types.VARCHAR};

    /** A place that the balance refused: nothing was written. */
    private record Refusal(String asset, BigDecimal needed, BigDecimal free) {
    }

    private final DataSource dataSource;
    private final Map<String, BigDecimal> startingBalances;
    /** The embedded book's balances; null when they are rows (a book replicas share). */
    private final MemoryBalances memory;
    /** The embedded book's log of changes, which its H2 file catches up with at checkpoints; null when shared. */
    private final PaperBookLog changes;
    private final GroupCommitWriter writer;
    /** The book's places, run together for each group of the writer (in memory or in rows). */
    private final GroupCommitWriter.Batch<NewOrder, Object> placing;
    /** Assets whose balance row is known to exist (rows are never deleted). */
    private final Set<String> balanceRows = ConcurrentHashMap.newKeySet();
    private volatile boolean schemaReady;
    /** The embedded book's file forced once a second (null on a shared book): see {@link #forceEverySecond}. */
    private final ScheduledExecutorService forcing;

    /** A book read without an account (tests that read the fills): every balance starts at zero, kept in rows. */
    public JdbcPaperBook(DataSource dataSource) {
        this(dataSource, Map.of(), null, null);
    }

    private JdbcPaperBook(DataSource dataSource, Map<String, BigDecimal> startingBalances, Path logFolder,
                          Duration checkpointEvery) {
        boolean embedded = logFolder != null;
        this.dataSource = dataSource;
        this.startingBalances = Map.copyOf(startingBalances);
        this.memory = embedded ? new MemoryBalances(startingBalances) : null;
        this.changes = embedded ? new PaperBookLog(logFolder) : null;
        this.writer = new GroupCommitWriter(embedded ? new WatchedTransactions(dataSource, memory, changes) : dataSource,
                "paper-writer");
        this.placing = embedded ? this::placeAll : this::placeAllShared;
        this.forcing = embedded ? checkpointEvery(checkpointEvery, dataSource, changes) : null;
    }

    /**
     * H2 keeps the book's commits in memory (its log has them on disk) and writes them to its file at checkpoints.
     * Left to the kernel, the file's pages went to disk in large bursts, and the journal's forces, which every
     * webhook waits for, waited behind them (docs/benchmarks.md, "The paper book's file forced every second").
     * Checkpointed and forced every second, they go in small steps, and the log's older segments can go.
     */
    private static ScheduledExecutorService checkpointEvery(Duration period, DataSource dataSource,
                                                            PaperBookLog changes) {
        ScheduledExecutorService forcing = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "paper-book-force");
            t.setDaemon(true);
            return t;
        });
        forcing.scheduleWithFixedDelay(() -> {
            long committed = changes.committedEnd();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("CHECKPOINT SYNC");
                changes.checkpointed(committed);
            } catch (SQLException | RuntimeException e) {
                // a full disk or a closed book: the writer reports it on the next order; try again in a second
                log.debug("paper exchange: forcing its book's file failed: {}", e.toString());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return forcing;
    }

    /**
     * The book of one process (the embedded store's H2 file, which no other process opens): balances in memory.
     *
     * @param startingBalances PAPER_BALANCES: what the account held before its first fill, by asset
     * @param logFolder        the book's log of changes ({@link JdbcPaperBookDatabase#logFolder})
     */
    public static JdbcPaperBook embedded(DataSource dataSource, Map<String, BigDecimal> startingBalances,
                                         Path logFolder) {
        return new JdbcPaperBook(dataSource, startingBalances, logFolder, Duration.ofSeconds(1));
    }

    /** As {@link #embedded(DataSource, Map, Path)}, checkpointed at another pace (tests that crash between). */
    static JdbcPaperBook embedded(DataSource dataSource, Map<String, BigDecimal> startingBalances, Path logFolder,
                                  Duration checkpointEvery) {
        return new JdbcPaperBook(dataSource, startingBalances, logFolder, checkpointEvery);
    }

    /**
     * A book replicas may share (PostgreSQL): balances in rows, locked by each order that moves them.
     *
     * @param startingBalances PAPER_BALANCES: what the account held before its first fill, by asset
     */
    public static JdbcPaperBook shared(DataSource dataSource, Map<String, BigDecimal> startingBalances) {
        return new JdbcPaperBook(dataSource, startingBalances, null, null);
    }

    /**
     * Brings the schema up to date and, on the embedded book, works its balances out: what the first call would
     * do, done while the service starts instead of on the first alert.
     */
    @Override
    public void open() throws ExchangeException {
        ready();
    }

    @Override
    public void close() {
        if (forcing != null) {
            // Not shutdownNow: an interrupt during a sync would close H2's file channel under the writer.
            forcing.shutdown();
            try {
                forcing.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writer.close();
        closeLog();
    }

    private void closeLog() {
        if (changes != null) {
            changes.close();
        }
    }

    @Override
    public ExchangeOrder place(NewOrder order) throws ExchangeException {
        ready();
        if (memory == null) {
            ensureBalanceRows(order.assets().base(), order.assets().quote());
        }
        Object result = write("placing a paper order", placing, order);
        if (result instanceof Refusal refusal) {
            throw ExchangeException.rejected("insufficient_balance", "paper exchange: the order needs "
                    + refusal.needed().stripTrailingZeros().toPlainString() + " " + refusal.asset() + ", "
                    + refusal.free().stripTrailingZeros().toPlainString() + " free");
        }
        return (ExchangeOrder) result;
    }

    /**
     * A lone place on a shared book (the common case at low load): its balance rows locked first, then the order
     * looked up, checked and written, in statements PostgreSQL plans once for all.
     */
    private Object placeIn(Connection c, NewOrder order) throws SQLException {
        Map<String, BigDecimal[]> balances = lockBalances(c, order.assets().base(), order.assets().quote());
        Optional<ExchangeOrder> existing = findIn(c, order.request().clientOrderId());
        if (existing.isPresent()) {
            return existing.get();
        }
        String neededAsset = neededAsset(order);
        BigDecimal needed = needed(order);
        BigDecimal free = free(neededAsset, balances.get(neededAsset));
        if (needed.compareTo(free) > 0) {
            return new Refusal(neededAsset, needed, free);
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_ORDER)) {
            bindRow(ps, orderRow(order, needed));
            ps.executeUpdate();
        }
        return moveFor(c, order, needed);
    }

    /**
     * The places of a group on a shared book, in the order they came, in a few statements whatever the group's size:
     * every balance row they touch locked at once (in name order, as every writer of the book locks them), one
     * lookup of their client order ids, each checked against the locked balances as the group's places before it
     * moved them, one batch of inserts, and one update per balance row moved. The rows are locked before the lookup,
     * so an order another replica placed while this one waited for them is found, not placed twice.
     */
    private List<Object> placeAllShared(Connection c, List<NewOrder> orders) throws SQLException {
        if (orders.size() == 1) {
            return List.of(placeIn(c, orders.get(0)));
        }
        TreeSet<String> assets = new TreeSet<>();
        for (NewOrder order : orders) {
            assets.add(order.assets().base());
            assets.add(order.assets().quote());
        }
        Map<String, BigDecimal[]> balances = lockBalances(c, assets);
        Map<String, ExchangeOrder> known = findAllIn(c, orders);
        // What the group's places move, by asset: {traded, locked}, added to the rows once at the end.
        Map<String, BigDecimal[]> moved = new TreeMap<>();
        List<Object> results = placeEach(c, orders, known, new GroupBalances() {
            @Override
            public BigDecimal free(String asset) {
                return JdbcPaperBook.this.free(asset, balances.get(asset));
            }

            @Override
            public ExchangeOrder place(NewOrder order, BigDecimal needed) {
                String clientOrderId = order.request().clientOrderId();
                if (order.fillPrice() != null) {
                    BigDecimal[] deltas = tradeDeltas(order.request().side(), order.quantity(), order.fillPrice());
                    add(balances, moved, order.assets().base(), deltas[0], BigDecimal.ZERO);
                    add(balances, moved, order.assets().quote(), deltas[1], BigDecimal.ZERO);
                    return new ExchangeOrder(clientOrderId, order.exchangeOrderId(), ExchangeOrderStatus.FILLED,
                            order.quantity().stripTrailingZeros(), order.fillPrice().stripTrailingZeros());
                }
                add(balances, moved, neededAsset(order), BigDecimal.ZERO, needed);
                return new ExchangeOrder(clientOrderId, order.exchangeOrderId(), ExchangeOrderStatus.OPEN,
                        BigDecimal.ZERO, null);
            }
        });
        writeMoves(c, moved);
        return results;
    }

    /** Adds a group's moves to the balance rows, each row once, in one batch (one round trip on PostgreSQL). */
    private static void writeMoves(Connection c, Map<String, BigDecimal[]> moved) throws SQLException {
        if (moved.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE paper_balances SET traded = traded + ?, locked = locked + ? WHERE asset = ?")) {
            for (Map.Entry<String, BigDecimal[]> move : moved.entrySet()) {
                ps.setBigDecimal(1, move.getValue()[0]);
                ps.setBigDecimal(2, move.getValue()[1]);
                ps.setString(3, move.getKey());
                ps.addBatch();
            }
            for (int updated : ps.executeBatch()) {
                if (updated != 1 && updated != Statement.SUCCESS_NO_INFO) {
                    throw new SQLException("paper balance rows of " + moved.keySet() + " are missing");
                }
            }
        }
    }

    /** Moves a locked balance as the group has so far, and counts the move for the group's update. */
    private static void add(Map<String, BigDecimal[]> balances, Map<String, BigDecimal[]> moved, String asset,
                            BigDecimal traded, BigDecimal locked) {
        BigDecimal[] row = balances.get(asset);
        row[0] = row[0].add(traded);
        row[1] = row[1].add(locked);
        BigDecimal[] sum = moved.computeIfAbsent(asset, a -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
        sum[0] = sum[0].add(traded);
        sum[1] = sum[1].add(locked);
    }

    /**
     * The places of a group on the embedded book, in the order they came: one lookup of their client order ids,
     * each checked against the balances in memory (which count the group's places before it), one batch of
     * inserts. Should the batch fail, the group's moves go with its rollback, and the writer runs each place
     * again alone.
     */
    private List<Object> placeAll(Connection c, List<NewOrder> orders) throws SQLException {
        memory.beforeWrite(c);
        return placeEach(c, orders, findAllIn(c, orders), new GroupBalances() {
            @Override
            public BigDecimal free(String asset) {
                return memory.free(asset);
            }

            @Override
            public ExchangeOrder place(NewOrder order, BigDecimal needed) throws SQLException {
                return moveFor(c, order, needed);
            }
        });
    }

    /** Where a group's places are checked and moved: the balance rows locked for the group, or memory. */
    private interface GroupBalances {
        /** What is free of the asset, the group's earlier places counted. */
        BigDecimal free(String asset);

        /** Moves the balances for an order that is being inserted; returns the order as placed. */
        ExchangeOrder place(NewOrder order, BigDecimal needed) throws SQLException;
    }

    /**
     * The places of a group, in the order they came: a client order id already taken (in the book, or earlier
     * in the group) returns that order; each other is checked against what is free, refused or inserted, all
     * inserts in one batch.
     */
    private List<Object> placeEach(Connection c, List<NewOrder> orders, Map<String, ExchangeOrder> known,
                                   GroupBalances balances) throws SQLException {
        List<Object> results = new ArrayList<>(orders.size());
        boolean inserting = false;
        try (PreparedStatement insert = c.prepareStatement(INSERT_ORDER)) {
            for (NewOrder order : orders) {
                String clientOrderId = order.request().clientOrderId();
                ExchangeOrder existing = known.get(clientOrderId);
                if (existing != null) {
                    results.add(existing);
                    continue;
                }
                String neededAsset = neededAsset(order);
                BigDecimal needed = needed(order);
                BigDecimal free = balances.free(neededAsset);
                if (needed.compareTo(free) > 0) {
                    results.add(new Refusal(neededAsset, needed, free));
                    continue;
                }
                Object[] row = orderRow(order, needed);
                bindRow(insert, row);
                insert.addBatch();
                if (changes != null) {
                    changes.placed(row);
                }
                inserting = true;
                ExchangeOrder placed = balances.place(order, needed);
                // A second place of the same client order id in this group returns the first, as a lookup would.
                known.put(clientOrderId, placed);
                results.add(placed);
            }
            if (inserting) {
                insert.executeBatch();
            }
        }
        return results;
    }

    private static String neededAsset(NewOrder order) {
        return order.request().side() == Side.BUY ? order.assets().quote() : order.assets().base();
    }

    /** What the order spends (a fill) or locks (a resting order): a buy its cost in quote, a sell its quantity. */
    private BigDecimal needed(NewOrder order) {
        if (order.request().side() != Side.BUY) {
            return amount(order.quantity());
        }
        return cost(amount(order.quantity()),
                amount(order.fillPrice() != null ? order.fillPrice() : order.request().limitPrice()));
    }

    /** The values of {@link #ORDER_ROW} for an order placed now: filled at once, or resting with what it locks. */
    private static Object[] orderRow(NewOrder order, BigDecimal needed) {
        boolean fillsNow = order.fillPrice() != null;
        Long placedAt = order.at().toEpochMilli();
        return new Object[] {order.request().clientOrderId(), order.exchangeOrderId(), order.request().symbol(),
                order.request().side().name(), order.request().type().name(), order.quantity(), order.fillPrice(),
                fillsNow ? placedAt : null,
                fillsNow ? ExchangeOrderStatus.FILLED.name() : ExchangeOrderStatus.OPEN.name(),
                order.request().limitPrice(), order.request().stopPrice(), order.assets().base(),
                order.assets().quote(), fillsNow ? null : needed, placedAt};
    }

    /** Binds values (String, BigDecimal, Long or null) to the parameters from 1, each null as its column's type. */
    private static void bind(PreparedStatement ps, Object[] values, int[] types) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value == null) {
                ps.setNull(i + 1, types[i]);
            } else if (value instanceof BigDecimal decimal) {
                ps.setBigDecimal(i + 1, decimal);
            } else if (value instanceof Long number) {
                ps.setLong(i + 1, number);
            } else {
                ps.setString(i + 1, (String) value);
            }
        }
    }

    private static void bindRow(PreparedStatement ps, Object[] row) throws SQLException {
        if (row.length != ROW_TYPES.length) {
            throw new SQLException("a paper order row of " + row.length + " values");
        }
        bind(ps, row, ROW_TYPES);
    }

    /** Binds {@link #END_ORDER}: {status, price, filled at, client order id}. */
    private static void bindEnd(PreparedStatement ps, Object[] ending) throws SQLException {
        if (ending.length != END_TYPES.length) {
            throw new SQLException("a paper order end of " + ending.length + " values");
        }
        bind(ps, ending, END_TYPES);
    }

    /** Moves the balances of an order just written (a fill trades, a resting order locks); returns it as written. */
    private ExchangeOrder moveFor(Connection c, NewOrder order, BigDecimal needed) throws SQLException {
        String clientOrderId = order.request().clientOrderId();
        if (order.fillPrice() != null) {
            trade(c, order.request().side(), order.assets().base(), order.assets().quote(), order.quantity(),
                    order.fillPrice());
            // What was just written, as findIn would read it back: no second read per fill.
            return new ExchangeOrder(clientOrderId, order.exchangeOrderId(), ExchangeOrderStatus.FILLED,
                    order.quantity().stripTrailingZeros(), order.fillPrice().stripTrailingZeros());
        }
        move(c, neededAsset(order), BigDecimal.ZERO, needed);
        return new ExchangeOrder(clientOrderId, order.exchangeOrderId(), ExchangeOrderStatus.OPEN, BigDecimal.ZERO, null);
    }

    @Override
    public Optional<ExchangeOrder> fillResting(String clientOrderId, BigDecimal price, Instant at)
            throws ExchangeException {
        ready();
        return write("filling a resting paper order", c -> end(c, clientOrderId, price, at));
    }

    @Override
    public Optional<ExchangeOrder> cancel(String clientOrderId, Instant at) throws ExchangeException {
        ready();
        return write("cancelling a paper order", c -> end(c, clientOrderId, null, at));
    }

    /** Ends a resting order: filled at {@code price}, or cancelled when it is null; releases its lock either way. */
    private Optional<ExchangeOrder> end(Connection c, String clientOrderId, BigDecimal price, Instant at)
            throws SQLException {
        Side side;
        String base;
        String quote;
        BigDecimal quantity;
        BigDecimal locked;
        try (PreparedStatement ps = c.prepareStatement("SELECT side, base_asset, quote_asset, quantity, locked_amount, "
                + "status FROM paper_orders WHERE client_order_id = ?")) {
            ps.setString(1, clientOrderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                if (!ExchangeOrderStatus.OPEN.name().equals(rs.getString(6))) {
                    return findIn(c, clientOrderId);
                }
                side = Side.valueOf(rs.getString(1));
                base = rs.getString(2);
                quote = rs.getString(3);
                quantity = rs.getBigDecimal(4);
                locked = rs.getBigDecimal(5);
            }
        }
        if (memory == null) {
            lockBalances(c, base, quote);
        }
        Object[] ending = {price == null ? ExchangeOrderStatus.CANCELED.name() : ExchangeOrderStatus.FILLED.name(),
                price, price == null ? null : Long.valueOf(at.toEpochMilli()), clientOrderId};
        int ended;
        try (PreparedStatement ps = c.prepareStatement(END_ORDER)) {
            bindEnd(ps, ending);
            ended = ps.executeUpdate();
        }
        // Another replica's fill or cancel got there first (read before it committed): it moved the balances.
        if (ended == 1) {
            if (changes != null) {
                changes.ended(ending);
            }
            move(c, side == Side.BUY ? quote : base, BigDecimal.ZERO, locked.negate());
            if (price != null) {
                trade(c, side, base, quote, quantity, price);
            }
        }
        return findIn(c, clientOrderId);
    }

    /**
     * A fill: a buy gains the base and pays its cost in the quote, a sell the other way round; both balances in one
     * statement (a fill is the hot path of the paper exchange).
     */
    private void trade(Connection c, Side side, String base, String quote, BigDecimal quantity,
                       BigDecimal price) throws SQLException {
        BigDecimal[] deltas = tradeDeltas(side, quantity, price);
        BigDecimal baseDelta = deltas[0];
        BigDecimal quoteDelta = deltas[1];
        if (memory != null) {
            memory.move(base, baseDelta, BigDecimal.ZERO);
            memory.move(quote, quoteDelta, BigDecimal.ZERO);
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE paper_balances SET traded = traded + "
                + "CASE WHEN asset = ? THEN CAST(? AS DECIMAL(38, 18)) ELSE CAST(? AS DECIMAL(38, 18)) END "
                + "WHERE asset IN (?, ?)")) {
            ps.setString(1, base);
            ps.setBigDecimal(2, baseDelta);
            ps.setBigDecimal(3, quoteDelta);
            ps.setString(4, base);
            ps.setString(5, quote);
            if (ps.executeUpdate() != 2) {
                throw new SQLException("paper balance rows of " + base + " and " + quote + " are missing");
            }
        }
    }

    /** What a fill moves: {base, quote}; a buy gains the base and pays its cost, a sell the other way round. */
    private BigDecimal[] tradeDeltas(Side side, BigDecimal quantity, BigDecimal price) {
        return side == Side.BUY
                ? new BigDecimal[] {amount(quantity), cost(amount(quantity), amount(price)).negate()}
                : new BigDecimal[] {amount(quantity).negate(), proceeds(amount(quantity), amount(price))};
    }

    private void move(Connection c, String asset, BigDecimal traded, BigDecimal locked) throws SQLException {
        if (memory != null) {
            memory.move(asset, traded, locked);
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE paper_balances SET traded = traded + ?, locked = locked + ? WHERE asset = ?")) {
            ps.setBigDecimal(1, traded);
            ps.setBigDecimal(2, locked);
            ps.setString(3, asset);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("paper balance row of " + asset + " is missing");
            }
        }
    }

    /**
     * An amount as the balances count it: in memory, as the book stores it, so that balances worked out again
     * from the orders are the ones memory held; in rows, as it came (what the shared book has always done).
     */
    private BigDecimal amount(BigDecimal value) {
        return memory == null ? value : MemoryBalances.stored(value);
    }

    /** What a buy pays: rounded up, as a venue never undercharges. */
    static BigDecimal cost(BigDecimal quantity, BigDecimal price) {
        return quantity.multiply(price).setScale(SCALE, RoundingMode.CEILING);
    }

    /** What a sell receives: rounded down. */
    static BigDecimal proceeds(BigDecimal quantity, BigDecimal price) {
        return quantity.multiply(price).setScale(SCALE, RoundingMode.FLOOR);
    }

    /**
     * Locks the balance rows of the assets for this transaction, in name order, with one statement; returns {traded,
     * locked} of each (zeros for an asset without a row).
     */
    private static Map<String, BigDecimal[]> lockBalances(Connection c, String... assets) throws SQLException {
        TreeSet<String> names = new TreeSet<>(List.of(assets));
        String marks = String.join(", ", java.util.Collections.nCopies(names.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT asset, traded, locked FROM paper_balances WHERE asset IN ("
                + marks + ") ORDER BY asset FOR UPDATE")) {
            int i = 1;
            for (String name : names) {
                ps.setString(i++, name);
            }
            return lockedRows(ps, names);
        }
    }

    /** As {@link #lockBalances(Connection, String...)}, for a group's assets however many: one statement's text. */
    private static Map<String, BigDecimal[]> lockBalances(Connection c, TreeSet<String> names) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT asset, traded, locked FROM paper_balances "
                + "WHERE asset = ANY(?) ORDER BY asset FOR UPDATE")) {
            ps.setArray(1, c.createArrayOf("VARCHAR", names.toArray()));
            return lockedRows(ps, names);
        }
    }

    private static Map<String, BigDecimal[]> lockedRows(PreparedStatement ps, TreeSet<String> names)
            throws SQLException {
        Map<String, BigDecimal[]> rows = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getString(1), new BigDecimal[] {rs.getBigDecimal(2), rs.getBigDecimal(3)});
            }
        }
        for (String name : names) {
            rows.putIfAbsent(name, new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
        }
        return rows;
    }

    private BigDecimal free(String asset, BigDecimal[] tradedAndLocked) {
        return startingBalances.getOrDefault(asset, BigDecimal.ZERO).add(tradedAndLocked[0]).subtract(tradedAndLocked[1]);
    }

    /**
     * Balance rows are made outside the group's transactions, so no write there has to expect a duplicate key
     * (which would need a savepoint each on PostgreSQL, or fail the group).
     */
    private void ensureBalanceRows(String... assets) throws ExchangeException {
        for (String asset : assets) {
            if (balanceRows.contains(asset)) {
                continue;
            }
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO paper_balances (asset, traded, locked) SELECT ?, 0, 0 "
                            + "WHERE NOT EXISTS (SELECT 1 FROM paper_balances WHERE asset = ?)")) {
                ps.setString(1, asset);
                ps.setString(2, asset);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw unavailable(e);
                }
                // another replica made it meanwhile
            }
            balanceRows.add(asset);
        }
    }

    @Override
    public BigDecimal freeBalance(String asset) throws ExchangeException {
        ready();
        if (memory != null) {
            if (memory.stale()) {
                write("working the paper balances out", c -> null);
            }
            // A PAPER_BALANCES lowered after trading can leave less than nothing: the account has none.
            return memory.committedFree(asset).max(BigDecimal.ZERO).stripTrailingZeros();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT traded, locked FROM paper_balances WHERE asset = ?")) {
            ps.setString(1, asset);
            try (ResultSet rs = ps.executeQuery()) {
                BigDecimal[] row = rs.next() ? new BigDecimal[] {rs.getBigDecimal(1), rs.getBigDecimal(2)}
                        : new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO};
                // A PAPER_BALANCES lowered after trading can leave less than nothing: the account has none.
                return free(asset, row).max(BigDecimal.ZERO).stripTrailingZeros();
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Optional<ExchangeOrder> find(String clientOrderId) throws ExchangeException {
        ready();
        try (Connection c = dataSource.getConnection()) {
            return findIn(c, clientOrderId);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** The orders of these places already in the book, by client order id, in one statement. */
    private static Map<String, ExchangeOrder> findAllIn(Connection c, List<NewOrder> orders) throws SQLException {
        String[] ids = new String[orders.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = orders.get(i).request().clientOrderId();
        }
        Map<String, ExchangeOrder> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT client_order_id, " + ORDER_COLUMNS + " FROM paper_orders WHERE client_order_id = ANY(?)")) {
            planEachTime(ps);
            ps.setArray(1, c.createArrayOf("VARCHAR", ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), order(rs.getString(1), rs, 2));
                }
            }
        }
        return found;
    }

    /**
     * On PostgreSQL, plans the statement for each call's values instead of once for all (a server-side prepared
     * statement's generic plan): the generic plan of {@code = ANY(?)} made while paper_orders is small (a new book)
     * scans the whole table, and is kept until the next ANALYZE, so each lookup then costs as much as the table is
     * long, in the book's first minute under load. Planned with its ids, the lookup uses the primary key.
     */
    private static void planEachTime(PreparedStatement ps) throws SQLException {
        if (ps.isWrapperFor(PGStatement.class)) {
            ps.unwrap(PGStatement.class).setPrepareThreshold(0);
        }
    }

    private static Optional<ExchangeOrder> findIn(Connection c, String clientOrderId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + ORDER_COLUMNS + " FROM paper_orders WHERE client_order_id = ?")) {
            ps.setString(1, clientOrderId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(order(clientOrderId, rs, 1)) : Optional.empty();
            }
        }
    }

    /** The order whose {@link #ORDER_COLUMNS} start at column {@code from}. */
    private static ExchangeOrder order(String clientOrderId, ResultSet rs, int from) throws SQLException {
        ExchangeOrderStatus status = ExchangeOrderStatus.valueOf(rs.getString(from + 1));
        if (status != ExchangeOrderStatus.FILLED) {
            return new ExchangeOrder(clientOrderId, rs.getString(from), status, BigDecimal.ZERO, null);
        }
        return new ExchangeOrder(clientOrderId, rs.getString(from), status,
                rs.getBigDecimal(from + 2).stripTrailingZeros(), rs.getBigDecimal(from + 3).stripTrailingZeros());
    }

    @Override
    public List<Resting> resting(String symbol) throws ExchangeException {
        ready();
        List<Resting> resting = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT client_order_id, side, order_type, quantity, limit_price, stop_price FROM paper_orders "
                        + "WHERE symbol = ? AND status = ? ORDER BY placed_at, client_order_id")) {
            ps.setString(1, symbol);
            ps.setString(2, ExchangeOrderStatus.OPEN.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    resting.add(new Resting(rs.getString(1), Side.valueOf(rs.getString(2)),
                            OrderType.valueOf(rs.getString(3)), rs.getBigDecimal(4).stripTrailingZeros(),
                            strip(rs.getBigDecimal(5)), strip(rs.getBigDecimal(6))));
                }
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
        return resting;
    }

    private static BigDecimal strip(BigDecimal value) {
        return value == null ? null : value.stripTrailingZeros();
    }

    @Override
    public List<Fill> fills() throws ExchangeException {
        ready();
        List<Fill> fills = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT client_order_id, symbol, side, quantity, price FROM paper_orders WHERE status = ? "
                        + "ORDER BY filled_at, client_order_id")) {
            ps.setString(1, ExchangeOrderStatus.FILLED.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    fills.add(new Fill(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getBigDecimal(4).stripTrailingZeros(), rs.getBigDecimal(5).stripTrailingZeros()));
                }
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
        return fills;
    }

    @Override
    public void ping() throws ExchangeException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            ps.executeQuery().close();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private <R, T> T write(String what, GroupCommitWriter.Batch<R, T> batch, R request) throws ExchangeException {
        try {
            return writer.write(what, batch, request);
        } catch (StoreUnavailableException e) {
            throw ExchangeException.unknownOutcome("paper exchange: its book did not answer", e);
        }
    }

    private <T> T write(String what, GroupCommitWriter.Write<T> write) throws ExchangeException {
        try {
            if (memory != null) {
                return writer.write(what, c -> {
                    memory.beforeWrite(c);
                    return write.run(c);
                });
            }
            return writer.write(what, write);
        } catch (StoreUnavailableException e) {
            // The write may still commit after this answer: the outcome is unknown, and the engine's lookup
            // settles it (a second place of the same client order id returns the first).
            throw ExchangeException.unknownOutcome("paper exchange: its book did not answer", e);
        }
    }

    /**
     * The schema is brought up to date on first use, not when the book is built: on PostgreSQL the store's pool
     * is still opening then, and its migrations must run first.
     */
    private void ready() throws ExchangeException {
        if (schemaReady) {
            return;
        }
        synchronized (this) {
            if (schemaReady) {
                return;
            }
            try {
                JdbcPaperBookDatabase.ensureSchema(dataSource);
                if (memory != null) {
                    long replayed = replayLog();
                    JdbcPaperBookDatabase.ensureCarry(dataSource);
                    memory.open(dataSource);
                    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                        s.execute("CHECKPOINT SYNC");
                    }
                    changes.startAfterReplay();
                    if (replayed > 0) {
                        log.info("paper exchange: {} changes replayed from its log into its book",
                                replayed);
                    }
                }
            } catch (SQLException e) {
                closeLog(); // the next call opens it again, and replays it again
                throw unavailable(e);
            } catch (IOException | RuntimeException e) {
                closeLog();
                throw ExchangeException.unavailable("paper exchange: its log cannot be replayed: " + e.getMessage(), e);
            }
            schemaReady = true;
        }
    }

    /**
     * Hands every change in the log to the book, in one transaction (a placed order as its whole row, an end only
     * to an order still resting); returns how many there were. What the file already held is written again as it
     * was.
     */
    private long replayLog() throws SQLException, IOException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement merge = c.prepareStatement(MERGE_ORDER);
             PreparedStatement end = c.prepareStatement(END_ORDER)) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                long replayed = changes.open((kind, values) -> {
                    try {
                        if (kind == PaperBookLog.PLACED) {
                            bindRow(merge, values);
                            merge.executeUpdate();
                        } else if (kind == PaperBookLog.ENDED) {
                            bindEnd(end, values);
                            end.executeUpdate();
                        } else {
                            throw new IOException("a paper book log change of unknown kind " + kind);
                        }
                    } catch (SQLException e) {
                        throw new IOException("replaying a change failed: " + e.getMessage(), e);
                    }
                });
                c.commit();
                return replayed;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private static ExchangeException unavailable(SQLException e) {
        return ExchangeException.unavailable("paper exchange: its book is unavailable (" + e.getSQLState() + ")", e);
    }
}
