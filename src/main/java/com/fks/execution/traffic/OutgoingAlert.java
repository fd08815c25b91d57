package com.fks.execution.traffic;

/**
 * One request as the generator sends it.
 *
 * @param signatureHeader value of X-Webhook-Signature, or null when the body carries the secret
 * @param contentType     text/plain for bodies that are not strict JSON (bare NaN), as TradingView does
 */
public record OutgoingAlert(String alertId, AlertKind kind, byte[] body, String signatureHeader, String contentType) {
}
