package com.fks.execution.order;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Helpers for statements that write a group's rows at once. */
final class MultiRow {
    private MultiRow() {
    }

    /** Whether the connection is to PostgreSQL, whose ON CONFLICT, UPDATE ... FROM and RETURNING H2 lacks. */
    static boolean postgres(Connection c) throws SQLException {
        return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
    }

    /** {@code (?, ?), (?, ?)}: the VALUES list for rows of the given width. */
    static String placeholders(int columns, int rows) {
        String row = "(" + "?, ".repeat(columns - 1) + "?)";
        StringBuilder sql = new StringBuilder(rows * (row.length() + 2));
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append(row);
        }
        return sql.toString();
    }

    /**
     * Splits a group into rounds in which no key occurs twice, keeping their order: the n-th request for a key
     * goes in round n. A multi-row statement touches each row once, so a second request for the same row
     * (an alert id sent twice, two transitions of one order) runs after the first, as in a later group.
     *
     * @return for each round, the indices of its items
     */
    static <T> List<List<Integer>> rounds(List<T> items, Function<T, String> key) {
        Map<String, Integer> seen = new HashMap<>();
        List<List<Integer>> rounds = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            int round = seen.merge(key.apply(items.get(i)), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(i);
        }
        return rounds;
    }
}
