package clearbg.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@code relu(bn(conv(x)))}: a 3x3 convolution with bias, padding equal to the dilation (so the spatial
 * size is kept), BatchNorm (eps 1e-5, PyTorch momentum 0.1: {@code running = 0.9 running + 0.1 batch}) and
 * ReLU. The original calls it REBNCONV; its children are named {@code conv_s1} and {@code bn_s1} as there; the
 * ground-truth encoder's input conv ({@link #stem}) has stride 2 and children {@code conv} and {@code bn}. In
 * training mode, when the forward pass carries a {@link BatchNormFunction} (under {@link BatchNormFunction#PARAMETER}),
 * that function normalises instead of DJL's BatchNorm (SyncBatchNorm over all replicas).
 */
public final class ConvBnRelu extends AbstractBlock {

    /** PyTorch's BatchNorm eps. */
    public static final float BN_EPS = 1e-5f;
    /** DJL's momentum convention ({@code running = m running + (1-m) batch}) for PyTorch momentum 0.1. */
    public static final float DJL_BN_MOMENTUM = 0.9f;
    /** PyTorch's BatchNorm momentum ({@code running = (1-m) running + m batch}). */
    public static final double PYTORCH_BN_MOMENTUM = 0.1;

    private final int inChannels;
    private final int outChannels;
    private final int stride;
    private final Conv2d conv;
    private final BatchNorm bn;

    /**
     * @param inChannels input channels
     * @param outChannels output channels
     * @param dilation dilation and padding of the 3x3 convolution
     */
    public ConvBnRelu(int inChannels, int outChannels, int dilation) {
        this(inChannels, outChannels, dilation, 1, "conv_s1", "bn_s1");
    }

    private ConvBnRelu(int inChannels, int outChannels, int dilation, int stride, String convName, String bnName) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.stride = stride;
        this.conv = addChildBlock(
                convName,
                Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(dilation, dilation))
                        .optDilation(new Shape(dilation, dilation))
                        .optStride(new Shape(stride, stride))
                        .setFilters(outChannels)
                        .build());
        this.bn = addChildBlock(
                bnName,
                BatchNorm.builder()
                        .optEpsilon(BN_EPS)
                        .optMomentum(DJL_BN_MOMENTUM)
                        .build());
    }

    /**
     * The original's {@code myrebnconv} as the ground-truth encoder's {@code conv_in}: a 3x3 convolution with stride
     * 2 and padding 1 ({@code H x W} becomes {@code ceil(H/2) x ceil(W/2)}), BatchNorm and ReLU; children {@code conv}
     * and {@code bn}.
     */
    public static ConvBnRelu stem(int inChannels, int outChannels) {
        return new ConvBnRelu(inChannels, outChannels, 1, 2, "conv", "bn");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList convolved = conv.forward(store, inputs, training, params);
        Object function = training && params != null ? params.get(BatchNormFunction.PARAMETER) : null;
        if (function instanceof BatchNormFunction batchNorm) {
            NDArray x = convolved.singletonOrThrow();
            NDArray normalised = batchNorm.apply(
                    x,
                    value(store, "gamma", x),
                    value(store, "beta", x),
                    value(store, "runningMean", x),
                    value(store, "runningVar", x),
                    PYTORCH_BN_MOMENTUM,
                    BN_EPS);
            return new NDList(Activation.relu(normalised));
        }
        NDList normalised = bn.forward(store, convolved, training, params);
        return new NDList(Activation.relu(normalised.singletonOrThrow()));
    }

    /** The BatchNorm's parameter {@code name} (DJL's name) as the store hands it out on {@code x}'s device. */
    private NDArray value(ParameterStore store, String name, NDArray x) {
        Parameter parameter = bn.getParameters().get(name);
        return store.getValue(parameter, x.getDevice(), true);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape input = inputShapes[0];
        conv.initialize(manager, dataType, input);
        bn.initialize(manager, dataType, withChannels(input, outChannels));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {
            new Shape(in.get(0), outChannels, (in.get(2) - 1) / stride + 1, (in.get(3) - 1) / stride + 1)
        };
    }

    /** Input channels of the convolution. */
    public int inChannels() {
        return inChannels;
    }

    static Shape withChannels(Shape nchw, long channels) {
        return new Shape(nchw.get(0), channels, nchw.get(2), nchw.get(3));
    }
}
