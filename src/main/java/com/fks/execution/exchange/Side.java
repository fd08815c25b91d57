package com.fks.execution.exchange;

public enum Side {
    BUY, SELL
}
