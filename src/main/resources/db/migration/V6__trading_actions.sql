-- Trading actions (exits, cancels, sizing, protection): what an order asks beyond buy or sell N, as one short
-- text (order.OrderTerms), null for a plain entry; protection order types are longer than the old eight
-- characters; positions and cancels read an exchange's and symbol's orders.
ALTER TABLE orders ADD COLUMN terms VARCHAR(1000);
ALTER TABLE orders ALTER COLUMN order_type SET DATA TYPE VARCHAR(16);
CREATE INDEX orders_exchange_symbol_status ON orders (exchange, symbol, status);
