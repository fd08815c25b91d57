package com.fks.execution.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class DataDirectoryTest {
    @TempDir
    Path temp;

    @Test
    void shouldCreateAMissingFolderAndLeaveNothingBehind() throws IOException {
        Path dataDir = temp.resolve("data");

        assertThatCode(() -> DataDirectory.requireWritable(dataDir)).doesNotThrowAnyException();

        try (var files = Files.list(dataDir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void shouldNameTheFolderWhenItIsAFileNotAFolder() throws IOException {
        Path file = Files.writeString(temp.resolve("data"), "x");

        assertThatThrownBy(() -> DataDirectory.requireWritable(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("DATA_DIR " + file.toAbsolutePath()).hasMessageContaining("not writable");
    }

    @Test
    void shouldSayTheFolderIsNotWritableByThisUser() throws IOException {
        // root writes through any permission: as root this checks the message of a path under a plain file instead
        Path dataDir = Files.createDirectory(temp.resolve("locked"));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("r-xr-xr-x"));
        boolean root = "root".equals(System.getProperty("user.name"));
        Path target = root ? Files.writeString(temp.resolve("plain"), "x").resolve("data") : dataDir;

        assertThatThrownBy(() -> DataDirectory.requireWritable(target)).isInstanceOf(IOException.class)
                .hasMessageContaining("DATA_DIR " + target.toAbsolutePath());
    }
}
