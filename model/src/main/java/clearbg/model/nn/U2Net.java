package clearbg.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * U²-Net (Qin et al. 2020) and IS-Net (Qin et al. 2022) as a DJL block, built from an {@link Arch} stage table.
 *
 * <pre>
 *   x' = conv_in(x) (IS-Net: 3x3, stride 2, padding 1),  x' = x (U²-Net)
 *   e_1 = stage1(x'),  e_i = stage{i}(pool(e_{i-1}))             i = 2..6
 *   d_5 = stage5d(cat(up(e_6, e_5), e_5))
 *   d_i = stage{i}d(cat(up(d_{i+1}, e_i), e_i))                  i = 4..1
 *   s_i = up(side{i}(d_i), x),  s_6 = up(side6(e_6), x)          (3x3 conv to one channel)
 *   s_0 = outconv(cat(s_1..s_6))                                  (1x1 conv, the fused map; U²-Net only)
 *   output = [sigmoid(s_0), sigmoid(s_1), ..., sigmoid(s_6)]     each N x 1 x H x W (U²-Net)
 *   output = [sigmoid(s_1), ..., sigmoid(s_6)]                    (IS-Net, whose prediction is side 1)
 * </pre>
 *
 * Either way output 0 is the prediction. IS-Net's ground-truth encoder has no decoder: its input is a one-channel
 * mask, {@code x' = relu(bn(conv_in(x)))}, and {@code s_i = up(side{i}(e_i), x)} for i = 1..6.
 *
 * <p>The stage features are the side outputs' inputs, {@code [d_1, ..., d_5, e_6]} (or {@code [e_1, ..., e_6]}
 * without a decoder), the original's second return value. When the forward pass carries {@link #FEATURES} in its
 * parameters, the six features follow the outputs in the returned list; they are arrays the pass computes anyway, so
 * asking for them costs nothing, and inference, which does not ask, returns the outputs alone.
 *
 * {@code pool} is 2x2 max-pooling in ceil mode and {@code up} bilinear resizing to the other tensor's size
 * ({@code align_corners=False}), so any input of at least 32x32, odd sizes included, works. Children carry
 * the original PyTorch names ({@code stage1 .. stage6}, {@code stage5d .. stage1d}, {@code side1 ..
 * side6}, {@code outconv}), which makes the parameter names equal to the original state_dict keys. The
 * block computes in its parameters' type (float32, or bfloat16 for a {@link U2NetModel#convertedWith} copy); the
 * sigmoids always run in float32 and the outputs are float32.
 */
public final class U2Net extends AbstractBlock {

    /** Number of outputs of U²-Net: the fused map then the six side maps ({@link Arch#outputs()} in general). */
    public static final int OUTPUTS = Arch.STAGES + 1;
    /** The smallest input side length U²-Net accepts ({@link Arch#minInputSize()} in general). */
    public static final int MIN_INPUT_SIZE = 32;
    /** The forward parameter (any value) that asks for the six stage features after the outputs. */
    public static final String FEATURES = "clearbg.features";

    private final Arch arch;
    private final Upsampler upsampler;
    private final List<Rsu> encoder = new ArrayList<>();
    private final List<Rsu> decoder = new ArrayList<>();
    private final List<Conv2d> sides = new ArrayList<>();
    private final Block stem;
    private final Conv2d fuse;

    /**
     * Builds the network's children from the architecture's stage table; {@code upsampler} does every
     * resize ({@link Upsampler#DJL} for float32).
     */
    public U2Net(Arch arch, Upsampler upsampler) {
        this.arch = arch;
        this.upsampler = upsampler;
        stem = stem(arch);
        if (stem != null) {
            addChildBlock("conv_in", stem);
        }
        for (int i = 0; i < Arch.STAGES; i++) {
            encoder.add(addChildBlock("stage" + (i + 1), new Rsu(arch.encoder().get(i), upsampler)));
        }
        for (int i = 0; i < arch.decoder().size(); i++) {
            int stage = Arch.STAGES - 1 - i;
            decoder.add(
                    addChildBlock("stage" + stage + "d", new Rsu(arch.decoder().get(i), upsampler)));
        }
        for (int side = 1; side <= Arch.STAGES; side++) {
            sides.add(addChildBlock("side" + side, conv(3, 1)));
        }
        fuse = arch.fused() ? addChildBlock("outconv", conv(1, 0)) : null;
    }

    private static Block stem(Arch arch) {
        switch (arch.stem()) {
            case CONV:
                return Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optStride(new Shape(2, 2))
                        .optPadding(new Shape(1, 1))
                        .setFilters(arch.stemChannels())
                        .build();
            case CONV_BN_RELU:
                return ConvBnRelu.stem(arch.inputChannels(), arch.stemChannels());
            default:
                return null;
        }
    }

    private static Conv2d conv(int kernel, int padding) {
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(padding, padding))
                .setFilters(1)
                .build();
    }

    /** The architecture this network was built from. */
    public Arch arch() {
        return arch;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        requireInputShape(x.getShape());
        NDArray[] enc = new NDArray[Arch.STAGES];
        NDArray h = stem == null
                ? x
                : stem.forward(store, new NDList(x), training, params).singletonOrThrow();
        for (int i = 0; i < Arch.STAGES; i++) {
            if (i > 0) {
                h = Resampling.maxPoolCeil(h);
            }
            h = apply(encoder.get(i), store, h, training, params);
            enc[i] = h;
        }
        // sideInputs[k] feeds side output k+1: decoder stages 1..5, then encoder stage 6 (without a decoder: encoder
        // stages 1..6). They are the stage features.
        NDArray[] sideInputs = enc.clone();
        NDArray d = enc[Arch.STAGES - 1];
        for (int j = 0; j < decoder.size(); j++) {
            NDArray skip = enc[Arch.STAGES - 2 - j];
            d = apply(
                    decoder.get(j),
                    store,
                    Resampling.concatChannels(Resampling.upsampleLike(d, skip, upsampler), skip),
                    training,
                    params);
            sideInputs[Arch.STAGES - 2 - j] = d;
        }
        NDList sideLogits = new NDList(Arch.STAGES);
        for (int k = 0; k < Arch.STAGES; k++) {
            NDArray logit = sides.get(k)
                    .forward(store, new NDList(sideInputs[k]), training, params)
                    .singletonOrThrow();
            sideLogits.add(Resampling.upsampleLike(logit, x, upsampler));
        }
        NDList outputs = new NDList(arch.outputs());
        if (fuse != null) {
            NDArray fused = fuse.forward(
                            store,
                            new NDList(sideLogits.stream()
                                    .reduce(Resampling::concatChannels)
                                    .orElseThrow()),
                            training,
                            params)
                    .singletonOrThrow();
            outputs.add(sigmoidFp32(fused));
        }
        for (NDArray logit : sideLogits) {
            outputs.add(sigmoidFp32(logit));
        }
        if (params != null && params.contains(FEATURES)) {
            outputs.addAll(new NDList(sideInputs));
        }
        return outputs;
    }

    /**
     * The sigmoid in float32 (a no-op conversion for a float32 network; DJL reports bf16 logits as UNKNOWN), except for
     * a float64 network's logits, kept in float64 for reference computations, where a conversion would also cut the
     * autograd graph (DJL's type conversion is not recorded).
     */
    private static NDArray sigmoidFp32(NDArray logit) {
        boolean float64 = logit.getDataType() == DataType.FLOAT64;
        return Activation.sigmoid(float64 ? logit : logit.toType(DataType.FLOAT32, false));
    }

    private void requireInputShape(Shape shape) {
        if (shape.dimension() != 4 || shape.get(1) != arch.inputChannels()) {
            throw new IllegalArgumentException(
                    arch.cliName() + " expects an N x " + arch.inputChannels() + " x H x W input, got " + shape);
        }
        int min = arch.minInputSize();
        if (shape.get(2) < min || shape.get(3) < min) {
            throw new IllegalArgumentException(arch.cliName() + " needs inputs of at least " + min + "x" + min
                    + ", got " + shape.get(3) + "x" + shape.get(2));
        }
    }

    private static NDArray apply(
            Rsu block, ParameterStore store, NDArray x, boolean training, PairList<String, Object> params) {
        return block.forward(store, new NDList(x), training, params).singletonOrThrow();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape input = inputShapes[0];
        if (stem != null) {
            stem.initialize(manager, dataType, input);
        }
        for (Rsu stage : encoder) {
            stage.initialize(
                    manager,
                    dataType,
                    ConvBnRelu.withChannels(input, stage.spec().inChannels()));
        }
        for (Rsu stage : decoder) {
            stage.initialize(
                    manager,
                    dataType,
                    ConvBnRelu.withChannels(input, stage.spec().inChannels()));
        }
        for (int side = 1; side <= Arch.STAGES; side++) {
            sides.get(side - 1)
                    .initialize(manager, dataType, ConvBnRelu.withChannels(input, arch.sideInputChannels(side)));
        }
        if (fuse != null) {
            fuse.initialize(manager, dataType, ConvBnRelu.withChannels(input, Arch.STAGES));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape out = ConvBnRelu.withChannels(inputShapes[0], 1);
        Shape[] shapes = new Shape[arch.outputs()];
        Arrays.fill(shapes, out);
        return shapes;
    }
}
