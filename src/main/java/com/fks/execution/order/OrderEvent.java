package com.fks.execution.order;

import java.time.Instant;

/** One step of an order's history. RECEIVED is the request's arrival, before the order existed. */
public record OrderEvent(String status, Instant at, String detail) {
}
