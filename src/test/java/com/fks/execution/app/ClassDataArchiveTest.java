package com.fks.execution.app;

import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image's class-data archive, made the way the Dockerfile makes it: a training start with
 * {@code serve --exit-when-ready} exits 0 once ready and leaves an archive, and a start given that archive
 * takes the service's classes from it.
 */
final class ClassDataArchiveTest {
    @TempDir
    Path tmp;

    @Test
    void shouldTrainAnArchiveWithExitWhenReadyAndStartFromIt() throws Exception {
        // given the service's classes in a jar (an archive takes classes from jars only) and its dependencies
        String classPath = jarredClassPath();
        Path archive = tmp.resolve("fks-execution.jsa");

        // when the training start runs
        ServiceProcess.Exit training = serve(classPath, tmp.resolve("training-data"), "-XX:ArchiveClassesAtExit=" + archive);

        // then it exits 0 once ready, and the archive is there
        assertThat(training.code()).as(training.output()).isZero();
        assertThat(training.output()).contains("fks-execution ready in").contains("--exit-when-ready: draining");
        assertThat(Files.size(archive)).isGreaterThan(1_000_000L);

        // and a start given the archive loads the service's classes from it
        ServiceProcess.Exit archived = serve(classPath, tmp.resolve("data"), "-XX:SharedArchiveFile=" + archive,
                "-Xlog:class+load=info");
        assertThat(archived.code()).as(archived.output()).isZero();
        assertThat(archived.output()).contains("com.fks.execution.app.Application source: shared objects file (top)");
    }

    private ServiceProcess.Exit serve(String classPath, Path dataDir, String... jvmOptions) throws Exception {
        List<String> options = new ArrayList<>(List.of("-XX:-UsePerfData"));
        options.addAll(List.of(jvmOptions));
        return ServiceProcess.runToExit(classPath, options, Map.of("DATA_DIR", dataDir.toString()),
                Duration.ofSeconds(90), "--exit-when-ready");
    }

    /** The test's class path with the main classes folder packed into a jar and the test classes left out. */
    private String jarredClassPath() throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!Files.isDirectory(path)) {
                entries.add(entry);
            } else if (!path.getFileName().toString().equals("test-classes")) {
                entries.add(jar(path).toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private Path jar(Path classes) throws IOException {
        Path jar = Files.createTempFile(tmp, "classes-", ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            // Folders get entries too, as in the jar Maven builds: Flyway finds db/migration by asking the class
            // loader for that folder, which a jar without folder entries does not have.
            for (Path file : (Iterable<Path>) files.filter(p -> !p.equals(classes))::iterator) {
                String name = classes.relativize(file).toString().replace(File.separatorChar, '/');
                if (Files.isDirectory(file)) {
                    zip.putNextEntry(new JarEntry(name + "/"));
                } else {
                    zip.putNextEntry(new JarEntry(name));
                    Files.copy(file, zip);
                }
                zip.closeEntry();
            }
        }
        return jar;
    }
}
