package com.fks.execution.order;

public enum Side {
    BUY, SELL
}
