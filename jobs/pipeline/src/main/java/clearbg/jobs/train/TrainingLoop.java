package clearbg.jobs.train;

import clearbg.jobs.files.FileStore;
import clearbg.jobs.tracking.RunTracker;
import clearbg.jobs.tracking.Trackers;
import clearbg.jobs.tracking.TrackingSettings;
import clearbg.model.io.SafetensorsWriter;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The epoch loop of a training, the same for TrainJob (replicas in a Spark barrier stage) and
 * {@code clearbg train} (one replica in this process): it plans each epoch ({@link EpochPlan}: order and
 * shards from the seed and the sorted sample ids), hands it to an {@link EpochExecutor}, appends the step
 * logs to {@code steps.csv} and the tracked run, reads back where the newest checkpoint stands, evaluates
 * every {@code evalInterval} epochs, and at the end writes {@code weights.safetensors} from the newest
 * checkpoint and {@code loss_curve.png}. With early stopping ({@code --early-stopping N}, {@link EarlyStopping}) each
 * periodic evaluation that scores a better max-F copies its checkpoint's weights to {@code best.safetensors}, the
 * training stops after N evaluations without a better one, and {@code weights.safetensors} is the best evaluated
 * checkpoint's weights (the newest checkpoint's when no evaluation scored); the stop is printed and logged as the
 * metrics {@code early_stop_step} and {@code best_val_maxF}. A run whose checkpoint folder already holds
 * checkpoints resumes from the newest (or is refused with {@code --no-resume}); the tracked run recorded in that
 * checkpoint is continued. Because everything an epoch does follows from (seed, epoch, sample id) and the
 * checkpoint, the result does not depend on who runs the epochs: one local replica of batch 2b equals TrainJob with one
 * worker of batch 2b, bit for bit.
 */
public final class TrainingLoop {

    /** Runs one epoch on every replica; returns replica 0's step logs in step order. */
    @FunctionalInterface
    public interface EpochExecutor {
        List<StepLog> run(EpochPlan plan, int epoch, int stepsPerEpoch, String trackingRunId) throws Exception;
    }

    /**
     * Evaluates the checkpoint {@code checkpointUri} of step {@code step}, logging into {@code run}; {@code name}
     * labels it. Returns the max-F (NaN when there was nothing to score).
     */
    @FunctionalInterface
    public interface Evaluator {
        double evaluate(String checkpointUri, long step, String name, TrainingRun run) throws Exception;
    }

    private final TrainSettings settings;
    private final FileStore files;
    private final List<String> sortedIds;
    private final CheckpointStore store;
    private final int stepsPerEpoch;
    private final long totalSteps;
    private final Optional<CheckpointInfo> resumed;

    /**
     * @param sortedIds every training sample's id, sorted
     * @throws IllegalArgumentException when the samples do not fill one global batch, checkpoints exist and resuming
     *     is off, the newest intact checkpoint was written with other training parameters ({@link ResumeCheck}),
     *     or its global batch cannot be split over this run's workers
     */
    public TrainingLoop(TrainSettings settings, FileStore files, List<String> sortedIds) throws java.io.IOException {
        this.files = files;
        this.sortedIds = List.copyOf(sortedIds);
        this.store = new CheckpointStore(files, settings.checkpoints(), settings.keepCheckpoints());
        Optional<String> latest = store.latest();
        if (!settings.resume() && latest.isPresent()) {
            throw new IllegalArgumentException(
                    settings.checkpoints() + " already holds checkpoints and --no-resume was given; "
                            + "use another --checkpoints folder or remove them");
        }
        this.resumed = settings.resume() ? store.newestIntact(System.err) : Optional.empty();
        this.settings = resumed.map(info -> ElasticResume.settings(settings, info, System.out))
                .orElse(settings);
        if (resumed.isPresent()) {
            ResumeCheck.require(
                    resumed.get().paramsJson(),
                    this.settings.paramsJson(),
                    this.settings.allowedChanges(),
                    this.settings.checkpoints() + " (step " + resumed.get().step() + ")");
        }
        this.stepsPerEpoch = EpochPlan.of(
                        this.sortedIds, this.settings.seed(), 0, this.settings.workers(), this.settings.batch())
                .stepsPerEpoch();
        long all = (long) stepsPerEpoch * this.settings.epochs();
        this.totalSteps = this.settings.maxSteps() > 0 ? Math.min(all, this.settings.maxSteps()) : all;
    }

    /**
     * The settings the training runs with: those given, except that a resume with another number of workers
     * keeps the checkpoint's global batch ({@link ElasticResume}). The replicas must be given these.
     */
    public TrainSettings settings() {
        return settings;
    }

    /** Optimiser steps per epoch. */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** The step the training starts after: 0, or the newest checkpoint's. */
    public long startStep() {
        return resumed.map(CheckpointInfo::step).orElse(0L);
    }

    /** {@code tracking}, continuing the tracked run recorded in the checkpoint this training resumes from. */
    public TrackingSettings tracking(TrackingSettings tracking) {
        String trackedRun = resumed.map(CheckpointInfo::trackingRunId).orElse("");
        return trackedRun.isEmpty() || !tracking.enabled() ? tracking : tracking.resuming(trackedRun);
    }

    /**
     * Runs the whole training, tracked as {@code tracking} says (warnings to {@code log}).
     *
     * @param tags the tracked run's tags
     * @param evaluator evaluates checkpoints, or null when the training has no evaluation split
     */
    public void run(
            TrackingSettings tracking,
            Map<String, String> tags,
            EpochExecutor executor,
            Evaluator evaluator,
            PrintStream log)
            throws Exception {
        System.out.printf(
                "TrainJob: %s on %d samples of %s, %d workers x batch %d, %d steps per epoch, %d steps in all%s%n",
                settings.arch().cliName(),
                sortedIds.size(),
                settings.trainSplits(),
                settings.workers(),
                settings.batch(),
                stepsPerEpoch,
                totalSteps,
                resumed.map(info -> ", resuming at step " + info.step()).orElse(""));
        files.write(settings.out() + "/params.json", settings.paramsJson().getBytes(StandardCharsets.UTF_8));
        try (RunTracker tracker = Trackers.open(tracking(tracking), log)) {
            TrainingRun run = new TrainingRun(tracker, files);
            run.start(settings.asParams(), tags, startStep());
            epochs(run, executor, evaluator);
            run.logArtifacts(settings.out(), List.of("weights.safetensors", "params.json", "loss_curve.png"));
            run.finish();
        }
    }

    private void epochs(TrainingRun run, EpochExecutor executor, Evaluator evaluator) throws Exception {
        long step = startStep();
        int epoch = resumed.map(CheckpointInfo::epoch).orElse(0);
        StepHistory history = new StepHistory(files, settings.out());
        if (resumed.isPresent() && resumed.get().stepInEpoch() == 0) {
            // the finished epoch's steps, in case the run stopped before it wrote them (rewriting them is harmless)
            history.append(resumed.get().epochSteps());
        }
        int patience = settings.earlyStopping();
        EarlyStopping stopping = patience > 0 ? EarlyStopping.read(files, settings.out()) : EarlyStopping.initial();
        while (step < totalSteps && !(patience > 0 && stopping.stops(patience))) {
            EpochPlan plan = EpochPlan.of(sortedIds, settings.seed(), epoch, settings.workers(), settings.batch());
            List<StepLog> logs = executor.run(plan, epoch, stepsPerEpoch, run.runId());
            history.append(logs);
            long stageStart =
                    step; // an epoch resumed mid-way also returns the steps before; an earlier run logged those
            run.logSteps(logs.stream().filter(log -> log.step() > stageStart).toList());
            CheckpointInfo info = store.readInfo(store.latest().orElseThrow());
            step = info.step();
            epoch = info.epoch();
            if (evaluator != null
                    && settings.evalInterval() > 0
                    && epoch % settings.evalInterval() == 0
                    && step < totalSteps) {
                String checkpoint = store.latest().orElseThrow();
                double maxF = evaluator.evaluate(checkpoint, step, "epoch-" + epoch, run);
                if (patience > 0) {
                    stopping = keepBest(stopping.after(maxF, step), checkpoint, step, patience, run);
                }
            }
        }
        String latest = store.latest().orElseThrow();
        if (patience > 0 && stopping.hasBest()) {
            String best = settings.out() + "/" + EarlyStopping.BEST_WEIGHTS;
            files.write(settings.out() + "/weights.safetensors", out -> {
                try (InputStream in = files.open(best)) {
                    in.transferTo(out); // streamed: the weights may be large
                }
            });
            System.out.printf(
                    Locale.ROOT,
                    "TrainJob: the result is the checkpoint of step %d (max-F %.4f)%n",
                    stopping.bestStep(),
                    stopping.bestMaxF());
        } else {
            writeFinalWeights(store.readWeights(latest), settings.out() + "/weights.safetensors");
        }
        files.write(settings.out() + "/loss_curve.png", history.lossCurvePng());
        if (evaluator != null && !(patience > 0 && stopping.hasBest())) {
            evaluator.evaluate(latest, step, "final", run);
        }
    }

    /**
     * Saves the early-stopping state after the evaluation of {@code checkpoint} (step {@code step}), keeping its
     * weights as {@code best.safetensors} when it is the best so far, and logs the stop when it comes.
     */
    private EarlyStopping keepBest(EarlyStopping state, String checkpoint, long step, int patience, TrainingRun run)
            throws Exception {
        if (state.bestAt(step)) {
            writeFinalWeights(store.readWeights(checkpoint), settings.out() + "/" + EarlyStopping.BEST_WEIGHTS);
        }
        state.write(files, settings.out());
        if (state.stops(patience)) {
            System.out.printf(
                    Locale.ROOT,
                    "TrainJob: early stop at step %d: no better max-F in the last %d evaluations (best %.4f at step"
                            + " %d)%n",
                    step,
                    patience,
                    state.bestMaxF(),
                    state.bestStep());
            run.logEarlyStop(step, state.bestMaxF(), state.bestStep());
        }
        return state;
    }

    private void writeFinalWeights(TrainCheckpoint checkpoint, String uri) throws Exception {
        CheckpointInfo info = checkpoint.info();
        Map<String, String> metadata =
                Map.of("arch", info.arch().cliName(), "step", Long.toString(info.step()), "params", info.paramsJson());
        files.write(uri, out -> SafetensorsWriter.write(checkpoint.weights(), out, metadata));
    }
}
