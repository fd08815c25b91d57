package com.fks.execution.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class WebhookSecretFileTest {
    @TempDir
    Path tempDir;

    @Test
    void shouldGenerateASecretOfAtLeast16CharactersWhenNoneIsSet() throws IOException {
        // given
        Path dataDir = tempDir.resolve("nested/data");
        Settings settings = settings(dataDir, null);

        // when
        WebhookSecretFile.Resolved resolved = WebhookSecretFile.resolve(settings);

        // then
        assertThat(resolved.generated()).isTrue();
        assertThat(resolved.secret().value()).hasSizeGreaterThanOrEqualTo(SettingsLoader.MIN_SECRET_LENGTH)
                .matches("[0-9a-f]{48}");
        assertThat(resolved.file()).isEqualTo(dataDir.resolve("webhook-secret"));
        assertThat(Files.readString(resolved.file()).strip()).isEqualTo(resolved.secret().value());
    }

    @Test
    void shouldKeepTheFileReadableByItsOwnerOnly() throws IOException {
        // when
        WebhookSecretFile.Resolved resolved = WebhookSecretFile.resolve(settings(tempDir, null));

        // then
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(resolved.file()))).isEqualTo("rw-------");
    }

    @Test
    void shouldLeaveNoTemporaryFileBehind() throws IOException {
        // when
        WebhookSecretFile.resolve(settings(tempDir, null));

        // then
        try (Stream<Path> files = Files.list(tempDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("webhook-secret");
        }
    }

    @Test
    void shouldReuseTheStoredSecretOnTheNextResolve() throws IOException {
        // given
        WebhookSecretFile.Resolved first = WebhookSecretFile.resolve(settings(tempDir, null));

        // when
        WebhookSecretFile.Resolved second = WebhookSecretFile.resolve(settings(tempDir, null));

        // then
        assertThat(second.generated()).isFalse();
        assertThat(second.secret().value()).isEqualTo(first.secret().value());
        assertThat(second.file()).isEqualTo(first.file());
    }

    @Test
    void shouldMakeADifferentSecretInEachDataDir() throws IOException {
        // when
        String a = WebhookSecretFile.resolve(settings(tempDir.resolve("a"), null)).secret().value();
        String b = WebhookSecretFile.resolve(settings(tempDir.resolve("b"), null)).secret().value();

        // then
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void shouldPreferTheEnvironmentSecretAndWriteNoFile() throws IOException {
        // given
        String envSecret = "from-the-environment-0123";

        // when
        WebhookSecretFile.Resolved resolved = WebhookSecretFile.resolve(settings(tempDir, envSecret));

        // then
        assertThat(resolved.secret().value()).isEqualTo(envSecret);
        assertThat(resolved.generated()).isFalse();
        assertThat(resolved.file()).isNull();
        assertThat(tempDir.resolve("webhook-secret")).doesNotExist();
    }

    @Test
    void shouldPreferTheEnvironmentSecretOverAStoredOne() throws IOException {
        // given
        String stored = WebhookSecretFile.resolve(settings(tempDir, null)).secret().value();
        String envSecret = "from-the-environment-0123";

        // when
        WebhookSecretFile.Resolved resolved = WebhookSecretFile.resolve(settings(tempDir, envSecret));

        // then
        assertThat(resolved.secret().value()).isEqualTo(envSecret).isNotEqualTo(stored);
    }

    @Test
    void shouldRefuseAStoredSecretShorterThan16CharactersWithoutEchoingIt() throws IOException {
        // given
        Files.writeString(tempDir.resolve("webhook-secret"), "short-one\n");

        // when / then
        assertThatThrownBy(() -> WebhookSecretFile.resolve(settings(tempDir, null)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("shorter than 16")
                .hasMessageNotContaining("short-one");
    }

    private static Settings settings(Path dataDir, String webhookSecret) {
        return webhookSecret == null
                ? SettingsLoader.load(Map.of("DATA_DIR", dataDir.toString()))
                : SettingsLoader.load(Map.of("DATA_DIR", dataDir.toString(), "WEBHOOK_SECRET", webhookSecret));
    }
}
