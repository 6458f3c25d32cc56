package clearbg.jobs.tracking;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run on an MLflow tracking server. Every call that fails turns the tracker off after printing the one
 * {@link TrackingWarning}; nothing is thrown to the job.
 */
final class MlflowRunTracker implements RunTracker {

    /** The longest a metric waits for its batch, so that the UI follows a slow training. */
    static final Duration METRIC_DELAY = Duration.ofSeconds(10);

    private final MlflowApi api;
    private final RunInfo run;
    private final Clock clock;
    private final TrackingWarning warning;
    private final MetricBuffer metrics = new MetricBuffer(MlflowApi.MAX_METRICS_PER_BATCH, METRIC_DELAY);
    private boolean off;
    private boolean closed;

    private MlflowRunTracker(MlflowApi api, RunInfo run, Clock clock, TrackingWarning warning) {
        this.api = api;
        this.run = run;
        this.clock = clock;
        this.warning = warning;
    }

    /**
     * Starts the run the settings describe: reopens {@code settings.runId()} when set, otherwise creates a
     * run in {@code settings.experiment()} (creating the experiment when missing).
     */
    static MlflowRunTracker start(MlflowApi api, TrackingSettings settings, Clock clock, TrackingWarning warning)
            throws TrackingCallException {
        RunInfo run = settings.runId() != null
                ? api.reopenRun(settings.runId())
                : api.createRun(
                        api.experimentId(settings.experiment()),
                        settings.runName(),
                        clock.millis(),
                        System.getProperty("user.name", "unknown"));
        return new MlflowRunTracker(api, run, clock, warning);
    }

    @Override
    public synchronized void logParams(Map<String, String> params) {
        attempt(() -> {
            List<Param> all = new ArrayList<>();
            params.forEach((key, value) -> all.add(new Param(key, value)));
            for (List<Param> chunk : Chunks.of(all, MlflowApi.MAX_PARAMS_PER_BATCH)) {
                api.logBatch(run.runId(), List.of(), chunk);
            }
        });
    }

    @Override
    public synchronized void logMetric(String key, double value, long step) {
        attempt(() -> addMetric(key, value, step));
    }

    @Override
    public synchronized void logMetrics(Map<String, Double> values, long step) {
        attempt(() -> {
            for (Map.Entry<String, Double> value : values.entrySet()) {
                addMetric(value.getKey(), value.getValue(), step);
            }
        });
    }

    @Override
    public synchronized void setTag(String key, String value) {
        attempt(() -> api.setTag(run.runId(), key, value));
    }

    @Override
    public synchronized void logArtifact(Path file, String artifactDir) {
        attempt(() -> api.uploadArtifact(run, file, artifactDir));
    }

    @Override
    public synchronized void flush() {
        attempt(this::sendMetrics);
    }

    @Override
    public synchronized String runId() {
        return run.runId();
    }

    @Override
    public synchronized void close(boolean success) {
        attempt(() -> {
            sendMetrics();
            api.endRun(run.runId(), success ? "FINISHED" : "FAILED", clock.millis());
        });
        closed = true;
    }

    @Override
    public synchronized void close() {
        close(false);
    }

    private void addMetric(String key, double value, long step) throws TrackingCallException {
        long now = clock.millis();
        metrics.add(new Metric(key, value, now, step), now);
        if (metrics.due(now)) {
            sendMetrics();
        }
    }

    private void sendMetrics() throws TrackingCallException {
        for (List<Metric> batch : metrics.drain()) {
            api.logBatch(run.runId(), batch, List.of());
        }
    }

    /** Runs {@code call} unless the tracker is off or closed; its failure turns the tracker off. */
    private void attempt(Call call) {
        if (off || closed) {
            return;
        }
        try {
            call.run();
        } catch (TrackingCallException e) {
            turnOff(e);
        } catch (RuntimeException e) {
            turnOff(new TrackingCallException("unexpected " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        }
    }

    private void turnOff(TrackingCallException reason) {
        off = true;
        warning.print(reason);
    }

    /** One call to the server. */
    @FunctionalInterface
    private interface Call {
        void run() throws TrackingCallException;
    }
}
