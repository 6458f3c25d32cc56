package clearbg.jobs.params;

/** A params file that cannot be read or does not fit the command: the message names the file and the key. */
public final class ParamsException extends Exception {

    public ParamsException(String message) {
        super(message);
    }

    public ParamsException(String message, Throwable cause) {
        super(message, cause);
    }
}
