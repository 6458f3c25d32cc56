package clearbg.jobs;

import picocli.CommandLine;

/**
 * Runs a job's command line: unknown options are usage errors (exit 2), failures print one line naming
 * the cause (exit 1), and DJL is kept offline.
 */
final class JobCommandLine {

    private JobCommandLine() {}

    static int execute(Object job, String... args) {
        OfflineEngine.applyDefaults();
        return new CommandLine(job)
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    commandLine.getErr().println(commandLine.getCommandName() + ": " + e.getMessage());
                    if (System.getenv("CLEARBG_DEBUG") != null) {
                        e.printStackTrace(commandLine.getErr());
                    }
                    return 1;
                })
                .execute(args);
    }
}
