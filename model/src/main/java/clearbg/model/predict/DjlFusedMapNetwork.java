package clearbg.model.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import clearbg.model.nn.Arch;
import clearbg.model.nn.ThreadGradMode;
import clearbg.model.nn.U2NetModel;

/**
 * The fused map from the project's own U²-Net on DJL's PyTorch engine (CPU or GPU, wherever the model's
 * parameters live), in float32 or bfloat16. Calls are serialised: the model is not thread-safe, and libtorch
 * parallelises inside each forward pass. Autograd is off during the pass (nothing is recorded).
 *
 * <p>In bfloat16 the input goes in channels-last layout (an {@code N x H x W x 3} buffer seen as
 * {@code N x 3 x H x W}), the layout in which oneDNN's bfloat16 convolutions run without reordering; libtorch
 * keeps it through the network. The output maps are float32 either way.
 */
public final class DjlFusedMapNetwork implements FusedMapNetwork {

    private final U2NetModel model;
    private final Bf16Ops bf16Ops;

    /** @param bf16Ops the conversion of the input for a bfloat16 model, null for a float32 one */
    private DjlFusedMapNetwork(U2NetModel model, Bf16Ops bf16Ops) {
        this.model = model;
        this.bf16Ops = bf16Ops;
    }

    /**
     * A network over a loaded float32 model, which it owns from now on ({@link #close()} closes it). For
     * {@link Precision#BF16} the model is converted and the float32 one closed at once.
     */
    public static DjlFusedMapNetwork of(U2NetModel fp32Model, Precision precision) {
        if (precision == Precision.FP32) {
            return new DjlFusedMapNetwork(fp32Model, null);
        }
        try (fp32Model) {
            Bf16Ops ops = Bf16Ops.on(fp32Model.manager().getDevice());
            try (ThreadGradMode off = ThreadGradMode.off()) {
                return new DjlFusedMapNetwork(fp32Model.convertedWith(ops::toBf16, ops), ops);
            } catch (RuntimeException e) {
                ops.close();
                throw e;
            }
        }
    }

    @Override
    public Arch arch() {
        return model.arch();
    }

    @Override
    public synchronized float[] fusedMaps(float[] input, int batch, int side) {
        try (NDManager scratch = model.manager().newSubManager();
                ThreadGradMode off = ThreadGradMode.off()) {
            NDArray x = bf16Ops == null
                    ? scratch.create(input, new Shape(batch, 3, side, side))
                    : channelsLastBf16(scratch, input, batch, side);
            return model.forward(x, false).get(0).toFloatArray();
        }
    }

    /** The NCHW {@code input} as a bfloat16 tensor of shape {@code N x 3 x H x W} stored as NHWC. */
    private NDArray channelsLastBf16(NDManager manager, float[] input, int batch, int side) {
        int plane = side * side;
        float[] nhwc = new float[input.length];
        for (int n = 0; n < batch; n++) {
            int base = n * 3 * plane;
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < plane; p++) {
                    nhwc[base + p * 3 + c] = input[base + c * plane + p];
                }
            }
        }
        return bf16Ops.toBf16(manager.create(nhwc, new Shape(batch, side, side, 3)), manager)
                .transpose(0, 3, 1, 2);
    }

    @Override
    public synchronized void close() {
        model.close();
        if (bf16Ops != null) {
            bf16Ops.close();
        }
    }
}
