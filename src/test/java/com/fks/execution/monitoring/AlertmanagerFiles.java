package com.fks.execution.monitoring;

import java.nio.file.Path;

/**
 * Stages the real monitoring/alertmanager folder for a test Alertmanager. The only change:
 * the secret mount /etc/alertmanager/secrets/ becomes a temp folder whose files hold the
 * URLs of a local Slack stand-in (one path per channel: /critical, /warnings, /info).
 */
final class AlertmanagerFiles {

    static final String SECRETS_MOUNT = "/etc/alertmanager/secrets/";

    private AlertmanagerFiles() {
    }

    /** Returns the staged alertmanager.yml. */
    static Path stage(Path dir, SlackReceiver slack) {
        MonitoringFiles.copyTree(MonitoringFiles.alertmanagerDir(), dir);
        Path config = dir.resolve("alertmanager.yml");
        String original = MonitoringFiles.read(config);
        int mounts = original.split(java.util.regex.Pattern.quote("api_url_file: " + SECRETS_MOUNT), -1).length - 1;
        if (mounts != 3) {
            throw new AssertionError("expected the 3 receivers to read their URL under " + SECRETS_MOUNT
                    + ", found " + mounts + " references");
        }
        Path secrets = dir.resolve("secrets");
        for (String channel : new String[] {"critical", "warnings", "info"}) {
            MonitoringFiles.write(secrets.resolve(channel + "-url"), slack.url("/" + channel) + "\n");
        }
        MonitoringFiles.write(config, original.replace(SECRETS_MOUNT, secrets + "/"));
        return config;
    }
}
