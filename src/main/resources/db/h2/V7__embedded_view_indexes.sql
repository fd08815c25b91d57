-- H2 only: on the embedded store this file is the journal's view (order.journal.ViewProjector), written for
-- every accepted alert, and every index is one more B-tree written with each order. Leases, the lookup of an
-- exchange's open orders and the de-duplication by client order id are answered from the journal's memory,
-- so these three indexes only cost there. PostgreSQL (replicas) keeps them: there they are read.
ALTER TABLE orders DROP CONSTRAINT orders_client_order_id_unique;
DROP INDEX orders_lease_owner;
DROP INDEX orders_exchange_symbol_status;
