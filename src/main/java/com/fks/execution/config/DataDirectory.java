package com.fks.execution.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded store's folder, checked once at start: a folder this process cannot write (a volume owned by another
 * user, a read-only mount) stops the start with one line that says so, instead of the store's own error from deep
 * inside its first write.
 */
public final class DataDirectory {
    private DataDirectory() {
    }

    public static void requireWritable(Path dataDir) throws IOException {
        try {
            Files.createDirectories(dataDir);
            Path probe = Files.createTempFile(dataDir, ".write-check-", ".tmp");
            Files.delete(probe);
        } catch (AccessDeniedException | java.nio.file.ReadOnlyFileSystemException e) {
            throw new IOException(notWritable(dataDir, "permission denied"), e);
        } catch (FileSystemException e) {
            String reason = e.getReason() == null ? String.valueOf(e.getMessage()) : e.getReason();
            if (reason.contains("Read-only")) {
                throw new IOException("DATA_DIR " + dataDir.toAbsolutePath() + " is read-only (its file system is "
                        + "mounted read-only): alerts could not be recorded; mount it writable", e);
            }
            throw new IOException(notWritable(dataDir, reason), e);
        }
    }

    private static String notWritable(Path dataDir, String why) {
        return "DATA_DIR " + dataDir.toAbsolutePath() + " is not writable by this process (user "
                + System.getProperty("user.name") + "): " + why + "; give the folder (the volume) to this user, or "
                + "set DATA_DIR to one it can write";
    }
}
