package com.fks.execution;

import com.fks.execution.testsupport.ExternalCommand;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every arrow between packages points down the layers of docs/architecture.md: a package names (imports, or
 * writes out in full) only packages of a lower layer, and never a sibling of its own layer. Read from the
 * source text, so a cycle cannot come back unnoticed, and a new package must be given its layer here.
 */
final class LayeringTest {
    private static final Path MAIN = ExternalCommand.projectRoot().resolve("src/main/java/com/fks/execution");
    /** Higher imports lower; the same number means siblings that do not know each other. */
    private static final Map<String, Integer> LAYER = Map.ofEntries(
            entry("app", 7),
            entry("intake", 6), entry("bench", 6),
            entry("traffic", 5),
            entry("execution", 4),
            entry("risk", 3), entry("exchange", 3), entry("ratelimit", 3),
            entry("order", 2),
            entry("config", 1), entry("metrics", 1), entry("signing", 1));
    /** What an order is, as every layer above the order domain speaks of it. */
    private static final Set<String> ORDER_VOCABULARY = Set.of("Side", "OrderType");
    private static final Pattern REFERENCE = Pattern.compile("\\bcom\\.fks\\.execution\\.([a-z][a-z0-9]*)\\b");

    @Test
    void shouldGiveEveryPackageALayer() throws IOException {
        TreeSet<String> packages = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(MAIN)) {
            dirs.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
        }
        assertThat(packages).as("top-level packages under " + MAIN).isNotEmpty();
        assertThat(LAYER.keySet()).as("packages with a layer").containsAll(packages);
    }

    @Test
    void shouldPointEveryArrowBetweenPackagesDown() throws IOException {
        List<String> upward = new ArrayList<>();
        int arrows = 0;
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String from = MAIN.relativize(file).getName(0).toString();
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).startsWith("package ")) {
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(lines.get(i));
                    while (m.find()) {
                        String to = m.group(1);
                        if (to.equals(from)) {
                            continue;
                        }
                        arrows++;
                        if (!LAYER.containsKey(from) || !LAYER.containsKey(to) || LAYER.get(from) <= LAYER.get(to)) {
                            upward.add(MAIN.relativize(file) + ":" + (i + 1) + " " + from + " (" + LAYER.get(from)
                                    + ") -> " + to + " (" + LAYER.get(to) + "): " + lines.get(i).trim());
                        }
                    }
                }
            }
        }
        // Guards the scan itself: with no arrow found at all the rule would hold for nothing.
        assertThat(arrows).as("arrows between packages found").isGreaterThan(50);
        assertThat(upward).as("imports from a package to one of its own layer or a higher one").isEmpty();
    }

    @Test
    void shouldLetTheExchangesUseOnlyTheOrderVocabularyAndKeepTheirBooksThroughAPortOfTheirOwn() throws IOException {
        Path exchange = MAIN.resolve("exchange");
        Pattern orderReference = Pattern.compile("\\bcom\\.fks\\.execution\\.order\\.([A-Za-z.]+)");
        List<String> reaching = new ArrayList<>();
        try (Stream<Path> files = Files.walk(exchange)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                // A JDBC book is a store: it may use the store's writer, and the paper book's log the journal's
                // frames; the adapters ask the book, not the store.
                String name = file.getFileName().toString();
                if (name.startsWith("Jdbc") || name.equals("PaperBookLog.java")) {
                    continue;
                }
                Matcher m = orderReference.matcher(Files.readString(file));
                while (m.find()) {
                    if (!ORDER_VOCABULARY.contains(m.group(1))) {
                        reaching.add(MAIN.relativize(file) + " -> order." + m.group(1));
                    }
                }
            }
        }
        assertThat(reaching).as("exchange code naming more of order than its vocabulary").isEmpty();
    }
}
