package com.fks.execution.exchange;

public enum OrderType {
    MARKET, LIMIT
}
