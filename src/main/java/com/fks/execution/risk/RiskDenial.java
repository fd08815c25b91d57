package com.fks.execution.risk;

/** A refusal by the risk check: the reason, and words for the sender (no secret is ever in them). */
public record RiskDenial(DenialReason reason, String detail) {
}
