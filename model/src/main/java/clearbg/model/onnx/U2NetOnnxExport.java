package clearbg.model.onnx;

import clearbg.model.io.HostTensor;
import clearbg.model.io.StateDict;
import clearbg.model.io.StateDictCheck;
import clearbg.model.io.WeightsMismatchException;
import clearbg.model.nn.Arch;
import clearbg.model.nn.ConvBnRelu;
import clearbg.model.nn.ParameterNames;
import clearbg.model.nn.RsuSpec;
import clearbg.model.nn.U2Net;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes U²-Net inference as an ONNX graph from a state_dict with the original's keys, the same network
 * as {@link U2Net} in inference mode (BatchNorm with running statistics) restricted to its first output:
 *
 * <pre>
 *   input  "image": batch x 3 x H x W, float32 (batch chosen at run time, H and W fixed at export)
 *   output "fused": batch x 1 x H x W = sigmoid(d0), the fused probability map
 * </pre>
 *
 * Operators (opset 18): Conv, BatchNormalization, Relu, MaxPool ({@code ceil_mode=1}), Resize (bilinear,
 * {@code pytorch_half_pixel}: input coordinate {@code (i + 0.5) * in/out - 0.5}, PyTorch's
 * {@code align_corners=False}), Concat, Add, Sigmoid. Spatial sizes are computed here for the fixed H and W, so
 * every Resize has a constant target. Where the target is an integer multiple of the source (every resize at
 * 320x320), the Resize takes constant scales and {@code half_pixel}, which equals {@code pytorch_half_pixel}
 * for outputs longer than one pixel: ONNX Runtime then runs it in its blocked (NCHWc) layout instead of
 * converting the activations back and forth around it (measured on U²-Net at 320x320, one thread: 0.91
 * instead of 1.05 s of kernel time per image). Other targets take constant sizes.
 */
public final class U2NetOnnxExport {

    /** Name of the graph's input. */
    public static final String INPUT = "image";
    /** Name of the graph's output. */
    public static final String OUTPUT = "fused";

    private final OnnxGraphBuilder graph = new OnnxGraphBuilder();
    private final StateDict weights;
    private final Map<String, long[]> expectedShapes = new LinkedHashMap<>();
    private int valueCount;

    /** A tensor of the graph with its spatial size. */
    private record Value(String name, int height, int width) {}

    private U2NetOnnxExport(StateDict weights) {
        this.weights = weights;
    }

    /**
     * Writes the ONNX model of {@code arch} with {@code weights} for inputs of {@code height x width}.
     *
     * @param sourceName names the weights in error messages
     * @throws WeightsMismatchException when the weights are not {@code arch}'s (missing, unexpected or
     *     mis-shaped keys, as {@link StateDictCheck} reports them); nothing is written then
     * @throws IOException when {@code sink} fails
     * @throws IllegalArgumentException for the ground-truth encoder, whose input is a mask
     */
    public static void write(StateDict weights, Arch arch, int height, int width, String sourceName, OutputStream sink)
            throws IOException {
        if (arch.inputChannels() != 3) {
            throw new IllegalArgumentException(arch.cliName() + " takes masks, not images: it has no ONNX export");
        }
        int min = arch.minInputSize();
        if (height < min || width < min) {
            throw new IllegalArgumentException(
                    "input size must be at least " + min + "x" + min + ", got " + width + "x" + height);
        }
        U2NetOnnxExport export = new U2NetOnnxExport(weights);
        Value fused = export.network(arch, new Value(INPUT, height, width));
        StateDictCheck.requireCompatible(weights, export.expectedShapes, sourceName);
        export.graph.node("Sigmoid", OUTPUT, List.of(fused.name()));
        export.graph.writeModel(
                sink, "u2net_" + arch.cliName(), INPUT, new long[] {-1, 3, height, width}, OUTPUT, new long[] {
                    -1, 1, height, width
                });
    }

    /** The logits of the prediction (U²-Net's fused map, IS-Net's side 1); see {@link U2Net} for the formula. */
    private Value network(Arch arch, Value x) {
        Value[] encoded = new Value[Arch.STAGES];
        Value h = arch.stemChannels() > 0 ? conv("conv_in", x, 3, arch.stemChannels(), 3, 1, 1, 2) : x;
        for (int i = 0; i < Arch.STAGES; i++) {
            if (i > 0) {
                h = maxPoolCeil(h);
            }
            h = rsu("stage" + (i + 1), arch.encoder().get(i), h);
            encoded[i] = h;
        }
        Value[] sideInputs = new Value[Arch.STAGES];
        sideInputs[Arch.STAGES - 1] = encoded[Arch.STAGES - 1];
        Value d = encoded[Arch.STAGES - 1];
        for (int j = 0; j < arch.decoder().size(); j++) {
            Value skip = encoded[Arch.STAGES - 2 - j];
            d = rsu("stage" + (Arch.STAGES - 1 - j) + "d", arch.decoder().get(j), concat(resizeLike(d, skip), skip));
            sideInputs[Arch.STAGES - 2 - j] = d;
        }
        Value[] sideLogits = new Value[Arch.STAGES];
        for (int k = 0; k < Arch.STAGES; k++) {
            int inChannels = arch.sideInputChannels(k + 1);
            sideLogits[k] = resizeLike(conv("side" + (k + 1), sideInputs[k], inChannels, 1, 3, 1), x);
        }
        return arch.fused() ? conv("outconv", concat(sideLogits), Arch.STAGES, 1, 1, 0) : sideLogits[0];
    }

    /** A residual U-block; see {@code Rsu} for the formula. */
    private Value rsu(String prefix, RsuSpec spec, Value x) {
        int mid = spec.midChannels();
        Value hin = convBnRelu(prefix + ".rebnconvin", x, spec.inChannels(), spec.outChannels(), 1);
        Value[] skips = new Value[spec.height() - 1];
        Value h = hin;
        for (int level = 1; level < spec.height(); level++) {
            if (level > 1 && !spec.dilated()) {
                h = maxPoolCeil(h);
            }
            int in = level == 1 ? spec.outChannels() : mid;
            h = convBnRelu(prefix + ".rebnconv" + level, h, in, mid, spec.encoderDilation(level));
            skips[level - 1] = h;
        }
        Value d = convBnRelu(prefix + ".rebnconv" + spec.height(), h, mid, mid, spec.bottomDilation());
        for (int level = spec.height() - 1; level >= 1; level--) {
            Value skip = skips[level - 1];
            int out = level == 1 ? spec.outChannels() : mid;
            d = convBnRelu(
                    prefix + ".rebnconv" + level + "d",
                    concat(resizeLike(d, skip), skip),
                    2 * mid,
                    out,
                    spec.encoderDilation(level));
        }
        return new Value(graph.node("Add", next(), List.of(d.name(), hin.name())), hin.height(), hin.width());
    }

    private Value convBnRelu(String prefix, Value x, int in, int out, int dilation) {
        Value convolved = conv(prefix + ".conv_s1", x, in, out, 3, dilation, dilation);
        String bn = prefix + ".bn_s1.";
        long[] channels = {out};
        String normalised = graph.node(
                "BatchNormalization",
                next(),
                List.of(
                        convolved.name(),
                        weight(bn + "weight", channels),
                        weight(bn + "bias", channels),
                        weight(bn + "running_mean", channels),
                        weight(bn + "running_var", channels)),
                OnnxGraphBuilder.real("epsilon", ConvBnRelu.BN_EPS));
        expectedShapes.put(bn + ParameterNames.BATCHES_TRACKED, new long[0]);
        return new Value(graph.node("Relu", next(), List.of(normalised)), x.height(), x.width());
    }

    private Value conv(String prefix, Value x, int in, int out, int kernel, int padding) {
        return conv(prefix, x, in, out, kernel, padding, 1);
    }

    private Value conv(String prefix, Value x, int in, int out, int kernel, int padding, int dilation) {
        return conv(prefix, x, in, out, kernel, padding, dilation, 1);
    }

    /** A convolution with bias; output size {@code (size + 2 padding - dilation (kernel - 1) - 1) / stride + 1}. */
    private Value conv(String prefix, Value x, int in, int out, int kernel, int padding, int dilation, int stride) {
        String w = weight(prefix + ".weight", new long[] {out, in, kernel, kernel});
        String b = weight(prefix + ".bias", new long[] {out});
        String y = graph.node(
                "Conv",
                next(),
                List.of(x.name(), w, b),
                OnnxGraphBuilder.ints("kernel_shape", kernel, kernel),
                OnnxGraphBuilder.ints("pads", padding, padding, padding, padding),
                OnnxGraphBuilder.ints("dilations", dilation, dilation),
                OnnxGraphBuilder.ints("strides", stride, stride));
        int reach = dilation * (kernel - 1);
        return new Value(
                y,
                (x.height() + 2 * padding - reach - 1) / stride + 1,
                (x.width() + 2 * padding - reach - 1) / stride + 1);
    }

    private Value maxPoolCeil(Value x) {
        String y = graph.node(
                "MaxPool",
                next(),
                List.of(x.name()),
                OnnxGraphBuilder.ints("kernel_shape", 2, 2),
                OnnxGraphBuilder.ints("strides", 2, 2),
                OnnxGraphBuilder.integer("ceil_mode", 1));
        return new Value(y, (x.height() + 1) / 2, (x.width() + 1) / 2);
    }

    /** Bilinear resize to {@code target}'s spatial size; {@code x} itself when the sizes agree. */
    private Value resizeLike(Value x, Value target) {
        if (x.height() == target.height() && x.width() == target.width()) {
            return x;
        }
        if (target.height() % x.height() == 0 && target.width() % x.width() == 0) {
            String scales = graph.initializer("scales_" + valueCount, new long[] {4}, new float[] {
                1, 1, target.height() / x.height(), target.width() / x.width()
            });
            String y = graph.node(
                    "Resize",
                    next(),
                    List.of(x.name(), "", scales),
                    OnnxGraphBuilder.text("mode", "linear"),
                    OnnxGraphBuilder.text("coordinate_transformation_mode", "half_pixel"));
            return new Value(y, target.height(), target.width());
        }
        String sizes = graph.initializer(
                "sizes_" + target.height() + "x" + target.width() + "_" + valueCount, target.height(), target.width());
        String y = graph.node(
                "Resize",
                next(),
                List.of(x.name(), "", "", sizes),
                OnnxGraphBuilder.ints("axes", 2, 3),
                OnnxGraphBuilder.text("mode", "linear"),
                OnnxGraphBuilder.text("coordinate_transformation_mode", "pytorch_half_pixel"));
        return new Value(y, target.height(), target.width());
    }

    private Value concat(Value... parts) {
        List<String> names = Arrays.stream(parts).map(Value::name).toList();
        return new Value(
                graph.node("Concat", next(), names, OnnxGraphBuilder.integer("axis", 1)),
                parts[0].height(),
                parts[0].width());
    }

    /**
     * Adds the weight {@code key} as an initializer and records its expected shape. A missing or
     * mis-shaped weight adds an empty placeholder; {@link StateDictCheck} then refuses the weights before
     * anything is written.
     */
    private String weight(String key, long[] shape) {
        expectedShapes.put(key, shape);
        HostTensor tensor = weights.contains(key) ? weights.get(key) : null;
        boolean usable = tensor != null && Arrays.equals(tensor.shape(), shape);
        return graph.initializer(key, shape, usable ? tensor.floats() : new float[0]);
    }

    private String next() {
        return "t" + valueCount++;
    }
}
