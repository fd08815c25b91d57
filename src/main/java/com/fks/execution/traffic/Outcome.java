package com.fks.execution.traffic;

/**
 * What came back for one alert.
 *
 * @param status        the HTTP status, or 0 when no answer came (connection error or timeout)
 * @param reason        the answer's reason (accepted, duplicate, a rejection code), or connection_error/timeout
 * @param orderId       the order id in the answer (202 and duplicates), else null
 * @param latencyNanos  from the scheduled send time (open loop) or the send (closed loop) to the answer
 * @param dueEpochMicros that start time on the wall clock (microseconds since the epoch), so a later reading of the
 *                      service's own timestamps (an order's history) can be measured from it on the same machine
 */
public record Outcome(String alertId, AlertKind kind, int status, String reason, String orderId, long latencyNanos,
                      long dueEpochMicros) {
    public static final String CONNECTION_ERROR = "connection_error";
    public static final String TIMEOUT = "timeout";

    public boolean answered() {
        return status > 0;
    }
}
