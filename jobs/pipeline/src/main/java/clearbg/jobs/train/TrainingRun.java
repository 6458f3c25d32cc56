package clearbg.jobs.train;

import clearbg.jobs.files.FileStore;
import clearbg.jobs.tracking.RunTracker;
import clearbg.model.metric.SodResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a training reports to its MLflow run, with the metric names the notebooks and the README rely on.
 *
 * <ul>
 *   <li>per step: {@code loss} (the summed BCE of the seven outputs), {@code loss_d0} (fused) .. {@code loss_d6},
 *       {@code lr}, {@code images_per_s} (all replicas);</li>
 *   <li>per evaluation, at the step of the evaluated checkpoint: {@code val_maxF}, {@code val_MAE},
 *       {@code val_Sm}, {@code val_wF};</li>
 *   <li>tags {@code git_commit}, {@code spark_app_id}, {@code table_manifest_hash}, {@code resumed_at_step};</li>
 *   <li>artifacts at the end: the final weights, {@code params.json} and {@code loss_curve.png}.</li>
 * </ul>
 * The parameters are logged once, when the run starts; a resumed run keeps the ones it started with (MLflow
 * refuses a parameter's second value) and records the step it resumed at. Never throws because of the
 * tracking server: {@link RunTracker} turns itself off after one warning.
 */
public final class TrainingRun {

    private final RunTracker tracker;
    private final FileStore files;

    /**
     * @param tracker the run to log into (possibly a no-op tracker)
     * @param files reads the artifacts from the run folder
     */
    public TrainingRun(RunTracker tracker, FileStore files) {
        this.tracker = tracker;
        this.files = files;
    }

    /** The MLflow run id to record in checkpoints, or "" when nothing is tracked. */
    public String runId() {
        String id = tracker.runId();
        return id == null ? "" : id;
    }

    /**
     * Logs the parameters of a new run, or tags a resumed one with the step it resumed at; then the tags.
     *
     * @param resumedAtStep the step of the checkpoint the training resumed from, 0 for a new training
     */
    public void start(Map<String, String> params, Map<String, String> tags, long resumedAtStep) {
        if (resumedAtStep == 0) {
            tracker.logParams(params);
        } else {
            tracker.setTag("resumed_at_step", Long.toString(resumedAtStep));
        }
        tags.forEach(tracker::setTag);
    }

    /** Logs the per-step metrics of {@code logs}. */
    public void logSteps(List<StepLog> logs) {
        for (StepLog log : logs) {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("loss", log.loss());
            double[] outputs = log.outputLosses();
            for (int output = 0; output < outputs.length; output++) {
                if (!Double.isNaN(outputs[output])) { // IS-Net has no fused output d0
                    values.put("loss_d" + output, outputs[output]);
                }
            }
            values.put("lr", log.learningRate());
            values.put("images_per_s", log.imagesPerSecond());
            tracker.logMetrics(values, log.step());
        }
        tracker.flush();
    }

    /** Logs the validation metrics of the checkpoint at {@code step}. */
    public void logEvaluation(SodResult result, long step) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("val_maxF", result.maxF());
        values.put("val_MAE", result.mae());
        values.put("val_Sm", result.sMeasure());
        values.put("val_wF", result.weightedF());
        tracker.logMetrics(values, step);
        tracker.flush();
    }

    /**
     * Logs an early stop: {@code early_stop_step} (the step the training stopped at) and {@code best_val_maxF} at the
     * best checkpoint's step.
     */
    public void logEarlyStop(long stoppedAt, double bestMaxF, long bestStep) {
        tracker.logMetric("early_stop_step", stoppedAt, stoppedAt);
        tracker.logMetric("best_val_maxF", bestMaxF, bestStep);
        tracker.flush();
    }

    /**
     * Uploads the run folder's files {@code names} (those that exist) as artifacts at the run's root, through
     * a local temporary copy when the folder is not on the local file system.
     */
    public void logArtifacts(String runFolder, List<String> names) throws IOException {
        Path scratch = Files.createTempDirectory("clearbg-artifacts");
        try {
            for (String name : names) {
                String uri = runFolder + "/" + name;
                if (files.exists(uri)) {
                    Path local = scratch.resolve(name);
                    try (InputStream in = files.open(uri)) {
                        Files.copy(in, local); // streamed: the weights may be large
                    }
                    tracker.logArtifact(local, null);
                    Files.delete(local);
                }
            }
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    /** Ends the run as FINISHED. */
    public void finish() {
        tracker.close(true);
    }
}
