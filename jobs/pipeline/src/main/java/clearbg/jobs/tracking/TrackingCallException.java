package clearbg.jobs.tracking;

import java.io.IOException;

/**
 * A call to the tracking server that did not succeed. Its message is one line that is safe to print: it names
 * the call and the reason, never a credential.
 */
final class TrackingCallException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String errorCode;

    /** A failure with no MLflow error code (no answer, an unreadable file, an unexpected answer). */
    TrackingCallException(String message) {
        this(message, null);
    }

    /** A failure the server reported with MLflow's {@code error_code} (such as RESOURCE_DOES_NOT_EXIST), or null. */
    TrackingCallException(String message, String errorCode) {
        super(message);
        this.errorCode = errorCode;
    }

    /** The server's MLflow error code, or null when the server did not give one. */
    String errorCode() {
        return errorCode;
    }
}
