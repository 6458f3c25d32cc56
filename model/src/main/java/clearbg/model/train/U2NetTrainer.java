package clearbg.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import clearbg.model.io.HostTensor;
import clearbg.model.io.StateDict;
import clearbg.model.io.TensorSource;
import clearbg.model.io.TensorType;
import clearbg.model.io.Weights;
import clearbg.model.nn.Arch;
import clearbg.model.nn.BatchNormFunction;
import clearbg.model.nn.ThreadGradMode;
import clearbg.model.nn.U2NetModel;
import clearbg.model.optim.Adam;
import clearbg.model.optim.AdamSettings;
import clearbg.model.optim.AdamState;
import clearbg.model.optim.FlatGradients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One replica's training loop body, as the original {@code u2net_train.py} (and IS-Net's
 * {@code train_valid_inference_main.py}): forward in training mode, the {@link TrainingLoss} (the summed multi-output
 * BCE; for IS-Net with intermediate supervision plus the feature MSE against a frozen ground-truth encoder; the
 * ground-truth encoder itself is trained on the labels as its input), backward, then one Adam step and zeroed
 * gradients. With several replicas the
 * gradients are averaged by a {@link GradientExchange} first, and Adam updates each range of the weights as
 * soon as its average is final ({@link OverlappedOptimizer}); or, with a {@link BackwardExchange}, during backward
 * in buckets, Adam updating each bucket's weights as soon as its average arrives, while backward and the other
 * buckets' exchange go on. Autograd is switched on for the calling thread
 * during forward and backward only ({@link ThreadGradMode}), so replicas on different threads of one JVM
 * train side by side, each on its own graph (PyTorch's autograd engine runs a CPU backward on the calling
 * thread). Not thread-safe; one trainer per model.
 */
public final class U2NetTrainer implements AutoCloseable {

    private static final String OPTIMIZER_PREFIX = Weights.OPTIMIZER_PREFIX;
    private static final String STEP_KEY = OPTIMIZER_PREFIX + "step";
    private static final String FIRST_MOMENT = OPTIMIZER_PREFIX + "exp_avg.";
    private static final String SECOND_MOMENT = OPTIMIZER_PREFIX + "exp_avg_sq.";

    private final U2NetModel model;
    private final List<String> names = new ArrayList<>();
    private final List<Parameter> parameters = new ArrayList<>();
    private final Adam adam;
    private final BatchNormMode batchNorm;
    private BatchNormFunction syncBatchNorm; // with BatchNormMode.SYNC over several replicas
    private TrainingLoss loss = TrainingLoss.sideOutputs();
    private final GradientExchange exchange;
    private final BackwardExchange duringBackward; // null: the exchange runs after backward
    private final OverlappedOptimizer overlapped = new OverlappedOptimizer();
    private float[] flatGradients;

    /**
     * @param model the network to train (its trainable parameters get gradients attached)
     * @param settings Adam's hyper-parameters
     * @param batchNorm whether BatchNorm uses batch statistics or its frozen running statistics
     * @param exchange averages the gradients over the replicas ({@link GradientExchange#SINGLE_REPLICA} for none)
     */
    public U2NetTrainer(U2NetModel model, AdamSettings settings, BatchNormMode batchNorm, GradientExchange exchange) {
        this(model, settings, batchNorm, exchange, null);
    }

    /**
     * A trainer whose gradients are averaged during backward.
     *
     * @param duringBackward makes the exchange for the trainer's parameters; the trainer closes it
     */
    public U2NetTrainer(
            U2NetModel model, AdamSettings settings, BatchNormMode batchNorm, BackwardExchange.Factory duringBackward) {
        this(model, settings, batchNorm, null, duringBackward);
    }

    private U2NetTrainer(
            U2NetModel model,
            AdamSettings settings,
            BatchNormMode batchNorm,
            GradientExchange exchange,
            BackwardExchange.Factory duringBackward) {
        this.model = model;
        this.batchNorm = batchNorm;
        this.exchange = exchange;
        model.namedParameters().forEach((name, parameter) -> {
            if (parameter.requiresGradient()) {
                names.add(name);
                parameters.add(parameter);
                parameter.getArray().setRequiresGradient(true);
            }
        });
        this.adam = Adam.create(settings, parameters);
        this.duringBackward = duringBackward == null ? null : duringBackward.create(List.copyOf(parameters));
    }

    /**
     * The BatchNorm over all replicas that {@link BatchNormMode#SYNC} uses (the native bridge's SyncBatchNorm, made
     * for this replica's group). Without one, SYNC normalises by this replica's batch (right for one replica). The
     * trainer closes it when it is {@link AutoCloseable}.
     *
     * @return this trainer
     * @throws IllegalStateException when the trainer's mode is not SYNC
     */
    public U2NetTrainer useSyncBatchNorm(BatchNormFunction function) {
        if (batchNorm != BatchNormMode.SYNC) {
            throw new IllegalStateException("a SyncBatchNorm function is for --batch-norm sync, not " + batchNorm);
        }
        this.syncBatchNorm = function;
        return this;
    }

    /**
     * Adds IS-Net's intermediate supervision to the loss: the MSE between the model's decoder features and the frozen
     * {@code encoder}'s features of the labels ({@link TrainingLoss#withIntermediateSupervision}). The trainer closes
     * the encoder.
     *
     * @return this trainer
     * @throws IllegalArgumentException when the model is not IS-Net or the encoder not its ground-truth encoder
     */
    public U2NetTrainer useIntermediateSupervision(U2NetModel encoder) {
        TrainingLoss supervised = TrainingLoss.withIntermediateSupervision(encoder);
        if (model.arch() != Arch.ISNET) {
            supervised.close();
            throw new IllegalArgumentException(
                    "intermediate supervision is for isnet, not " + model.arch().cliName());
        }
        loss.close();
        loss = supervised;
        return this;
    }

    /**
     * Trains on one batch.
     *
     * @param images {@code N x 3 x H x W}, normalised as ToTensorLab does (unused by the ground-truth encoder)
     * @param labels {@code N x 1 x H x W} in [0, 1] (the ground-truth encoder's input too)
     * @param learningRate the step's learning rate
     * @return the losses and timings; the step's intermediate arrays live in the images' manager, which the
     *     caller closes after the step
     */
    public StepResult step(NDArray images, NDArray labels, double learningRate) {
        long start = System.nanoTime();
        double[] values;
        OverlappedOptimizer.Pass perBucket = null;
        if (duringBackward != null) {
            float[] flat = flatGradients();
            perBucket = overlapped.begin(adam.beginFlatStep(learningRate, flat));
            duringBackward.begin(flat, perBucket);
        }
        try (ThreadGradMode recording = ThreadGradMode.recording()) {
            NDList losses = loss.compute(
                    model,
                    images,
                    labels,
                    batchNorm != BatchNormMode.FROZEN,
                    batchNorm == BatchNormMode.SYNC ? syncBatchNorm : null);
            NDArray total = losses.get(0);
            try (NDArray seed = total.onesLike()) {
                JniUtils.backward((PtNDArray) total, (PtNDArray) seed, false, false);
            }
            values = new double[losses.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = losses.get(i).getFloat();
            }
        }
        long backwardDone = System.nanoTime();
        long hookDone;
        try (ThreadGradMode off = ThreadGradMode.off()) {
            if (perBucket != null) {
                try {
                    duringBackward.finish(); // the exchange's part that backward did not hide
                } catch (IOException | RuntimeException e) {
                    perBucket.abandon(); // the optimiser thread leaves the weights alone before the caller goes on
                    throw e;
                }
                hookDone = System.nanoTime();
                perBucket.finish(); // the Adam updates of the last buckets
            } else if (exchange.exchanges()) {
                float[] flat = flatGradients();
                FlatGradients.readAndZero(parameters, flat);
                hookDone = overlapped.exchangeAndUpdate(exchange, flat, adam.beginFlatStep(learningRate, flat));
            } else {
                hookDone = System.nanoTime();
                adam.step(learningRate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        long optimizerDone = System.nanoTime();
        double[] perOutput = new double[values.length - 1];
        System.arraycopy(values, 1, perOutput, 0, perOutput.length);
        return new StepResult(
                values[0], perOutput, backwardDone - start, hookDone - backwardDone, optimizerDone - hookDone);
    }

    /** The flat gradient array, made once (176 MB for U²-Net). */
    private float[] flatGradients() {
        if (flatGradients == null) {
            flatGradients = new float[FlatGradients.size(parameters)];
        }
        return flatGradients;
    }

    /**
     * Adam's state under {@link Weights#OPTIMIZER_PREFIX}-prefixed names, by parameter name as PyTorch's optimiser
     * state: {@code optimizer.step}, {@code optimizer.exp_avg.<name>}, {@code optimizer.exp_avg_sq.<name>}. A copy.
     */
    public StateDict optimizerState() {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (TensorSource source : optimizerSources()) {
            HostTensor t = source.values().get();
            tensors.put(
                    source.name(),
                    t.type() == TensorType.FLOAT32
                            ? HostTensor.ofFloats(t.shape(), t.floats().clone())
                            : t);
        }
        return StateDict.of(tensors);
    }

    /**
     * The entries of {@link #optimizerState()} as sources that read the moments only when written, without a copy
     * on the CPU: valid until the next step, for streaming a checkpoint in little memory.
     */
    public List<TensorSource> optimizerSources() {
        List<TensorSource> sources = new ArrayList<>();
        sources.add(TensorSource.of(STEP_KEY, HostTensor.ofLongs(new long[0], new long[] {adam.stepCount()})));
        for (int i = 0; i < names.size(); i++) {
            long[] shape = parameters.get(i).getArray().getShape().getShape();
            int index = i;
            sources.add(new TensorSource(
                    FIRST_MOMENT + names.get(i),
                    TensorType.FLOAT32,
                    shape,
                    () -> HostTensor.ofFloats(shape, adam.firstMoment(index))));
            sources.add(new TensorSource(
                    SECOND_MOMENT + names.get(i),
                    TensorType.FLOAT32,
                    shape,
                    () -> HostTensor.ofFloats(shape, adam.secondMoment(index))));
        }
        return sources;
    }

    /**
     * Restores Adam's state from entries written by {@link #optimizerState()} (other keys are ignored).
     *
     * @throws IllegalArgumentException naming the first missing entry or size mismatch; nothing changes then
     */
    public void restoreOptimizerState(StateDict state, String sourceName) {
        if (!state.contains(STEP_KEY)) {
            throw new IllegalArgumentException(sourceName + ": no optimiser state (" + STEP_KEY + " is missing)");
        }
        List<float[]> first = new ArrayList<>();
        List<float[]> second = new ArrayList<>();
        for (String name : names) {
            for (String key : List.of(FIRST_MOMENT + name, SECOND_MOMENT + name)) {
                if (!state.contains(key)) {
                    throw new IllegalArgumentException(sourceName + ": optimiser state lacks " + key);
                }
            }
            first.add(state.get(FIRST_MOMENT + name).floats());
            second.add(state.get(SECOND_MOMENT + name).floats());
        }
        adam.restore(new AdamState(state.get(STEP_KEY).longs()[0], first, second));
    }

    @Override
    public void close() {
        if (duringBackward != null) {
            duringBackward.close();
        }
        if (syncBatchNorm instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the SyncBatchNorm failed: " + e, e);
            }
        }
        overlapped.close();
        adam.close();
        loss.close();
    }
}
