package com.fks.execution.app;

import com.fks.execution.bench.HelloWorldCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** fks-execution's command line: serve, and the tools that come with it. */
@Command(name = "fks-execution", mixinStandardHelpOptions = true, version = "fks-execution 0.1.0",
        description = "Execution service of the FKS trading platform: TradingView webhooks in, exchange orders out.",
        subcommands = {ServeCommand.class, HelloWorldCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        // serve returns only after its drain; exiting here also ends any thread a library left behind.
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
