package clearbg.jobs.options;

import clearbg.jobs.tracking.TrackingSettings;
import java.net.URI;
import picocli.CommandLine.Option;

/** MLflow tracking options of the commands that train, declared once ({@code @Mixin}). */
public final class TrackingOptions {

    @Option(
            names = "--tracking-uri",
            paramLabel = "URI",
            description =
                    "MLflow tracking server, e.g. http://127.0.0.1:5000 (default: $MLFLOW_TRACKING_URI; none: no tracking)")
    String trackingUri;

    @Option(
            names = "--experiment",
            defaultValue = "clearbg",
            description = "MLflow experiment of a new run (default ${DEFAULT-VALUE})")
    String experiment;

    @Option(names = "--run-name", description = "MLflow run name (default: chosen by the server)")
    String runName;

    /** The settings: the option, else {@code $MLFLOW_TRACKING_URI}, else no tracking. */
    public TrackingSettings settings() {
        URI uri = trackingUri != null && !trackingUri.isBlank()
                ? TrackingSettings.parseTrackingUri(trackingUri)
                : TrackingSettings.trackingUriFrom(System.getenv());
        return new TrackingSettings(uri, experiment, runName);
    }
}
