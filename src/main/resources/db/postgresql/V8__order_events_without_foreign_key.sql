-- PostgreSQL only (the replicas' store); versions here are never reused by db/migration or db/h2.
-- Every event row is written in the transaction that inserted or updated its order row, from the rows that
-- statement returned, and no order row is ever deleted: the foreign key could not catch anything, and its
-- check (a trigger and a key-share lock of the order row, per event, five events per order) cost 11-17 % of
-- PostgreSQL's CPU per accepted alert (docs/benchmarks.md).
ALTER TABLE order_events DROP CONSTRAINT IF EXISTS order_events_order_id_fkey;
