package clearbg.cli;

/** A command line that parses but cannot be run as given (exit code 2). */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
