package com.fks.execution.deploy;

import com.fks.execution.testsupport.ExternalCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * k8s/scripts/deploy-phase5.sh: --dry-run walks the seed's steps in order, prints the kubectl
 * commands and runs none that touch a cluster; each missing prerequisite stops it with one line.
 */
final class DeployScriptTest {

    private static final List<String> STEPS = List.of("Prerequisites", "Namespace", "Secrets", "Monitoring stack",
            "Execution service", "Ingress", "Waiting for rollouts", "Status");
    private static final Pattern STEP = Pattern.compile("==> \\[(\\d)/8] (.+)");

    private static Path work;
    private static Path filledSecrets;
    private static Path kubectlLog;
    private static Path fakeBin;

    @BeforeAll
    static void prepare() throws IOException {
        ExternalCommand.require("bash", "bash");
        work = Files.createTempDirectory("fks-deploy-test-");
        filledSecrets = work.resolve("secrets.yaml");
        Files.writeString(filledSecrets, Files.readString(Manifests.root().resolve("k8s/manifests/secrets.yaml.template"))
                .replace("CHANGE_ME", "test-value-0123456789"));
        // A kubectl that renders locally with the real one and records (and refuses) everything else.
        Path realKubectl = ExternalCommand.require("kubectl", "kubectl v1.32 or newer");
        kubectlLog = work.resolve("kubectl.log");
        fakeBin = Files.createDirectory(work.resolve("bin"));
        Path fake = fakeBin.resolve("kubectl");
        Files.writeString(fake, """
                #!/bin/bash
                echo "$*" >> '%s'
                if [[ "$1" == kustomize ]]; then exec '%s' "$@"; fi
                echo "fake kubectl: no cluster here" >&2
                exit 1
                """.formatted(kubectlLog, realKubectl));
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static ExternalCommand.Result deploy(String path, String... args) {
        List<String> command = new ArrayList<>(List.of("env", "PATH=" + path,
                "bash", Manifests.root().resolve("k8s/scripts/deploy-phase5.sh").toString()));
        command.addAll(List.of(args));
        return ExternalCommand.run(work, Duration.ofMinutes(2), command);
    }

    private static String pathWithFakeKubectl() {
        return fakeBin + ":" + System.getenv("PATH");
    }

    @Test
    void shouldListTheStepsInTheSeedsOrderOnADryRun() throws IOException {
        Files.deleteIfExists(kubectlLog);
        ExternalCommand.Result result = deploy(pathWithFakeKubectl(), "--dry-run", "--overlay", "minikube", "--secrets", filledSecrets.toString())
                .assertSuccess("deploy-phase5.sh --dry-run");
        List<String> titles = new ArrayList<>();
        int expectedNumber = 1;
        for (String line : result.output().lines().toList()) {
            Matcher m = STEP.matcher(line);
            if (m.matches()) {
                assertThat(Integer.parseInt(m.group(1))).isEqualTo(expectedNumber++);
                titles.add(m.group(2));
            }
        }
        assertThat(titles).hasSize(STEPS.size());
        for (int i = 0; i < STEPS.size(); i++) {
            assertThat(titles.get(i)).startsWith(STEPS.get(i));
        }
        // no colour codes when the output is not a terminal
        assertThat(result.output()).doesNotContain("\u001b[");
        // it touched no cluster: the only kubectl it ran was the local render
        assertThat(Files.readAllLines(kubectlLog)).allMatch(l -> l.startsWith("kustomize ")).isNotEmpty();
    }

    @Test
    void shouldPrintEachStepsKubectlCommandsUnderIt() {
        String output = deploy(pathWithFakeKubectl(), "--dry-run", "--overlay", "minikube", "--secrets", filledSecrets.toString())
                .assertSuccess("deploy-phase5.sh --dry-run").output();
        String overlay = Manifests.root().resolve("k8s/overlays/minikube").toString();
        assertThat(section(output, "Namespace")).contains("+ kubectl apply --server-side").contains("-k " + overlay + " -l fks-trading.com/deploy-step=namespace");
        assertThat(section(output, "Secrets")).contains("+ kubectl apply").contains("-f " + filledSecrets);
        assertThat(section(output, "Monitoring stack")).contains("-l fks-trading.com/deploy-step=monitoring");
        assertThat(section(output, "Execution service")).contains("-l fks-trading.com/deploy-step=execution");
        assertThat(section(output, "Ingress")).contains("-l fks-trading.com/deploy-step=ingress");
        assertThat(section(output, "Waiting for rollouts"))
                .contains("+ kubectl rollout status deployment/prometheus -n fks-trading --timeout=300s")
                .contains("deployment/alertmanager").contains("deployment/grafana")
                .contains("statefulset/postgres").contains("statefulset/redis")
                .contains("deployment/fks-execution");
        assertThat(section(output, "Status"))
                .contains("+ kubectl get pods,services,ingress,pvc -n fks-trading")
                .contains("http://webhook.fks.local/webhook/tradingview")
                .contains("port-forward svc/grafana 3000:3000");
        assertThat(deploy(pathWithFakeKubectl(), "--dry-run", "--overlay", "minikube", "--secrets", filledSecrets.toString(), "--timeout", "90s")
                .output()).contains("--timeout=90s");
    }

    @Test
    void shouldStopWithOneLineWhenKubectlIsMissing() throws IOException {
        Path bin = Files.createTempDirectory(work, "bin-without-kubectl-");
        for (String tool : List.of("bash", "dirname", "grep", "sed", "head", "awk", "sort", "cat")) {
            Files.createSymbolicLink(bin.resolve(tool), ExternalCommand.require(tool, "coreutils"));
        }
        assertFailsWithOneLine(deploy(bin.toString(), "--dry-run", "--secrets", filledSecrets.toString()), "kubectl is not installed");
    }

    @Test
    void shouldStopWithOneLineWhenTheSecretsFileIsMissingOrUnfilled() throws IOException {
        assertFailsWithOneLine(deploy(pathWithFakeKubectl(), "--overlay", "minikube", "--secrets", work.resolve("absent.yaml").toString()),
                "secrets file");
        Path unfilled = work.resolve("unfilled.yaml");
        Files.copy(Manifests.root().resolve("k8s/manifests/secrets.yaml.template"), unfilled, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertFailsWithOneLine(deploy(pathWithFakeKubectl(), "--overlay", "minikube", "--secrets", unfilled.toString()), "CHANGE_ME");
    }

    @Test
    void shouldStopWithOneLineOnAnUnknownOverlayOrAnUnfilledProductionOverlay() {
        assertFailsWithOneLine(deploy(pathWithFakeKubectl(), "--overlay", "staging", "--secrets", filledSecrets.toString()), "no overlay 'staging'");
        // the production overlay names managed datastores with CHANGE_ME hosts until they are filled in
        assertFailsWithOneLine(deploy(pathWithFakeKubectl(), "--dry-run", "--overlay", "production", "--secrets", filledSecrets.toString()),
                "overlay production still contains CHANGE_ME");
    }

    @Test
    void shouldStopWithOneLineWhenTheClusterIsUnreachable() {
        assertFailsWithOneLine(deploy(pathWithFakeKubectl(), "--overlay", "minikube", "--secrets", filledSecrets.toString()), "is not reachable");
    }

    private static void assertFailsWithOneLine(ExternalCommand.Result result, String message) {
        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        List<String> errors = result.output().lines().filter(l -> l.startsWith("error: ")).toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).contains(message);
        assertThat(result.output()).doesNotContain("==> [2/8]");
    }

    /** The lines printed under one step, up to the next. */
    private static String section(String output, String title) {
        StringBuilder section = new StringBuilder();
        boolean inside = false;
        for (String line : output.lines().toList()) {
            Matcher m = STEP.matcher(line);
            if (m.matches()) {
                inside = m.group(2).startsWith(title);
                continue;
            }
            if (inside) {
                section.append(line).append('\n');
            }
        }
        assertThat(section).as("step %s in:\n%s", title, output).isNotEmpty();
        return section.toString();
    }
}
