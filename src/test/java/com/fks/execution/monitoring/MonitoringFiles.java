package com.fks.execution.monitoring;

import com.fks.execution.testsupport.ExternalCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Where the monitoring files live in the repository, and small readers for them. */
final class MonitoringFiles {

    static final String RUNBOOK_BASE_URL = "https://github.com/nuniesmith/fks/blob/main/docs/runbooks/";

    private static final Pattern ALERT_NAME = Pattern.compile("(?m)^\\s*-\\s*alert:\\s*(\\S+)\\s*$");

    private MonitoringFiles() {
    }

    static Path root() {
        return ExternalCommand.projectRoot();
    }

    static Path prometheusDir() {
        return root().resolve("monitoring/prometheus");
    }

    static Path rulesFile() {
        return prometheusDir().resolve("rules/execution.yml");
    }

    static Path alertmanagerDir() {
        return root().resolve("monitoring/alertmanager");
    }

    static Path dashboard() {
        return root().resolve("monitoring/grafana/dashboards/fks-execution.json");
    }

    static Path runbooks() {
        return root().resolve("docs/runbooks");
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The alert names of the rules file, in file order (read from the text, not from a tool). */
    static List<String> alertNames() {
        Matcher m = ALERT_NAME.matcher(read(rulesFile()));
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a folder tree (used to stage config files beside the paths they refer to). */
    static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
