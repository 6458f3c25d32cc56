package clearbg.jobs;

import clearbg.jobs.options.OfflineEngine;
import clearbg.jobs.params.ParamsDefaults;
import clearbg.jobs.params.ParamsException;
import picocli.CommandLine;

/**
 * Runs a job's command line: option defaults come from {@code --params FILE} when given
 * ({@link ParamsDefaults}), unknown options and unknown params keys are usage errors (exit 2), failures
 * print one line naming the cause (exit 1), and DJL is kept offline.
 */
final class JobCommandLine {

    private JobCommandLine() {}

    static int execute(Object job, String... args) {
        OfflineEngine.applyDefaults();
        CommandLine commandLine = new CommandLine(job).setExecutionExceptionHandler((e, command, parseResult) -> {
            command.getErr().println(command.getCommandName() + ": " + e.getMessage());
            if (System.getenv("CLEARBG_DEBUG") != null) {
                e.printStackTrace(command.getErr());
            }
            return 1;
        });
        try {
            ParamsDefaults.install(commandLine, args);
        } catch (ParamsException e) {
            commandLine.getErr().println(commandLine.getCommandName() + ": " + e.getMessage());
            return 2;
        }
        return commandLine.execute(args);
    }
}
