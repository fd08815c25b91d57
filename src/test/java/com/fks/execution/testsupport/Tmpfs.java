package com.fks.execution.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.fail;

/**
 * A small file system of a test's own (a tmpfs mounted under its temporary folder), to fill until it refuses a
 * byte or to remount read-only: the disk faults the store and the exchanges must survive. Mounting needs root,
 * as CI runs the tests; elsewhere the test fails saying so, rather than pass without its fault.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path workingDir;
    private final Path root;

    private Tmpfs(Path workingDir, Path root) {
        this.workingDir = workingDir;
        this.root = root;
    }

    /** Mounts a tmpfs of {@code size} (as mount's size option: "4m", "256k") at {@code tmp}/disk. */
    public static Tmpfs mount(Path tmp, String size, String test) throws IOException {
        if (!"0".equals(ExternalCommand.run(tmp, Duration.ofSeconds(5), "id", "-u").output().trim())) {
            fail(test + " mounts a tmpfs and must run as root (CI does)");
        }
        Path disk = Files.createDirectories(tmp.resolve("disk"));
        ExternalCommand.run(tmp, Duration.ofSeconds(10), "mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs",
                disk.toString()).assertSuccess("mount a " + size + " tmpfs");
        return new Tmpfs(tmp, disk);
    }

    public Path root() {
        return root;
    }

    /**
     * Writes to {@code filler} (created or grown) until the file system has no byte left: large blocks, then
     * small ones for the last partial block; returns the bytes written.
     */
    public static long fill(Path filler) throws IOException {
        long written = 0;
        for (int block : new int[] {64 * 1024, 512}) {
            byte[] bytes = new byte[block];
            try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                while (true) {
                    out.write(bytes);
                    out.flush();
                    written += block;
                }
            } catch (IOException e) {
                if (!String.valueOf(e.getMessage()).contains("No space left")) {
                    throw e;
                }
            }
        }
        return written;
    }

    @Override
    public void close() {
        ExternalCommand.run(workingDir, Duration.ofSeconds(10), "umount", "-l", root.toString());
    }
}
