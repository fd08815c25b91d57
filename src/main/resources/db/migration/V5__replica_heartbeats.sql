-- Each replica's heartbeat: renewed every few seconds, deleted when it drains. The rows whose alive_until is
-- still ahead are the live replicas; the rate limiter divides its limit by their count while Redis is down.
CREATE TABLE replicas (
    owner       VARCHAR(128) NOT NULL PRIMARY KEY,
    alive_until BIGINT       NOT NULL
);
