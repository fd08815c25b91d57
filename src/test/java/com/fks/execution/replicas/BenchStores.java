package com.fks.execution.replicas;

import java.util.concurrent.CountDownLatch;

/**
 * For scripts/bench-replicas: starts the same PostgreSQL and Redis the replica tests use, prints their URLs
 * (one {@code NAME=value} per line, then {@code READY}), and keeps them up until the process is stopped.
 */
public final class BenchStores {
    private BenchStores() {
    }

    public static void main(String[] args) throws Exception {
        SharedStores stores = SharedStores.start();
        Runtime.getRuntime().addShutdownHook(new Thread(stores::close, "bench-stores-stop"));
        System.out.println("DATABASE_URL=" + stores.jdbcUrl());
        System.out.println("DATABASE_USER=postgres");
        System.out.println("REDIS_URL=" + stores.redisUrl());
        System.out.println("READY");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
