package com.fks.execution.app;

import ch.qos.logback.classic.LoggerContext;
import com.fks.execution.config.Settings;
import com.fks.execution.config.SettingsLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import java.util.concurrent.Callable;

/**
 * Runs the service until SIGTERM or SIGINT, then drains and exits 0; a second signal, or a drain past its deadline,
 * ends it at once ({@link StopSignals}).
 */
@Command(name = "serve", description = "Run the service (configured by environment variables; see README).")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--exit-when-ready", description = "Start, and once ready drain and exit 0: a smoke check, "
            + "and the training run of a class-data archive (-XX:ArchiveClassesAtExit, see the Dockerfile).")
    private boolean exitWhenReady;

    @Override
    public Integer call() throws Exception {
        Settings settings;
        try {
            settings = SettingsLoader.load(System.getenv());
        } catch (SettingsLoader.InvalidSettingsException e) {
            for (String problem : e.problems()) {
                System.err.println("fks-execution: bad configuration: " + problem);
            }
            return 2;
        }
        Application app;
        try {
            app = Application.start(settings);
        } catch (RuntimeException | java.io.IOException e) {
            log.error("start-up failed: {}", e.getMessage());
            System.err.println("fks-execution: start-up failed: " + e.getMessage());
            return 1;
        }
        // Printed in both modes: a secret generated on this start is shown only once, on this start.
        StartupBanner.print(System.err, settings, app);
        if (exitWhenReady) {
            log.info("ready; --exit-when-ready: draining and exiting");
            app.close();
            return 0;
        }
        // Handling the signals ourselves (instead of a shutdown hook) lets the drain finish and the exit code
        // be 0, which Kubernetes and systemd read as a clean stop.
        StopSignals signals = new StopSignals(StopSignals.DRAIN_DEADLINE, ServeCommand::flushLogsAndHalt);
        Signal.handle(new Signal("TERM"), s -> signals.received(s.getName(), s.getNumber()));
        Signal.handle(new Signal("INT"), s -> signals.received(s.getName(), s.getNumber()));
        signals.awaitFirst();
        app.close();
        return 0;
    }

    /** The log is written by a background appender: flushed first, so the line that says why is not lost. */
    private static void flushLogsAndHalt(int status) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logs) {
            logs.stop();
        }
        Runtime.getRuntime().halt(status);
    }
}
