-- PostgreSQL only (the replicas' store): the positions as rows (order.PositionRows), kept by the transaction
-- that records each fill, so a position is read as one row per strategy instead of rebuilt from every fill of
-- the symbol (a read that grew with the history: 140,000 rows after 90 s of load). The embedded store keeps its
-- ledger in memory. Strategy '' stands for none, so no part of the key is null.
CREATE TABLE positions (
    exchange VARCHAR(16)     NOT NULL,
    symbol   VARCHAR(32)     NOT NULL,
    strategy VARCHAR(200)    NOT NULL,
    quantity DECIMAL(38, 18) NOT NULL,
    cost     DECIMAL(38, 18) NOT NULL,
    PRIMARY KEY (exchange, symbol, strategy)
);

-- How much of an order's fills the positions hold (its executed quantity, and that times its average price,
-- when it was last positioned). An order filled without (before this version, or by a replica of the previous
-- one during a rolling upgrade) is folded in at the next position read, found by the index below.
ALTER TABLE orders ADD COLUMN positioned_quantity DECIMAL(38, 18);
ALTER TABLE orders ADD COLUMN positioned_cost DECIMAL(38, 18);

-- After the upgrade, every order that filled before it, once; afterwards none, as each fill is positioned in
-- its own transaction. The predicate is false for every row this version writes, so the index costs its check
-- and the check before each position read is one probe of an empty index.
CREATE INDEX orders_unpositioned ON orders (updated_at, order_id)
    WHERE executed_quantity > COALESCE(positioned_quantity, 0);
