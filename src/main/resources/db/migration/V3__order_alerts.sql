-- The alert as received is written once and read only by GET /orders/{id}: kept apart from the order row,
-- which changes at every transition, so each change rewrites a small row, not the alert with it.
CREATE TABLE order_alerts (
    order_id   VARCHAR(40)      NOT NULL PRIMARY KEY,
    alert_json VARCHAR(1000000) NOT NULL
);

INSERT INTO order_alerts (order_id, alert_json) SELECT order_id, alert_json FROM orders;

ALTER TABLE orders DROP COLUMN alert_json;
