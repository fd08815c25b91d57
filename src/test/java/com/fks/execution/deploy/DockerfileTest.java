package com.fks.execution.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile, read instruction by instruction, for what the manifests rely on (ContainerImageIT builds the
 * image and runs it).
 */
final class DockerfileTest {

    /** Instructions with continuation lines joined and comments dropped. */
    static List<String> instructions() throws IOException {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(Manifests.root().resolve("Dockerfile"))) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                current.append(trimmed);
                result.add(current.toString());
                current.setLength(0);
            }
        }
        return result;
    }

    /** The instructions of the last stage (the image that runs). */
    static List<String> runtimeStage() throws IOException {
        List<String> all = instructions();
        int lastFrom = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).startsWith("FROM ")) {
                lastFrom = i;
            }
        }
        return all.subList(lastFrom, all.size());
    }

    @Test
    void shouldBuildInOneStageAndRunFromAJreOnlyStage() throws IOException {
        List<String> from = instructions().stream().filter(i -> i.startsWith("FROM ")).toList();
        assertThat(from).hasSize(2);
        assertThat(from.get(0)).contains(" AS build");
        String runtime = from.get(1);
        String runtimeImage = instructions().stream().filter(i -> i.startsWith("ARG RUNTIME_IMAGE=")).findFirst()
                .map(i -> i.substring("ARG RUNTIME_IMAGE=".length())).orElse(runtime);
        assertThat(runtimeImage).contains("jre").doesNotContain("jdk").doesNotContain("maven");
        String buildImage = instructions().stream().filter(i -> i.startsWith("ARG MAVEN_IMAGE=")).findFirst().orElseThrow();
        assertThat(buildImage).contains("maven").contains("17");
        assertThat(instructions()).anyMatch(i -> i.startsWith("RUN") && i.contains("mvn") && i.contains("package"));
        assertThat(runtimeStage()).anyMatch(i -> i.startsWith("COPY --from=build") && i.contains("target/fks-execution.jar"));
        assertThat(runtimeStage()).noneMatch(i -> i.startsWith("COPY") && !i.contains("--from=build"));
    }

    @Test
    void shouldRunAsTheFixedNumericNonRootUserOfTheManifests() throws IOException {
        List<String> users = runtimeStage().stream().filter(i -> i.startsWith("USER ")).toList();
        assertThat(users).hasSize(1);
        Matcher m = Pattern.compile("USER (\\d+)(?::(\\d+))?").matcher(users.get(0));
        assertThat(m.matches()).as("USER must be numeric so runAsNonRoot can be verified: %s", users.get(0)).isTrue();
        int uid = Integer.parseInt(m.group(1));
        assertThat(uid).isPositive();
        int manifestUid = ExecutionDeploymentContractTest.container(Manifests.of("k8s/manifests")).at("/securityContext/runAsUser").asInt();
        assertThat(uid).isEqualTo(manifestUid);
        // USER is the last word on identity: nothing after it runs as root again
        int userIndex = runtimeStage().indexOf(users.get(0));
        assertThat(runtimeStage().subList(userIndex, runtimeStage().size())).noneMatch(i -> i.startsWith("RUN "));
    }

    @Test
    void shouldExposeTheServicePortsAndStartTheServeCommand() throws IOException {
        List<String> exposed = runtimeStage().stream().filter(i -> i.startsWith("EXPOSE ")).flatMap(i -> Arrays.stream(i.substring(7).trim().split("\\s+"))).toList();
        assertThat(exposed).containsExactlyInAnyOrder("8000", "9090");
        String entrypoint = runtimeStage().stream().filter(i -> i.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        assertThat(entrypoint).as("exec form, so java is PID 1 and gets SIGTERM").startsWith("ENTRYPOINT [\"java\"");
        assertThat(entrypoint).contains("\"-jar\"").contains("fks-execution.jar");
        assertThat(runtimeStage()).contains("CMD [\"serve\"]");
    }

    @Test
    void shouldStartFromAClassDataArchiveTrainedInTheRuntimeImage() throws IOException {
        List<String> stage = runtimeStage();
        String training = stage.stream().filter(i -> i.startsWith("RUN ") && i.contains("-XX:ArchiveClassesAtExit="))
                .findFirst().orElseThrow(() -> new AssertionError("no RUN that trains a class-data archive"));
        Matcher archive = Pattern.compile("-XX:ArchiveClassesAtExit=(\\S+)").matcher(training);
        assertThat(archive.find()).isTrue();
        // trained as ClassDataArchiveTest does: the image's own java and jar, a start that exits once ready
        assertThat(training).contains("java ").contains("-jar /app/fks-execution.jar serve --exit-when-ready");
        int copiedJar = stage.indexOf(stage.stream().filter(i -> i.startsWith("COPY --from=build")).findFirst().orElseThrow());
        int user = stage.indexOf(stage.stream().filter(i -> i.startsWith("USER ")).findFirst().orElseThrow());
        assertThat(stage.indexOf(training)).isBetween(copiedJar, user);
        // with a throwaway secret and DATA_DIR that do not stay in the image
        assertThat(training).contains("WEBHOOK_SECRET=").contains("DATA_DIR=/tmp/").contains("rm -rf /tmp/");
        String entrypoint = stage.stream().filter(i -> i.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        assertThat(entrypoint).contains("\"-XX:SharedArchiveFile=" + archive.group(1) + "\"");
    }

    @Test
    void shouldBoundTheJvmsMemoryAgainstTheDeploymentsRequest() throws IOException {
        // given the options of the image's java and the Deployment's memory request and limit
        List<String> options = ContainerMemoryBudgetTest.imageJvmOptions();
        JsonNode resources = ExecutionDeploymentContractTest.container(Manifests.of("k8s/manifests")).path("resources");
        long request = mebibytes(resources.at("/requests/memory").asText());
        long limit = mebibytes(resources.at("/limits/memory").asText());

        // then the heap is sized explicitly, not as a share of the limit that a JVM would commit and keep
        assertThat(String.join(" ", options)).doesNotContain("RAMPercentage");
        long initialHeap = option(options, "-Xms");
        long maxHeap = option(options, "-Xmx");
        assertThat(initialHeap).isPositive().isLessThanOrEqualTo(maxHeap);
        assertThat(maxHeap).as("-Xmx leaves the request room for the JVM's native memory").isLessThanOrEqualTo(request / 2);
        // and every large area has a ceiling, together far below the limit
        long ceilings = maxHeap + option(options, "-XX:MaxMetaspaceSize=") + option(options, "-XX:ReservedCodeCacheSize=")
                + option(options, "-XX:MaxDirectMemorySize=");
        assertThat(ceilings).isLessThanOrEqualTo(limit / 2);
        // with the collector named, so a bigger node does not change the sizing behind the test's back
        assertThat(options).anyMatch(o -> o.matches("-XX:\\+Use\\w+GC"));
        assertThat(options).contains("-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void shouldGiveTheReadmesLaptopCommandTheImagesHeapFlags() throws IOException {
        // given the README's command that runs the jar
        String command = Files.readAllLines(Manifests.root().resolve("README.md")).stream()
                .filter(l -> l.contains("-jar target/fks-execution.jar serve")).findFirst()
                .orElseThrow(() -> new AssertionError("README has no command that runs the jar"));
        List<String> words = Arrays.asList(command.trim().split("\\s+"));

        // then java gets the image's heap sizing and collector, not a heap sized from the laptop's memory
        List<String> heap = ContainerMemoryBudgetTest.imageJvmOptions().stream()
                .filter(o -> o.matches("-Xm[sxn]\\d+[mMgG]|-XX:\\+Use\\w+GC")).toList();
        assertThat(heap).hasSizeGreaterThanOrEqualTo(3);
        assertThat(words.subList(words.indexOf("java"), words.indexOf("-jar"))).containsAll(heap);
    }

    /** The size an option like -Xmx256m or -XX:MaxMetaspaceSize=128m gives, in MiB. */
    private static long option(List<String> options, String prefix) {
        String value = options.stream().filter(o -> o.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " in the ENTRYPOINT: " + options))
                .substring(prefix.length());
        Matcher m = Pattern.compile("(\\d+)([mMgG])").matcher(value);
        assertThat(m.matches()).as("%s%s in m or g", prefix, value).isTrue();
        return Long.parseLong(m.group(1)) * (m.group(2).equalsIgnoreCase("g") ? 1024 : 1);
    }

    private static long mebibytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
        assertThat(m.matches()).as("memory quantity %s", quantity).isTrue();
        return Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1024 : 1);
    }

    @Test
    void shouldWriteOnlyToTheVolumesOfTheReadOnlyRootFilesystem() throws IOException {
        String env = String.join(" ", runtimeStage().stream().filter(i -> i.startsWith("ENV ")).toList());
        assertThat(env).contains("DATA_DIR=/data");
        String entrypoint = runtimeStage().stream().filter(i -> i.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        assertThat(entrypoint).contains("-Djava.io.tmpdir=/tmp");
        // and those are the emptyDir mounts of the Deployment
        var container = ExecutionDeploymentContractTest.container(Manifests.of("k8s/manifests"));
        List<String> mounts = new ArrayList<>();
        container.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
        assertThat(mounts).contains("/tmp", "/data");
    }

    @Test
    void shouldSendOnlyTheBuildInputsToTheBuild() throws IOException {
        List<String> ignore = Files.readAllLines(Manifests.root().resolve(".dockerignore")).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignore.get(0)).as(".dockerignore starts by excluding everything").isEqualTo("*");
        assertThat(ignore).contains("!pom.xml", "!src/");
    }
}
