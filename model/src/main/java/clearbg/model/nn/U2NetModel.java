package clearbg.model.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import clearbg.model.io.HostTensor;
import clearbg.model.io.StateDict;
import clearbg.model.io.StateDictCheck;
import clearbg.model.io.TensorSource;
import clearbg.model.io.TensorType;
import clearbg.model.io.WeightsMismatchException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * A U²-Net with its parameters on one device: forward in training or inference mode, and the weights as
 * a PyTorch-compatible state_dict.
 *
 * <p>Inference mode normalises with the BatchNorm running statistics; training mode with the batch's
 * statistics and updates the running ones ({@code running = 0.9 running + 0.1 batch}, unbiased batch
 * variance, as PyTorch) and counts the pass in {@code num_batches_tracked}. Forward results live in the
 * manager of the input array, so a caller frees them by closing that manager. Not thread-safe: one
 * forward at a time per instance.
 */
public final class U2NetModel implements AutoCloseable {

    private final Arch arch;
    private final NDManager manager;
    private final U2Net block;
    private final ParameterNames names;
    private final ParameterStore store;
    private long batchesTracked;

    private U2NetModel(Arch arch, NDManager manager, DataType type) {
        this.arch = arch;
        this.manager = manager;
        this.block = new U2Net(arch, Upsampler.DJL);
        block.initialize(manager, type, initShape(arch));
        this.names = ParameterNames.of(block);
        this.store = new ParameterStore(manager, false);
    }

    /**
     * A network whose parameters start as {@code conversion} of the same-named ones of {@code source}, frozen
     * (no gradients: the conversion may give inference-only tensors).
     */
    private U2NetModel(
            Arch arch,
            NDManager manager,
            BiFunction<NDArray, NDManager, NDArray> conversion,
            Upsampler upsampler,
            ParameterNames source) {
        this.arch = arch;
        this.manager = manager;
        this.block = new U2Net(arch, upsampler);
        this.names = ParameterNames.of(block);
        source.parameters().forEach((name, parameter) -> {
            Parameter copy = names.parameters().get(name);
            copy.freeze(true);
            copy.setInitializer((target, shape, type) -> conversion.apply(parameter.getArray(), target));
        });
        block.initialize(manager, DataType.FLOAT32, initShape(arch));
        this.store = new ParameterStore(manager, false);
    }

    /** A new network with seeded Xavier weights (see {@link GlorotInit}) on {@code device}. */
    public static U2NetModel create(Arch arch, Device device, long seed) {
        return create(arch, device, seed, DataType.FLOAT32);
    }

    /**
     * As {@link #create(Arch, Device, long)} with parameters of {@code type}: {@code FLOAT64} makes a network for
     * reference computations whose own rounding is negligible (the side outputs stay float32, as in every network
     * here, so the loss and its gradient at the outputs carry float32 rounding once).
     */
    public static U2NetModel create(Arch arch, Device device, long seed, DataType type) {
        U2NetModel model = new U2NetModel(arch, NDManager.newBaseManager(device), type);
        GlorotInit.apply(model.names.parameters(), seed);
        return model;
    }

    /**
     * A network holding the weights of {@code weights}; every key must be present with its shape and no
     * other key may be there.
     *
     * @throws WeightsMismatchException naming the missing, unexpected and mis-shaped keys
     */
    public static U2NetModel fromStateDict(Arch arch, Device device, StateDict weights, String sourceName)
            throws WeightsMismatchException {
        U2NetModel model = new U2NetModel(arch, NDManager.newBaseManager(device), DataType.FLOAT32);
        try {
            model.load(weights, sourceName);
        } catch (WeightsMismatchException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * A copy of this network, on the same device, whose every parameter and running statistic is
     * {@code conversion} of this one's (given the array and the copy's manager, it returns a new array owned
     * by that manager): a bfloat16 conversion gives the network {@code model.to(torch.bfloat16)} gives in
     * PyTorch. For inference only ({@link #stateDict()} reads float32). This model is left as it is; the copy
     * has its own manager and is closed on its own. {@code upsampler} resizes inside the copy (it must accept
     * the converted type).
     */
    public U2NetModel convertedWith(BiFunction<NDArray, NDManager, NDArray> conversion, Upsampler upsampler) {
        U2NetModel copy =
                new U2NetModel(arch, NDManager.newBaseManager(manager.getDevice()), conversion, upsampler, names);
        copy.batchesTracked = batchesTracked;
        return copy;
    }

    /** The architecture. */
    public Arch arch() {
        return arch;
    }

    /** The input shape the parameters are initialised for: one image of the architecture's smallest size. */
    private static Shape initShape(Arch arch) {
        return new Shape(1, arch.inputChannels(), arch.minInputSize(), arch.minInputSize());
    }

    /** The manager that owns the parameters. */
    public NDManager manager() {
        return manager;
    }

    /**
     * Runs the network on an {@code N x 3 x H x W} batch; returns its probability maps, the prediction first
     * ({@link Arch#outputs()}: U²-Net's fused map and six side maps, IS-Net's six side maps).
     *
     * @param training true for training mode (batch statistics, running statistics updated)
     */
    public NDList forward(NDArray input, boolean training) {
        return forward(input, training, null);
    }

    /**
     * As {@link #forward(NDArray, boolean)}; in training mode every BatchNorm layer calls {@code batchNorm} instead
     * of normalising by this batch alone (SyncBatchNorm), unless it is null.
     */
    public NDList forward(NDArray input, boolean training, BatchNormFunction batchNorm) {
        return run(input, training, batchNorm, false);
    }

    /**
     * As {@link #forward(NDArray, boolean, BatchNormFunction)}, with the six stage features after the outputs (see
     * {@link U2Net}): IS-Net's decoder features, or its ground-truth encoder's encoder features.
     */
    public ForwardResult forwardWithFeatures(NDArray input, boolean training, BatchNormFunction batchNorm) {
        NDList out = run(input, training, batchNorm, true);
        int outputs = arch.outputs();
        return new ForwardResult(new NDList(out.subList(0, outputs)), new NDList(out.subList(outputs, out.size())));
    }

    private NDList run(NDArray input, boolean training, BatchNormFunction batchNorm, boolean features) {
        PairList<String, Object> params = null;
        if (features || (training && batchNorm != null)) {
            params = new PairList<>();
        }
        if (features) {
            params.add(U2Net.FEATURES, Boolean.TRUE);
        }
        if (training && batchNorm != null) {
            params.add(BatchNormFunction.PARAMETER, batchNorm);
        }
        NDList out = block.forward(store, new NDList(input), training, params);
        if (training) {
            batchesTracked++;
        }
        return out;
    }

    /** Parameters and running statistics by PyTorch name, in state_dict order. */
    public Map<String, Parameter> namedParameters() {
        return names.parameters();
    }

    /** The trainable parameters (convolution weights and biases, BatchNorm weights and biases), in order. */
    public List<Parameter> trainableParameters() {
        List<Parameter> trainable = new ArrayList<>();
        for (Parameter parameter : names.parameters().values()) {
            if (parameter.requiresGradient()) {
                trainable.add(parameter);
            }
        }
        return trainable;
    }

    /** The number of trainable scalars, {@code sum(p.numel() for p in model.parameters())} in PyTorch. */
    public long parameterCount() {
        return trainableParameters().stream()
                .mapToLong(p -> p.getArray().size())
                .sum();
    }

    /** How many training forward passes every BatchNorm has seen ({@code num_batches_tracked}). */
    public long batchesTracked() {
        return batchesTracked;
    }

    /** The expected shape of every state_dict key. */
    public Map<String, long[]> stateDictShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        forEachKey((key, parameter) -> shapes.put(
                key, parameter == null ? new long[0] : parameter.getShape().getShape()));
        return shapes;
    }

    /** A copy of the weights as a state_dict with the original's keys, order and shapes. */
    public StateDict stateDict() {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (TensorSource source : stateSources()) {
            tensors.put(source.name(), source.values().get());
        }
        return StateDict.of(tensors);
    }

    /**
     * The entries of {@link #stateDict()} as sources that copy one tensor to the heap only when it is written, so a
     * checkpoint can be streamed without a copy of all the weights.
     */
    public List<TensorSource> stateSources() {
        List<TensorSource> sources = new ArrayList<>();
        forEachKey((key, parameter) -> {
            if (parameter == null) {
                sources.add(TensorSource.of(key, HostTensor.ofLongs(new long[0], new long[] {batchesTracked})));
            } else {
                long[] shape = parameter.getShape().getShape();
                sources.add(new TensorSource(
                        key,
                        TensorType.FLOAT32,
                        shape,
                        () -> HostTensor.ofFloats(shape, parameter.getArray().toFloatArray())));
            }
        });
        return sources;
    }

    /** Replaces every weight by the one in {@code weights} (checked first: nothing changes on a mismatch). */
    public void load(StateDict weights, String sourceName) throws WeightsMismatchException {
        StateDictCheck.requireCompatible(weights, stateDictShapes(), sourceName);
        for (Map.Entry<String, Parameter> entry : names.parameters().entrySet()) {
            ArrayAssignment.assign(
                    entry.getValue().getArray(), weights.get(entry.getKey()).floats());
        }
        batchesTracked = weights.keys().stream()
                .filter(key -> key.endsWith(ParameterNames.BATCHES_TRACKED))
                .mapToLong(key -> weights.get(key).longs()[0])
                .max()
                .orElse(0);
    }

    /** Visits every state_dict key in order; the parameter is null for {@code num_batches_tracked}. */
    private void forEachKey(BiConsumer<String, Parameter> action) {
        for (Map.Entry<String, Parameter> entry : names.parameters().entrySet()) {
            action.accept(entry.getKey(), entry.getValue());
            String key = entry.getKey();
            if (key.endsWith(".running_var")) {
                action.accept(
                        key.substring(0, key.length() - "running_var".length()) + ParameterNames.BATCHES_TRACKED, null);
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
