-- Lease renewal, the hand-back on drain and the sweep of a replica's own open orders select by owner;
-- without this index each of them reads the whole order table every few seconds.
CREATE INDEX orders_lease_owner ON orders (lease_owner);
