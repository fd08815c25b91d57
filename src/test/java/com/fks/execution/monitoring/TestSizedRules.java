package com.fks.execution.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test-sized alert rules, generated from the real rules file: every `for:` /
 * `keep_firing_for:` duration and every range window inside an `expr` is divided by a
 * factor; thresholds, expressions, labels and annotations stay as written (annotation text
 * that quotes a query keeps its `[5m]`). Windows shrink with the `for:` durations because
 * rate() divides by the whole window: a 5m window over 30 s of data reads 10x low.
 */
final class TestSizedRules {

    private static final Pattern DURATION_LINE = Pattern.compile("^(\\s*(?:for|keep_firing_for):\\s*)(\\S+)(\\s*)$");
    private static final Pattern EXPR_LINE = Pattern.compile("^(\\s*)expr:\\s*(.*)$");
    private static final Pattern WINDOW = Pattern.compile("\\[([0-9][0-9a-z]*)]");
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)(ms|s|m|h|d|w|y)");

    private TestSizedRules() {
    }

    static String shorten(String rules, int factor) {
        List<String> out = new ArrayList<>();
        int exprIndent = -1; // inside an `expr: |` block: the indentation of the `expr:` key
        for (String line : rules.split("\n", -1)) {
            int indent = line.length() - line.stripLeading().length();
            if (exprIndent >= 0 && !line.isBlank() && indent <= exprIndent) {
                exprIndent = -1;
            }
            Matcher duration = DURATION_LINE.matcher(line);
            Matcher expr = EXPR_LINE.matcher(line);
            if (duration.matches()) {
                out.add(duration.group(1) + format(millis(duration.group(2)) / factor) + duration.group(3));
            } else if (expr.matches()) {
                String value = expr.group(2).trim();
                if (value.startsWith("|") || value.startsWith(">")) {
                    exprIndent = indent;
                    out.add(line);
                } else {
                    out.add(shortenWindows(line, factor));
                }
            } else if (exprIndent >= 0) {
                out.add(shortenWindows(line, factor));
            } else {
                out.add(line);
            }
        }
        return String.join("\n", out);
    }

    private static String shortenWindows(String line, int factor) {
        Matcher m = WINDOW.matcher(line);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, "[" + format(millis(m.group(1)) / factor) + "]");
        }
        return m.appendTail(out).toString();
    }

    /** Prometheus duration (5m, 1h30m, 250ms) in milliseconds. */
    static long millis(String duration) {
        Matcher m = DURATION_PART.matcher(duration);
        long total = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new IllegalArgumentException("not a duration: " + duration);
            }
            long n = Long.parseLong(m.group(1));
            total += switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1_000;
                case "m" -> n * 60_000;
                case "h" -> n * 3_600_000;
                case "d" -> n * 86_400_000;
                case "w" -> n * 604_800_000;
                default -> n * 31_536_000_000L;
            };
            end = m.end();
        }
        if (end != duration.length() || end == 0) {
            throw new IllegalArgumentException("not a duration: " + duration);
        }
        return total;
    }

    static String format(long millis) {
        if (millis == 0) {
            return "0s";
        }
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }
}
