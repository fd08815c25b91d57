package com.fks.execution.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a tool from the machine (promtool, kubectl, shellcheck, node...) and captures what it prints.
 * A missing tool fails the test with one line naming the package to install: never a silent skip.
 */
public final class ExternalCommand {

    public record Result(int exitCode, String output) {
        public Result assertSuccess(String what) {
            if (exitCode != 0) {
                throw new AssertionError(what + " exited " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    private ExternalCommand() {
    }

    /** Fails with "install PACKAGE" when the tool is not on PATH. */
    public static Path require(String tool, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(tool + " is not installed: install the Debian package '" + debianPackage
                + "' (scripts/test does it when run as root)");
    }

    public static Result run(Path workingDir, Duration timeout, String... command) {
        return run(workingDir, timeout, List.of(command));
    }

    public static Result run(Path workingDir, Duration timeout, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .directory(workingDir.toFile())
                .redirectErrorStream(true);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] out = readAll(process, timeout);
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("could not run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    private static byte[] readAll(Process process, Duration timeout) throws IOException, InterruptedException {
        var reader = new java.io.ByteArrayOutputStream();
        Thread pump = new Thread(() -> {
            try (var in = process.getInputStream()) {
                in.transferTo(reader);
            } catch (IOException ignored) {
                // the process was killed after its timeout; what was read so far is kept
            }
        });
        pump.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            pump.join(1000);
            throw new AssertionError("timed out after " + timeout + ":\n" + reader.toString(StandardCharsets.UTF_8));
        }
        pump.join();
        return reader.toByteArray();
    }

    /** The project's root folder (where pom.xml is), whichever folder surefire runs in. */
    public static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new AssertionError("no pom.xml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
