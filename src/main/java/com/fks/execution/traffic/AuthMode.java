package com.fks.execution.traffic;

/** How the generator authenticates: the body's secret field (what TradingView can do), the HMAC header, or both. */
public enum AuthMode {
    SECRET, SIGNATURE, MIXED
}
