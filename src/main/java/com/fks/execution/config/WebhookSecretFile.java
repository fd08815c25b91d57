package com.fks.execution.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The webhook secret of a laptop run: when WEBHOOK_SECRET is unset the service makes one on first start and
 * keeps it, readable by its owner only, at DATA_DIR/webhook-secret. It never runs without a secret.
 */
public final class WebhookSecretFile {
    public static final String FILE_NAME = "webhook-secret";

    /** What was found or made, and whether it was made just now (then it is shown once). */
    public record Resolved(Settings.Secret secret, boolean generated, Path file) {
    }

    private WebhookSecretFile() {
    }

    public static Resolved resolve(Settings settings) throws IOException {
        Path file = settings.dataDir().resolve(FILE_NAME);
        if (settings.webhookSecret() != null) {
            return new Resolved(settings.webhookSecret(), false, null);
        }
        if (Files.exists(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (stored.length() < SettingsLoader.MIN_SECRET_LENGTH) {
                throw new IOException(file + " holds a secret shorter than " + SettingsLoader.MIN_SECRET_LENGTH
                        + " characters; delete it to have a new one made");
            }
            return new Resolved(new Settings.Secret(stored), false, file);
        }
        Files.createDirectories(settings.dataDir());
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String secret = HexFormat.of().formatHex(random);
        Path tmp = Files.createTempFile(settings.dataDir(), FILE_NAME, ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: the folder's own permissions apply
        }
        Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return new Resolved(new Settings.Secret(secret), true, file);
    }
}
