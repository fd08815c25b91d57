package com.fks.execution.app;

public final class Main {
    public static void main(String[] args) {
        System.out.println("fks-execution");
    }
}
