package clearbg.jobs.tracking;

import clearbg.jobs.files.LocationRedaction;
import java.io.PrintStream;
import java.net.URI;

/**
 * The one line a job prints when its tracking turns off:
 * {@code clearbg: warning: MLflow tracking at http://host:5000 is off: <reason>; the job goes on without it}.
 * The URI is shown without user-info, query or fragment; the reason must already be safe to print.
 */
final class TrackingWarning {

    private final PrintStream log;
    private final String shownUri;

    TrackingWarning(PrintStream log, URI trackingUri) {
        this.log = log;
        this.shownUri = LocationRedaction.withoutSecrets(trackingUri.toString());
    }

    /** Prints the warning for {@code reason}. */
    void print(TrackingCallException reason) {
        log.println("clearbg: warning: MLflow tracking at " + shownUri + " is off: "
                + reason.getMessage().replaceAll("\\s+", " ") + "; the job goes on without it");
        log.flush();
    }
}
