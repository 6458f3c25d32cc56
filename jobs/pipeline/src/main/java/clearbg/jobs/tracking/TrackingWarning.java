package clearbg.jobs.tracking;

import clearbg.jobs.files.LocationRedaction;
import java.io.PrintStream;
import java.net.URI;

/**
 * The lines a job prints about its tracking, each one line naming the tracking URI without user-info, query or
 * fragment; the reasons must already be safe to print. {@code clearbg: warning: MLflow tracking at
 * http://host:5000 is off: <reason>; the job goes on without it} when a run cannot be started; when a call is
 * refused, when the server stops answering, when it answers again, and when closing gives up on it.
 */
final class TrackingWarning {

    private final PrintStream log;
    private final String shownUri;

    TrackingWarning(PrintStream log, URI trackingUri) {
        this.log = log;
        this.shownUri = LocationRedaction.withoutSecrets(trackingUri.toString());
    }

    /** Tracking is off for the whole job: the run could not be started. */
    void print(TrackingCallException reason) {
        line("clearbg: warning: MLflow tracking at " + shownUri + " is off: " + oneLine(reason)
                + "; the job goes on without it");
    }

    /** The server refused one call, which is dropped. */
    void refused(TrackingCallException reason) {
        line("clearbg: warning: MLflow tracking at " + shownUri + " refused a call, which is dropped: "
                + oneLine(reason));
    }

    /** The server stopped answering; calls wait and are sent again later. */
    void unreachable(TrackingCallException reason) {
        line("clearbg: warning: MLflow tracking at " + shownUri + " does not answer: " + oneLine(reason)
                + "; the job goes on, and what it logs is kept and sent when the server answers again");
    }

    /** The server answers again after {@code seconds}. */
    void back(long seconds, long droppedMetrics) {
        line("clearbg: MLflow tracking at " + shownUri + " answers again after " + seconds + " s; what was kept is"
                + " sent" + (droppedMetrics > 0 ? " (" + droppedMetrics + " oldest metrics were dropped)" : ""));
    }

    /** Closing gave up on a server that still does not answer. */
    void gaveUp(String reason, int calls, int metrics) {
        line("clearbg: warning: MLflow tracking at " + shownUri + " still does not answer (" + reason + "); " + calls
                + " calls and " + metrics + " metrics are not sent and the run stays RUNNING there");
    }

    private static String oneLine(TrackingCallException reason) {
        return reason.getMessage().replaceAll("\\s+", " ");
    }

    private void line(String text) {
        log.println(text);
        log.flush();
    }
}
