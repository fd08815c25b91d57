package com.fks.execution.intake;

import java.io.InputStream;

/**
 * A webhook call as the HTTP layer hands it over; the body is read by the pipeline, after the checks that
 * need no body, and never beyond MAX_BODY_BYTES.
 *
 * @param declaredLength Content-Length, or -1 when the body is chunked
 */
public record WebhookRequest(String peerAddress, String forwardedFor, String contentType, String signature,
                             long declaredLength, InputStream body) {
}
