package clearbg.jobs.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import clearbg.jobs.files.FileStore;
import clearbg.jobs.files.LocationRedaction;
import clearbg.jobs.torchbridge.BridgeLoad;
import clearbg.jobs.torchbridge.BucketedExchange;
import clearbg.jobs.torchbridge.SyncBatchNorm;
import clearbg.jobs.torchbridge.TorchBridge;
import clearbg.model.io.StateDict;
import clearbg.model.io.TensorSource;
import clearbg.model.io.Weights;
import clearbg.model.nn.Arch;
import clearbg.model.nn.ArchDetector;
import clearbg.model.nn.ArrayAssignment;
import clearbg.model.nn.U2NetModel;
import clearbg.model.train.BatchNormMode;
import clearbg.model.train.GradientExchange;
import clearbg.model.train.StepResult;
import clearbg.model.train.U2NetTrainer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One replica's part of one epoch. It starts from the newest checkpoint (or, for the first epoch of a new
 * run, from the initial weights or a seeded initialisation, the same on every replica), skips the batches
 * the checkpoint already covers, and trains step by step: backward, the gradients averaged over the
 * replicas (in buckets during backward where every replica has the native bridge, else after backward), Adam.
 * Every {@code hashInterval} steps the replicas compare a SHA-256 of their weights and fail if they differ. At
 * every checkpoint (every {@code checkpointInterval} steps and at the end) the BatchNorm running statistics are
 * averaged over the replicas, so that all hold the same model, and replica 0 writes the checkpoint. Because the
 * data order and every augmentation follow from (seed, epoch, sample id) and the checkpoint holds the weights,
 * Adam's state and the data cursor, an epoch resumed from a checkpoint ends with the weights an uninterrupted one
 * has.
 */
public final class EpochRunner {

    /** What a replica tells the others when its native bridge loaded. */
    private static final String BRIDGE_LOADED = "native bridge loaded";

    private final TrainSettings settings;
    private final FileStore files;
    private final ReplicaGroup group;
    private final Device device;
    private final Consumer<StepLog> stepListener;
    private final String paramsJson;

    /**
     * @param stepListener receives replica 0's step logs as they happen (other replicas pass a no-op)
     */
    public EpochRunner(
            TrainSettings settings,
            FileStore files,
            ReplicaGroup group,
            Device device,
            Consumer<StepLog> stepListener) {
        this.settings = settings;
        this.files = files;
        this.group = group;
        this.device = device;
        this.stepListener = stepListener;
        this.paramsJson = settings.paramsJson();
    }

    /**
     * Trains this replica's shard of epoch {@code epoch}.
     *
     * @param shard this replica's samples in shard order (position 0 first)
     * @param stepsPerEpoch the epoch's length in steps, equal on every replica
     * @param trackingRunId recorded in the checkpoints
     * @return replica 0's logs of the epoch's steps, those the checkpoint it resumed from had done included (empty
     *     on the other replicas)
     */
    public List<StepLog> run(int epoch, int stepsPerEpoch, Iterator<TableSample> shard, String trackingRunId)
            throws IOException {
        CheckpointStore store = new CheckpointStore(files, settings.checkpoints(), settings.keepCheckpoints());
        Optional<TrainCheckpoint> checkpoint = agreedCheckpoint(store);
        long step = checkpoint.map(c -> c.info().step()).orElse(0L);
        int stepInEpoch = checkpoint.map(c -> c.info().stepInEpoch()).orElse(0);
        int checkpointEpoch = checkpoint.map(c -> c.info().epoch()).orElse(0);
        List<StepLog> logs = new ArrayList<>();
        if (checkpointEpoch == epoch + 1 && stepInEpoch == 0) {
            // an earlier attempt of this stage finished the epoch and wrote its last checkpoint, then failed
            if (group.rank() == 0) {
                System.out.printf(
                        "TrainJob: epoch %d was finished at step %d by an earlier attempt%n", epoch + 1, step);
                logs.addAll(checkpoint.get().info().epochSteps());
            }
            return logs;
        }
        if (checkpointEpoch != epoch) {
            throw new IllegalStateException(
                    "the newest checkpoint is at epoch " + checkpointEpoch + " but epoch " + epoch + " was started");
        }
        if (group.rank() == 0 && stepInEpoch > 0) {
            logs.addAll(checkpoint.get().info().epochSteps());
            System.out.printf("TrainJob: epoch %d resumes from the checkpoint of step %d%n", epoch + 1, step);
        }
        try (U2NetModel model = startingModel(checkpoint);
                U2NetTrainer trainer = trainer(model)) {
            if (checkpoint.isPresent()) {
                trainer.restoreOptimizerState(checkpoint.get().optimizer(), "the checkpoint at step " + step);
            }
            checkpoint = Optional.empty(); // its copy of the weights is in the model now: free it (176 MB for U²-Net)
            skip(shard, (long) stepInEpoch * settings.batch());
            ProgressLine progress = new ProgressLine(settings, stepsPerEpoch, step);
            long lastCheckpoint = step;
            try (TrainingBatches batches = new TrainingBatches(
                    shard, settings.batch(), settings.transform(), settings.seed(), epoch, settings.prefetch())) {
                while (stepInEpoch < stepsPerEpoch && (settings.maxSteps() == 0 || step < settings.maxSteps())) {
                    long started = System.nanoTime();
                    TrainingBatch batch = batches.next();
                    StepResult result;
                    try (NDManager scratch = model.manager().newSubManager()) {
                        result = trainer.step(
                                scratch.create(batch.images(), new Shape(batch.size(), 3, batch.side(), batch.side())),
                                scratch.create(batch.labels(), new Shape(batch.size(), 1, batch.side(), batch.side())),
                                settings.learningRate());
                    }
                    step++;
                    stepInEpoch++;
                    double seconds = (System.nanoTime() - started) / 1e9;
                    StepLog log = new StepLog(
                            step,
                            epoch,
                            result.total(),
                            StepLog.sevenOutputs(result.perOutput()),
                            settings.learningRate(),
                            batch.size() * group.size() / seconds,
                            batch.loadNanos(),
                            result.forwardBackwardNanos(),
                            result.gradientHookNanos(),
                            result.optimizerNanos(),
                            batch.waitNanos());
                    if (group.rank() == 0) {
                        logs.add(log);
                        stepListener.accept(log);
                        progress.maybePrint(log);
                    }
                    if (step % settings.hashInterval() == 0) {
                        requireSameWeights(model, step);
                    }
                    if (step % settings.checkpointInterval() == 0 && stepInEpoch < stepsPerEpoch) {
                        checkpoint(store, model, trainer, position(step, epoch, stepInEpoch, trackingRunId, logs));
                        lastCheckpoint = step;
                    }
                }
            }
            if (step != lastCheckpoint || stepInEpoch == stepsPerEpoch) {
                boolean epochDone = stepInEpoch == stepsPerEpoch;
                checkpoint(
                        store,
                        model,
                        trainer,
                        position(
                                step, epochDone ? epoch + 1 : epoch, epochDone ? 0 : stepInEpoch, trackingRunId, logs));
            }
        }
        return logs;
    }

    /**
     * This run's checkpoint metadata at {@code step}, the next step being step {@code stepInEpoch} of {@code epoch},
     * with the logs of that epoch's steps done so far.
     */
    private CheckpointInfo position(
            long step, int epoch, int stepInEpoch, String trackingRunId, List<StepLog> epochSteps) {
        return new CheckpointInfo(
                settings.arch(),
                step,
                epoch,
                stepInEpoch,
                settings.seed(),
                settings.workers(),
                settings.batch(),
                paramsJson,
                trackingRunId,
                epochSteps);
    }

    /** The newest checkpoint, after checking that every replica sees the same one and that it fits this run. */
    private Optional<TrainCheckpoint> agreedCheckpoint(CheckpointStore store) throws IOException {
        Optional<String> latest = settings.resume() ? store.latest() : Optional.empty();
        List<String> seen = group.allGather(latest.orElse(""));
        if (seen.stream().distinct().count() != 1) {
            throw new IllegalStateException("the replicas see different newest checkpoints: " + seen);
        }
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        TrainCheckpoint checkpoint = store.read(latest.get());
        ResumeCheck.require(checkpoint.info().paramsJson(), paramsJson, settings.allowedChanges(), latest.get());
        return Optional.of(checkpoint);
    }

    private U2NetModel startingModel(Optional<TrainCheckpoint> checkpoint) throws IOException {
        if (checkpoint.isPresent()) {
            return U2NetModel.fromStateDict(
                    settings.arch(), device, checkpoint.get().weights(), "the newest checkpoint");
        }
        if (settings.initWeights() == null) {
            return U2NetModel.create(settings.arch(), device, settings.seed());
        }
        StateDict weights = readWeights(settings.initWeights());
        Arch detected = ArchDetector.detect(weights, settings.initWeights());
        if (detected != settings.arch()) {
            throw new IllegalArgumentException(
                    "--init-weights " + settings.initWeights() + " holds " + detected.cliName()
                            + " weights, but --arch is " + settings.arch().cliName());
        }
        return U2NetModel.fromStateDict(settings.arch(), device, weights, settings.initWeights());
    }

    private StateDict readWeights(String location) throws IOException {
        try (InputStream in = new ByteArrayInputStream(files.read(location))) {
            return Weights.read(in, location);
        }
    }

    /**
     * The trainer ({@link #exchangingTrainer}), with IS-Net's intermediate supervision by the frozen ground-truth
     * encoder of {@code --intermediate-supervision} where it is given (the same weights on every replica).
     */
    private U2NetTrainer trainer(U2NetModel model) throws IOException {
        U2NetTrainer trainer = exchangingTrainer(model);
        String encoderWeights = settings.intermediateSupervision();
        if (encoderWeights != null) {
            try {
                StateDict weights = readWeights(encoderWeights);
                ArchDetector.detect(weights, Arch.ISNET_GT_ENCODER, "--intermediate-supervision " + encoderWeights);
                trainer.useIntermediateSupervision(
                        U2NetModel.fromStateDict(Arch.ISNET_GT_ENCODER, device, weights, encoderWeights));
            } catch (IOException | RuntimeException e) {
                trainer.close();
                throw e;
            }
        }
        return trainer;
    }

    /**
     * The trainer without its loss's extras. With several replicas and {@code --bucket-mb} above 0, where every replica
     * loads the native bridge (they agree through an all-gather, so that all make the same all-reduce calls), the
     * gradients are averaged in buckets during backward; else after backward, and replica 0 says why. Both give the
     * same weights. With {@code --batch-norm sync} and several replicas every replica must load the bridge (else every
     * replica fails, naming the replica and its reason); its SyncBatchNorm then sums the statistics over the ring, in
     * the bucketed exchange's order (one channel: every replica issues the same calls in the same order).
     */
    private U2NetTrainer exchangingTrainer(U2NetModel model) throws IOException {
        boolean sync = group.size() > 1 && settings.batchNorm() == BatchNormMode.SYNC;
        boolean bucketed = group.size() > 1 && settings.bucketMb() > 0;
        if (!sync && !bucketed) {
            return new U2NetTrainer(model, settings.adam(), settings.batchNorm(), gradientExchange());
        }
        BridgeLoad bridge = TorchBridge.load();
        List<String> outcomes = group.allGather(bridge.isLoaded() ? BRIDGE_LOADED : bridge.description());
        Optional<String> missing =
                outcomes.stream().filter(o -> !o.equals(BRIDGE_LOADED)).findFirst();
        if (sync && missing.isPresent()) {
            throw new IllegalStateException("--batch-norm sync with " + group.size()
                    + " workers needs the native bridge on every replica, but replica "
                    + outcomes.indexOf(missing.get()) + " has none: " + missing.get()
                    + " (see \"The native bridge\" in the README; --batch-norm batch trains without it)");
        }
        AtomicReference<BucketedExchange> buckets = new AtomicReference<>();
        U2NetTrainer trainer;
        if (bucketed && missing.isEmpty()) {
            if (group.rank() == 0) {
                System.out.printf(
                        "TrainJob: gradients averaged during backward in buckets of %d MiB (%s)%n",
                        settings.bucketMb(), bridge.description());
            }
            long bucketBytes = settings.bucketMb() * 1024L * 1024L;
            trainer = new U2NetTrainer(model, settings.adam(), settings.batchNorm(), parameters -> {
                BucketedExchange exchange =
                        new BucketedExchange(bridge.require(), parameters, bucketBytes, this::averageWindow);
                buckets.set(exchange);
                return exchange;
            });
        } else {
            if (bucketed && group.rank() == 0) {
                System.out.println("TrainJob: gradients averaged after backward (replica "
                        + outcomes.indexOf(missing.get()) + ": " + missing.get() + ")");
            }
            trainer = new U2NetTrainer(model, settings.adam(), settings.batchNorm(), gradientExchange());
        }
        if (sync) {
            if (group.rank() == 0) {
                System.out.println("TrainJob: BatchNorm over the global batch of " + group.size()
                        + " replicas (SyncBatchNorm, " + bridge.description() + ")");
            }
            trainer.useSyncBatchNorm(new SyncBatchNorm(bridge.require(), values -> {
                BucketedExchange exchange = buckets.get();
                if (exchange == null) {
                    sumStatistics(values);
                } else {
                    exchange.runInOrder(() -> sumStatistics(values)); // after the buckets launched before it
                }
            }));
        }
        return trainer;
    }

    /** Sums SyncBatchNorm's statistics over the replicas through the ring (float32 on the wire). */
    private void sumStatistics(double[] values) throws IOException {
        try {
            SyncBatchNorm.inFloat32(group::sumInPlace).sumInPlace(values);
        } catch (IOException e) {
            throw new IOException(
                    "SyncBatchNorm's all-reduce failed on replica " + group.rank() + ": " + e.getMessage(), e);
        }
    }

    private void averageWindow(float[] flat, int from, int to) throws IOException {
        try {
            group.averageInPlace(flat, from, to);
        } catch (IOException e) {
            throw new IOException("gradient all-reduce failed on replica " + group.rank() + ": " + e.getMessage(), e);
        }
    }

    /** The gradient exchange: the mean over the replicas by the group's all-reduce (none for a single replica). */
    private GradientExchange gradientExchange() {
        if (group.size() == 1) {
            return GradientExchange.SINGLE_REPLICA;
        }
        return (flat, ready) -> {
            try {
                group.averageInPlace(flat, ready);
            } catch (IOException e) {
                throw new IOException(
                        "gradient all-reduce failed on replica " + group.rank() + ": " + e.getMessage(), e);
            }
        };
    }

    /** Averages the BatchNorm running statistics over the replicas; replica 0 then writes the checkpoint. */
    private void checkpoint(CheckpointStore store, U2NetModel model, U2NetTrainer trainer, CheckpointInfo info)
            throws IOException {
        averageRunningStatistics(model);
        if (group.rank() == 0) {
            List<TensorSource> tensors = new ArrayList<>(model.stateSources());
            tensors.addAll(trainer.optimizerSources());
            String uri = store.write(info, tensors);
            System.out.println("TrainJob: checkpoint " + LocationRedaction.withoutSecrets(uri));
        }
        group.allGather("checkpoint " + info.step());
    }

    private void averageRunningStatistics(U2NetModel model) throws IOException {
        if (group.size() == 1 || settings.batchNorm() == BatchNormMode.SYNC) {
            return; // with SyncBatchNorm every replica's running statistics are the same already
        }
        List<Parameter> statistics = model.namedParameters().entrySet().stream()
                .filter(e -> e.getKey().endsWith(".running_mean") || e.getKey().endsWith(".running_var"))
                .map(Map.Entry::getValue)
                .toList();
        List<float[]> values =
                statistics.stream().map(p -> p.getArray().toFloatArray()).toList();
        float[] flat = new float[values.stream().mapToInt(v -> v.length).sum()];
        int offset = 0;
        for (float[] v : values) {
            System.arraycopy(v, 0, flat, offset, v.length);
            offset += v.length;
        }
        group.averageInPlace(flat);
        offset = 0;
        for (int i = 0; i < statistics.size(); i++) {
            ArrayAssignment.assign(statistics.get(i).getArray(), flat, offset);
            offset += values.get(i).length;
        }
    }

    /**
     * Fails on every replica when the replicas' trainable parameters differ (the BatchNorm running statistics
     * may differ between checkpoints: each replica normalises by its own batch).
     */
    private void requireSameWeights(U2NetModel model, long step) throws IOException {
        List<String> hashes = group.allGather(parameterHash(model.trainableParameters()));
        if (hashes.stream().distinct().count() != 1) {
            throw new IllegalStateException(
                    "the replicas' weights diverged at step " + step + ": SHA-256 by rank " + hashes);
        }
    }

    /** SHA-256 over the parameters' float values, in order. */
    static String parameterHash(List<Parameter> parameters) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Parameter parameter : parameters) {
                float[] values = parameter.getArray().toFloatArray();
                ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES);
                buffer.asFloatBuffer().put(values);
                digest.update(buffer.array());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void skip(Iterator<TableSample> shard, long count) {
        for (long i = 0; i < count && shard.hasNext(); i++) {
            shard.next();
        }
    }
}
