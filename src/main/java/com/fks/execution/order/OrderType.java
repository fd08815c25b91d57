package com.fks.execution.order;

public enum OrderType {
    MARKET, LIMIT
}
