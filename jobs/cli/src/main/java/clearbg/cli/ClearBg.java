package clearbg.cli;

import clearbg.jobs.options.OfflineEngine;
import clearbg.jobs.params.ParamsDefaults;
import clearbg.jobs.params.ParamsException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The local {@code clearbg} command: U²-Net on one machine, no cluster. Exit codes: 0 success, 1 failure,
 * 2 usage error.
 */
@Command(
        name = "clearbg",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Background removal and salient-object detection with U²-Net, on one machine.",
        subcommands = {
            SummaryCommand.class,
            ConvertCommand.class,
            InitCommand.class,
            RemoveCommand.class,
            RecordsCommand.class,
            ServeCommand.class,
            MetricsCommand.class,
            TrainCommand.class,
            SynthCommand.class,
            CommandLine.HelpCommand.class
        })
public final class ClearBg implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line on the standard streams and returns the exit code. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line, printing to {@code out} and {@code err}, and returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        OfflineEngine.applyDefaults();
        CommandLine commandLine = new CommandLine(new ClearBg())
                .setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler(new FailureHandler());
        CommandLine invoked = args.length > 0 ? commandLine.getSubcommands().get(args[0]) : null;
        if (invoked != null) {
            try {
                ParamsDefaults.install(invoked, args);
            } catch (ParamsException e) {
                err.println("clearbg " + args[0] + ": " + e.getMessage());
                return 2;
            }
        }
        return commandLine.execute(args);
    }
}
