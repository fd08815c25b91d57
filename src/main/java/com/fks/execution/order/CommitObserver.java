package com.fks.execution.order;

/**
 * Told of each group the order store made durable: how many changes it held and how long its durable write took
 * (the journal's append and fdatasync; PostgreSQL's transaction, from taking a connection to the commit). Called
 * on the store's writer thread, between groups: it must not block.
 */
@FunctionalInterface
public interface CommitObserver {
    CommitObserver NONE = (changes, nanos) -> { };

    void committed(int changes, long nanos);
}
