-- The embedded store keeps its orders in a journal (DATA_DIR/journal) and these tables as the queryable view
-- built from it. The view records how far into the journal it has taken events, in the same transaction as
-- the events, so after a crash it is caught up from exactly there. PostgreSQL does not use either.
CREATE TABLE journal_checkpoint (
    checkpoint_id    INTEGER NOT NULL PRIMARY KEY,
    journal_position BIGINT  NOT NULL
);


-- The embedded store's view keeps an order's steps as lines of one column (order.OrderHistory), so an order's
-- life is one row written once or twice instead of a row per step; PostgreSQL keeps using order_events.
ALTER TABLE orders ADD COLUMN history VARCHAR(1000000);
