package clearbg.cli;

import picocli.CommandLine;

/**
 * Prints a failure as one line, {@code clearbg: <message>}, instead of a stack trace, and exits 1; an
 * illegal argument found while running (a bad option value) is a usage error and exits 2. Set
 * {@code CLEARBG_DEBUG=1} to see the stack trace.
 */
final class FailureHandler implements CommandLine.IExecutionExceptionHandler {

    static final int FAILURE = 1;
    static final int USAGE = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        commandLine.getErr().println("clearbg: " + message(e));
        if (System.getenv("CLEARBG_DEBUG") != null) {
            e.printStackTrace(commandLine.getErr());
        }
        return e instanceof UsageException ? USAGE : FAILURE;
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
