package clearbg.jobs.tracking;

import java.nio.file.Path;
import java.util.Map;

/**
 * A job's tracked run: its parameters, metric curves, tags and artifacts. Obtained from
 * {@link Trackers#open}; a tracker never throws and never stops a job: when tracking is off every call does
 * nothing; a call the server refuses is dropped with a warning; while the server does not answer, calls are kept
 * and sent when it answers again (see {@code MlflowRunTracker}).
 *
 * <p>Metrics are sent in batches (when 1000 are waiting, when the oldest has waited a few seconds, on
 * {@link #flush()} and on close); parameters, tags and artifacts are sent at once. Timestamps are the
 * wall-clock time of the call, in milliseconds. MLflow keeps a parameter's first value: logging it again
 * with another value is refused (logging the same value again, as a resumed run does, is not).
 *
 * <p>End the run explicitly when the work succeeded; try-with-resources then ends a run that an exception
 * cut short as FAILED:
 * <pre>{@code
 * try (RunTracker run = Trackers.open(settings, System.err)) {
 *     run.logParams(params);
 *     train(run);               // run.logMetric("loss", loss, step) ...
 *     run.close(true);          // FINISHED
 * }                             // close(): FAILED, unless close(true) or close(false) came first
 * }</pre>
 * Implementations are thread-safe.
 */
public interface RunTracker extends AutoCloseable {

    /** Logs parameters (name to value). */
    void logParams(Map<String, String> params);

    /** Logs one value of metric {@code key} at {@code step}. */
    void logMetric(String key, double value, long step);

    /** Logs several metrics at the same {@code step}, in the map's order. */
    void logMetrics(Map<String, Double> values, long step);

    /** Sets a tag of the run, replacing an earlier value. */
    void setTag(String key, String value);

    /**
     * Uploads {@code file} into the run's artifacts, under {@code artifactDir} (a relative folder such as
     * {@code plots} or {@code eval/curves}; null or empty for the root), keeping its file name.
     */
    void logArtifact(Path file, String artifactDir);

    /** Sends the metrics that are waiting for their batch. */
    void flush();

    /** The run's id (to resume it later), or null when tracking is off or the run could not be started. */
    String runId();

    /** Sends what is waiting and ends the run as FINISHED ({@code success}) or FAILED. Later calls do nothing. */
    void close(boolean success);

    /** Ends the run as FAILED unless {@link #close(boolean)} ended it before; see the class comment. */
    @Override
    void close();
}
