package com.fks.execution.exchange.paper;

import com.fks.execution.exchange.ExchangeException;
import com.fks.execution.exchange.ExchangeOrder;
import com.fks.execution.exchange.ExchangeOrderStatus;
import com.fks.execution.exchange.OrderRequest;
import com.fks.execution.order.GroupCommitWriter;
import com.fks.execution.order.StoreUnavailableException;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The paper book in a database, table paper_orders: an H2 file of its own beside the embedded store
 * ({@link JdbcPaperBookDatabase}), the shared PostgreSQL with replicas. Fills are written through a group-commit
 * writer of their own, so a fill is committed before the venue answers.
 */
public final class JdbcPaperBook implements PaperBook {
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final GroupCommitWriter writer;

    public JdbcPaperBook(DataSource dataSource) {
        this.dataSource = dataSource;
        this.writer = new GroupCommitWriter(dataSource, "paper-writer");
    }

    @Override
    public void close() {
        writer.close();
    }

    /** Fills share group commits like the service's own writes (the paper exchange has its own writer). */
    @Override
    public ExchangeOrder fill(OrderRequest request, String exchangeOrderId, BigDecimal price, Instant at)
            throws ExchangeException {
        try {
            return writer.write("filling a paper order", c -> {
                Savepoint beforeInsert = c.setSavepoint();
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO paper_orders (client_order_id, "
                        + "exchange_order_id, symbol, side, order_type, quantity, price, filled_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, request.clientOrderId());
                    ps.setString(2, exchangeOrderId);
                    ps.setString(3, request.symbol());
                    ps.setString(4, request.side().name());
                    ps.setString(5, request.type().name());
                    ps.setBigDecimal(6, request.quantity());
                    ps.setBigDecimal(7, price);
                    ps.setLong(8, at.toEpochMilli());
                    ps.executeUpdate();
                    return new ExchangeOrder(request.clientOrderId(), exchangeOrderId, ExchangeOrderStatus.FILLED,
                            request.quantity(), price);
                } catch (SQLException e) {
                    if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw e;
                    }
                    c.rollback(beforeInsert);
                    return findIn(c, request.clientOrderId()).orElseThrow(() -> e);
                }
            });
        } catch (StoreUnavailableException e) {
            // The fill may still commit after this answer: the outcome is unknown, and the engine's lookup
            // settles it (a second fill of the same client order id is refused above).
            throw ExchangeException.unknownOutcome("paper exchange: its book did not answer", e);
        }
    }

    @Override
    public Optional<ExchangeOrder> find(String clientOrderId) throws ExchangeException {
        try (Connection c = dataSource.getConnection()) {
            return findIn(c, clientOrderId);
        } catch (SQLException e) {
            throw ExchangeException.unavailable("paper exchange: its book is unavailable (" + e.getSQLState() + ")", e);
        }
    }

    private static Optional<ExchangeOrder> findIn(Connection c, String clientOrderId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT exchange_order_id, quantity, price FROM paper_orders WHERE client_order_id = ?")) {
            ps.setString(1, clientOrderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ExchangeOrder(clientOrderId, rs.getString(1), ExchangeOrderStatus.FILLED,
                        rs.getBigDecimal(2).stripTrailingZeros(), rs.getBigDecimal(3).stripTrailingZeros()));
            }
        }
    }

    @Override
    public List<Fill> fills() throws ExchangeException {
        List<Fill> fills = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT client_order_id, symbol, side, quantity, price FROM paper_orders ORDER BY filled_at")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    fills.add(new Fill(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getBigDecimal(4).stripTrailingZeros(), rs.getBigDecimal(5).stripTrailingZeros()));
                }
            }
        } catch (SQLException e) {
            throw ExchangeException.unavailable("paper exchange: its book is unavailable (" + e.getSQLState() + ")", e);
        }
        return fills;
    }

    @Override
    public void ping() throws ExchangeException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            ps.executeQuery().close();
        } catch (SQLException e) {
            throw ExchangeException.unavailable("paper exchange: its book is unavailable (" + e.getSQLState() + ")", e);
        }
    }
}
