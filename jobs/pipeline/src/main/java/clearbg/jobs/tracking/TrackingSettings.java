package clearbg.jobs.tracking;

import clearbg.jobs.files.LocationRedaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/**
 * Where and under which names a job's run is tracked.
 *
 * <p>Tracking is off when {@code trackingUri} is null or blank. When it is on, the URI must be an
 * {@code http} or {@code https} MLflow tracking server (user-info in it is used as Basic credentials and
 * never printed), and either {@code runId} names an existing run to log into again (a resumed training),
 * or {@code experiment} names the experiment a new run is created in (created itself when missing).
 *
 * @param trackingUri the MLflow tracking server, or null for no tracking
 * @param experiment the experiment's name for a new run; ignored when {@code runId} is set
 * @param runName the new run's display name, or null for one chosen by the server
 * @param runId an existing run to resume, or null to start a new run
 */
public record TrackingSettings(URI trackingUri, String experiment, String runName, String runId) {

    /** The environment variable that names the tracking server, as MLflow's own clients read it. */
    public static final String TRACKING_URI_VARIABLE = "MLFLOW_TRACKING_URI";

    public TrackingSettings {
        trackingUri = trackingUri == null || trackingUri.toString().isBlank() ? null : trackingUri;
        runName = blankToNull(runName);
        runId = blankToNull(runId);
        if (trackingUri != null) {
            String scheme = trackingUri.getScheme() == null
                    ? ""
                    : trackingUri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException(
                        "the MLflow tracking URI must be http://host[:port] or https://..., got "
                                + LocationRedaction.withoutSecrets(trackingUri.toString()));
            }
            if (trackingUri.getHost() == null) {
                throw new IllegalArgumentException("the MLflow tracking URI has no valid host name");
            }
            if (runId == null && (experiment == null || experiment.isBlank())) {
                throw new IllegalArgumentException("an MLflow experiment name is required to start a new run");
            }
        }
    }

    /** Settings for a new run in {@code experiment}. */
    public TrackingSettings(URI trackingUri, String experiment, String runName) {
        this(trackingUri, experiment, runName, null);
    }

    /** Settings with tracking off. */
    public static TrackingSettings off() {
        return new TrackingSettings(null, null, null, null);
    }

    /** The tracking URI in {@value #TRACKING_URI_VARIABLE} of {@code environment}, or null when unset or blank. */
    public static URI trackingUriFrom(Map<String, String> environment) {
        return parseTrackingUri(environment.get(TRACKING_URI_VARIABLE));
    }

    /**
     * Parses a tracking URI given as text (a command-line option, an environment variable): null or blank
     * gives null. Unlike {@link URI#create}, an invalid URI's error message does not repeat the text, which
     * may hold credentials.
     *
     * @throws IllegalArgumentException when the text is not a URI
     */
    public static URI parseTrackingUri(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the MLflow tracking URI is not a valid URI (" + e.getReason()
                    + " at character " + (e.getIndex() + 1) + ")");
        }
    }

    /** Whether a run is tracked at all. */
    public boolean enabled() {
        return trackingUri != null;
    }

    /** The same settings, logging into the existing run {@code id} instead of starting a new one. */
    public TrackingSettings resuming(String id) {
        return new TrackingSettings(trackingUri, experiment, runName, id);
    }

    /** Never shows the credentials a tracking URI may carry. */
    @Override
    public String toString() {
        return "TrackingSettings[trackingUri="
                + (trackingUri == null ? null : LocationRedaction.withoutSecrets(trackingUri.toString()))
                + ", experiment=" + experiment + ", runName=" + runName + ", runId=" + runId + "]";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
