package clearbg.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A residual U-block built from an {@link RsuSpec}; one class serves RSU-7 .. RSU-4 and RSU-4F.
 *
 * <pre>
 *   h_in  = rebnconvin(x)
 *   e_1   = rebnconv1(h_in)
 *   e_i   = rebnconv{i}(pool(e_{i-1}))          i = 2 .. L-1  (no pool when dilated)
 *   b     = rebnconv{L}(e_{L-1})                 (the bottom, dilated)
 *   d_L-1 = rebnconv{L-1}d(cat(b, e_{L-1}))
 *   d_i   = rebnconv{i}d(cat(up(d_{i+1}, e_i), e_i))   i = L-2 .. 1
 *   y     = d_1 + h_in
 * </pre>
 *
 * where {@code up} resizes bilinearly to the skip tensor's size (identity when dilated). Children carry
 * the original PyTorch names ({@code rebnconvin}, {@code rebnconv1}, ..., {@code rebnconv1d}).
 */
public final class Rsu extends AbstractBlock {

    private final RsuSpec spec;
    private final Upsampler upsampler;
    private final ConvBnRelu inputConv;
    private final List<ConvBnRelu> encoder = new ArrayList<>();
    private final ConvBnRelu bottom;
    private final List<ConvBnRelu> decoder = new ArrayList<>();

    /** Builds the block's children from its spec; {@code upsampler} resizes inside the block. */
    public Rsu(RsuSpec spec, Upsampler upsampler) {
        this.spec = spec;
        this.upsampler = upsampler;
        int height = spec.height();
        int mid = spec.midChannels();
        inputConv = addChildBlock("rebnconvin", new ConvBnRelu(spec.inChannels(), spec.outChannels(), 1));
        for (int level = 1; level < height; level++) {
            int in = level == 1 ? spec.outChannels() : mid;
            encoder.add(addChildBlock("rebnconv" + level, new ConvBnRelu(in, mid, spec.encoderDilation(level))));
        }
        bottom = addChildBlock("rebnconv" + height, new ConvBnRelu(mid, mid, spec.bottomDilation()));
        // decoder.get(0) is rebnconv{L-1}d, the last is rebnconv1d.
        for (int level = height - 1; level >= 1; level--) {
            int out = level == 1 ? spec.outChannels() : mid;
            decoder.add(
                    addChildBlock("rebnconv" + level + "d", new ConvBnRelu(2 * mid, out, spec.encoderDilation(level))));
        }
    }

    /** The spec this block was built from. */
    public RsuSpec spec() {
        return spec;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        if (training) {
            return new NDList(block(store, inputs.singletonOrThrow(), true, params));
        }
        // Inference keeps no graph: the block's intermediates are freed as soon as it returns, as PyTorch
        // frees them, instead of living until the caller closes its manager.
        NDArray x = inputs.singletonOrThrow();
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            x.attach(scope);
            NDArray y = block(store, x, false, params);
            y.attach(owner);
            x.attach(owner);
            return new NDList(y);
        }
    }

    private NDArray block(ParameterStore store, NDArray x, boolean training, PairList<String, Object> params) {
        NDArray hin = apply(inputConv, store, x, training, params);
        NDArray[] skips = new NDArray[spec.height() - 1];
        NDArray h = hin;
        for (int i = 0; i < encoder.size(); i++) {
            if (i > 0 && !spec.dilated()) {
                h = Resampling.maxPoolCeil(h);
            }
            h = apply(encoder.get(i), store, h, training, params);
            skips[i] = h;
        }
        NDArray d = apply(bottom, store, h, training, params);
        for (int j = 0; j < decoder.size(); j++) {
            NDArray skip = skips[skips.length - 1 - j];
            NDArray up = Resampling.upsampleLike(d, skip, upsampler);
            d = apply(decoder.get(j), store, Resampling.concatChannels(up, skip), training, params);
        }
        return d.add(hin);
    }

    private static NDArray apply(
            ConvBnRelu block, ParameterStore store, NDArray x, boolean training, PairList<String, Object> params) {
        return block.forward(store, new NDList(x), training, params).singletonOrThrow();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape input = inputShapes[0];
        inputConv.initialize(manager, dataType, input);
        for (ConvBnRelu block : encoder) {
            block.initialize(manager, dataType, ConvBnRelu.withChannels(input, block.inChannels()));
        }
        bottom.initialize(manager, dataType, ConvBnRelu.withChannels(input, bottom.inChannels()));
        for (ConvBnRelu block : decoder) {
            block.initialize(manager, dataType, ConvBnRelu.withChannels(input, block.inChannels()));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {ConvBnRelu.withChannels(inputShapes[0], spec.outChannels())};
    }
}
