package com.fks.execution.deploy;

import com.fks.execution.testsupport.ExternalCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The podman of the machine, always with runc: crun, podman's default here, refuses this kernel's mix of
 * cgroup v1 and v2. Every call is logged with what it printed, so a failing image check shows the commands.
 */
final class Podman {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private Podman() {
    }

    static ExternalCommand.Result run(String... arguments) {
        return run(TIMEOUT, arguments);
    }

    static ExternalCommand.Result run(Duration timeout, String... arguments) {
        ExternalCommand.require("podman", "podman");
        List<String> command = new ArrayList<>(List.of("podman", "--runtime", "runc"));
        command.addAll(List.of(arguments));
        ExternalCommand.Result result = ExternalCommand.run(Manifests.root(), timeout, command);
        System.out.println("$ " + String.join(" ", command) + "  -> " + result.exitCode());
        return result;
    }

    /** Runs and fails the test with the command's output unless it exits 0; answers what it printed, trimmed. */
    static String ok(String... arguments) {
        return run(arguments).assertSuccess("podman " + String.join(" ", arguments)).output().trim();
    }

    /** Removes the container if it exists, whatever state it is in. */
    static void remove(String container) {
        run("rm", "--force", "--ignore", "--time", "0", container);
    }
}
