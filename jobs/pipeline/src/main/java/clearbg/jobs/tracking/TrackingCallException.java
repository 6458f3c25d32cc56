package clearbg.jobs.tracking;

import java.io.IOException;

/**
 * A call to the tracking server that did not succeed. Its message is one line that is safe to print: it names
 * the call and the reason, never a credential.
 */
final class TrackingCallException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String errorCode;
    private final boolean unreachable;

    /** A failure with no MLflow error code (an unreadable file, an unexpected answer). */
    TrackingCallException(String message) {
        this(message, null, false);
    }

    /** A failure the server reported with MLflow's {@code error_code} (such as RESOURCE_DOES_NOT_EXIST), or null. */
    TrackingCallException(String message, String errorCode) {
        this(message, errorCode, false);
    }

    private TrackingCallException(String message, String errorCode, boolean unreachable) {
        super(message);
        this.errorCode = errorCode;
        this.unreachable = unreachable;
    }

    /**
     * A call the server did not answer, or answered as unavailable (no connection, no answer in time, HTTP 5xx or
     * 429): the same call may succeed later.
     */
    static TrackingCallException unreachable(String message) {
        return new TrackingCallException(message, null, true);
    }

    /** Whether the server could not be reached or was unavailable, so that the call is worth repeating later. */
    boolean unreachable() {
        return unreachable;
    }

    /** The server's MLflow error code, or null when the server did not give one. */
    String errorCode() {
        return errorCode;
    }
}
