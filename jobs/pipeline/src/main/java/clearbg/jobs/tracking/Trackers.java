package clearbg.jobs.tracking;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * Opens a job's {@link RunTracker}.
 *
 * <h2>Why our own client, not org.mlflow:mlflow-client</h2>
 * The job talks to MLflow's REST API 2.0 with the JDK's {@link java.net.http.HttpClient} and Jackson (which
 * Spark ships at the same version). The official Java client was left out because its newest release in the
 * Maven registry is 2.17.2 while the server is MLflow 3; it adds 8.6 MB of re-packaged Guava, protobuf,
 * Apache HttpClient and Gson to the application jar; and its {@code logArtifact} runs a Python
 * {@code mlflow} command on the machine that logs, which Spark drivers do not have. Only a handful of
 * calls are needed: {@link MlflowApi} makes them.
 */
public final class Trackers {

    private Trackers() {}

    /**
     * A tracker for the settings: one that does nothing when tracking is off; otherwise one logging into a new
     * run (or the resumed run {@code settings.runId()}) on the tracking server. Credentials come from
     * {@code MLFLOW_TRACKING_TOKEN} (Bearer), {@code MLFLOW_TRACKING_USERNAME}/{@code MLFLOW_TRACKING_PASSWORD}
     * (Basic), or the URI's user-info (Basic), and are never printed.
     *
     * <p>Never throws because of the server: when the run cannot be started (the server cannot be reached,
     * answers with an error, the experiment is deleted), prints one warning line to {@code log} naming the
     * tracking URI (without credentials) and the reason, and returns a tracker that does nothing.
     *
     * @param settings where to track, or tracking off
     * @param log where the warning goes (a job's standard error)
     */
    public static RunTracker open(TrackingSettings settings, PrintStream log) {
        return open(settings, log, System.getenv());
    }

    /** {@link #open(TrackingSettings, PrintStream)} with the credentials taken from {@code environment}. */
    static RunTracker open(TrackingSettings settings, PrintStream log, Map<String, String> environment) {
        if (!settings.enabled()) {
            return NoOpTracker.INSTANCE;
        }
        TrackingWarning warning = new TrackingWarning(log, settings.trackingUri());
        Credentials credentials = Credentials.from(environment, settings.trackingUri());
        MlflowApi api = new MlflowApi(new MlflowHttp(settings.trackingUri(), credentials, RetryPolicy.DEFAULT));
        try {
            return MlflowRunTracker.start(api, settings, Clock.systemUTC(), warning);
        } catch (TrackingCallException e) {
            warning.print(e);
            return NoOpTracker.INSTANCE;
        }
    }
}
