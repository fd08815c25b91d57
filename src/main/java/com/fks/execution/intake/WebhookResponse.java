package com.fks.execution.intake;

import java.util.Map;

/**
 * The answer to a webhook call.
 *
 * @param reason            the reason code for metrics (accepted, duplicate, or a {@link RejectionReason} code)
 * @param retryAfterSeconds for 429, else null
 */
public record WebhookResponse(int status, Map<String, Object> body, String reason, Long retryAfterSeconds) {
}
