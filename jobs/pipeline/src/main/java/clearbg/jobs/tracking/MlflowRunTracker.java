package clearbg.jobs.tracking;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A run on an MLflow tracking server, kept through the server's outages. A call the server refuses (an MLflow
 * error such as a parameter logged again with another value) is dropped with a warning. A call it does not answer
 * (no connection, no answer in time, HTTP 5xx or 429) is kept, with every later call, in order, and the whole
 * backlog is sent again after a pause that doubles from {@value #FIRST_PAUSE_SECONDS} s up to
 * {@value #MAX_PAUSE_SECONDS} s (one warning when the outage starts, one line when the server answers again).
 * Metrics wait in their buffer meanwhile, at most {@value #MAX_WAITING_METRICS} (the oldest are dropped beyond,
 * and counted). Closing waits up to {@link #CLOSE_PATIENCE} for a server that is still away, so a run ends
 * FINISHED or FAILED, not RUNNING, when the server comes back in time. Nothing is ever thrown to the job.
 */
final class MlflowRunTracker implements RunTracker {

    /** The longest a metric waits for its batch, so that the UI follows a slow training. */
    static final Duration METRIC_DELAY = Duration.ofSeconds(10);

    /** How long closing the run waits for a server that does not answer. */
    static final Duration CLOSE_PATIENCE = Duration.ofSeconds(90);

    static final int FIRST_PAUSE_SECONDS = 5;
    static final int MAX_PAUSE_SECONDS = 60;
    static final int MAX_WAITING_METRICS = 1_000_000;
    private static final int MAX_WAITING_CALLS = 10_000;

    private final MlflowApi api;
    private final RunInfo run;
    private final Clock clock;
    private final TrackingWarning warning;
    private final MetricBuffer metrics = new MetricBuffer(MlflowApi.MAX_METRICS_PER_BATCH, METRIC_DELAY);
    private final Deque<Call> waiting = new ArrayDeque<>();
    private Outage outage;
    private long droppedMetrics;
    private boolean closed;
    private String endStatus;
    private boolean ended;

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
        submit(() -> {
            List<Param> all = new ArrayList<>();
            params.forEach((key, value) -> all.add(new Param(key, value)));
            for (List<Param> chunk : Chunks.of(all, MlflowApi.MAX_PARAMS_PER_BATCH)) {
                api.logBatch(run.runId(), List.of(), chunk);
            }
        });
    }

    @Override
    public synchronized void logMetric(String key, double value, long step) {
        addMetric(key, value, step);
        sendWhatIsDue(false);
    }

    @Override
    public synchronized void logMetrics(Map<String, Double> values, long step) {
        values.forEach((key, value) -> addMetric(key, value, step));
        sendWhatIsDue(false);
    }

    @Override
    public synchronized void setTag(String key, String value) {
        submit(() -> api.setTag(run.runId(), key, value));
    }

    @Override
    public synchronized void logArtifact(Path file, String artifactDir) {
        submit(() -> api.uploadArtifact(run, file, artifactDir));
    }

    @Override
    public synchronized void flush() {
        sendWhatIsDue(true);
    }

    @Override
    public synchronized String runId() {
        return run.runId();
    }

    @Override
    public synchronized void close(boolean success) {
        if (closed) {
            return;
        }
        closed = true;
        endStatus = success ? "FINISHED" : "FAILED";
        long deadline = System.nanoTime() + CLOSE_PATIENCE.toNanos();
        sendWhatIsDue(true);
        while (outage != null && System.nanoTime() < deadline) {
            sleepMillis(Math.min(outage.nextTryMillis - clock.millis(), (deadline - System.nanoTime()) / 1_000_000));
            sendWhatIsDue(true);
        }
        if (outage != null) {
            warning.gaveUp(outage.reason, waiting.size(), metrics.size());
        }
    }

    @Override
    public synchronized void close() {
        close(false);
    }

    private void submit(Call call) {
        if (!closed) {
            submitIfRoom(call);
            sendWhatIsDue(false);
        }
    }

    private void submitIfRoom(Call call) {
        if (waiting.size() < MAX_WAITING_CALLS) {
            waiting.add(call);
        }
    }

    private void addMetric(String key, double value, long step) {
        if (closed) {
            return;
        }
        long now = clock.millis();
        metrics.add(new Metric(key, value, now, step), now);
        droppedMetrics += metrics.dropOldestBeyond(MAX_WAITING_METRICS);
    }

    /**
     * Sends the waiting calls in order, then the metrics when a batch is due (or all of them when {@code
     * everything}), unless an outage's pause has not ended yet.
     */
    private void sendWhatIsDue(boolean everything) {
        if (outage != null && clock.millis() < outage.nextTryMillis) {
            return;
        }
        try {
            while (!waiting.isEmpty()) {
                Call next = waiting.peek();
                try {
                    next.run();
                } catch (TrackingCallException e) {
                    if (e.unreachable()) {
                        throw e;
                    }
                    warning.refused(e);
                } catch (RuntimeException e) {
                    warning.refused(new TrackingCallException("unexpected "
                            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())));
                }
                waiting.poll();
            }
            if (everything || metrics.due(clock.millis()) || outage != null) {
                sendMetrics();
            }
            if (endStatus != null && !ended) {
                endRun();
            }
            if (outage != null) {
                warning.back((clock.millis() - outage.sinceMillis) / 1000, droppedMetrics);
                outage = null;
                droppedMetrics = 0;
            }
        } catch (TrackingCallException unreachable) {
            if (outage == null) {
                outage = new Outage(clock.millis(), unreachable.getMessage());
                warning.unreachable(unreachable);
            } else {
                outage.pauseLonger(clock.millis());
            }
        }
    }

    /** Ends the run, after every call and metric was sent: MLflow refuses metrics for a run that has ended. */
    private void endRun() throws TrackingCallException {
        try {
            api.endRun(run.runId(), endStatus, clock.millis());
        } catch (TrackingCallException e) {
            if (e.unreachable()) {
                throw e;
            }
            warning.refused(e);
        }
        ended = true;
    }

    /** Sends every waiting metric; on a failure the unsent ones wait again, in order. */
    private void sendMetrics() throws TrackingCallException {
        List<List<Metric>> batches = metrics.drain();
        for (int i = 0; i < batches.size(); i++) {
            try {
                api.logBatch(run.runId(), batches.get(i), List.of());
            } catch (TrackingCallException e) {
                metrics.putBack(batches.subList(i, batches.size()));
                if (e.unreachable()) {
                    throw e;
                }
                warning.refused(e);
                metrics.drain();
                return;
            }
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server has not answered since {@code sinceMillis}; the next try is due at {@code nextTryMillis}. */
    private static final class Outage {
        final long sinceMillis;
        final String reason;
        long pauseMillis = FIRST_PAUSE_SECONDS * 1000L;
        long nextTryMillis;

        Outage(long sinceMillis, String reason) {
            this.sinceMillis = sinceMillis;
            this.reason = reason;
            this.nextTryMillis = sinceMillis + pauseMillis;
        }

        void pauseLonger(long nowMillis) {
            pauseMillis = Math.min(pauseMillis * 2, MAX_PAUSE_SECONDS * 1000L);
            nextTryMillis = nowMillis + pauseMillis;
        }
    }

    /** One call to the server. */
    @FunctionalInterface
    private interface Call {
        void run() throws TrackingCallException;
    }
}
