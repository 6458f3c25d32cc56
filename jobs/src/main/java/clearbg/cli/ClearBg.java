package clearbg.cli;

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

    /** Runs the command line and returns the exit code (for tests). */
    public static int execute(String... args) {
        EngineSettings.applyOfflineDefaults();
        return new CommandLine(new ClearBg())
                .setExecutionExceptionHandler(new FailureHandler())
                .execute(args);
    }
}
