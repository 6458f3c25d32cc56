package clearbg.model.nn;

import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded Xavier (Glorot) initialisation, as the U²-Net paper describes.
 *
 * <p>Convolution weights of shape {@code (out, in, kh, kw)} are drawn from {@code U(-a, a)} with
 * {@code a = sqrt(6 / (fan_in + fan_out))}, {@code fan_in = in kh kw}, {@code fan_out = out kh kw};
 * biases are 0; BatchNorm starts as the identity (weight 1, bias 0, running mean 0, running variance 1).
 * The values depend only on the seed and the parameter order, never on the engine's random state.
 */
public final class GlorotInit {

    private GlorotInit() {}

    /** Fills every parameter of {@code named} (PyTorch names, state_dict order) from {@code seed}. */
    public static void apply(Map<String, Parameter> named, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Map.Entry<String, Parameter> entry : named.entrySet()) {
            Parameter parameter = entry.getValue();
            long[] shape = parameter.getArray().getShape().getShape();
            float[] values = new float[Math.toIntExact(parameter.getArray().size())];
            String name = entry.getKey();
            if (shape.length == 4 && name.endsWith(".weight")) {
                long receptive = shape[2] * shape[3];
                double bound = Math.sqrt(6.0 / (shape[1] * receptive + shape[0] * receptive));
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
                }
            } else if (name.endsWith("bn_s1.weight") || name.endsWith(".running_var")) {
                Arrays.fill(values, 1f);
            }
            ArrayAssignment.assign(parameter.getArray(), values);
        }
    }
}
