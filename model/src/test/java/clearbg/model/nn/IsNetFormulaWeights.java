package clearbg.model.nn;

import clearbg.model.io.HostTensor;
import clearbg.model.io.StateDict;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The deterministic IS-Net weights of {@code scripts/reference/make_isnet_fixture.py} (44 million parameters are
 * too many to ship): for the tensor named {@code n} and flat index {@code i}, {@code b = sin(0.731 i + 0.1 h)}
 * with {@code h = crc32(n) mod 1000}; conv weights {@code b sqrt(3 / fan_in)}, conv biases {@code 0.05 b},
 * BatchNorm ({@code *.bn_s1.*}, {@code conv_in.bn.*}) weight {@code 1 + 0.2 b}, bias {@code 0.1 b}, running mean
 * {@code 0.05 b}, running variance {@code 0.75 + 0.5 b²}; computed in double and rounded to float, as the script does.
 * The ground-truth encoder's fixtures use the same formula.
 */
public final class IsNetFormulaWeights {

    private IsNetFormulaWeights() {}

    /** The weights for every key and shape of the fixture's {@code state_dict} list. */
    public static StateDict of(JsonNode expected) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (JsonNode entry : expected.get("state_dict")) {
            long[] shape = new long[entry.get(1).size()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = entry.get(1).get(d).asLong();
            }
            shapes.put(entry.get(0).asText(), shape);
        }
        return forShapes(shapes);
    }

    /** The weights for every key and shape of {@code shapes} (as {@link U2NetModel#stateDictShapes()} gives them). */
    public static StateDict forShapes(Map<String, long[]> shapes) {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            if (name.endsWith(".num_batches_tracked")) {
                tensors.put(name, HostTensor.ofLongs(shape, new long[(int) count]));
            } else {
                tensors.put(name, HostTensor.ofFloats(shape, formula(name, shape, (int) count)));
            }
        });
        return StateDict.of(tensors);
    }

    private static float[] formula(String name, long[] shape, int count) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        double phase = 0.1 * (crc.getValue() % 1000);
        String leaf = name.substring(name.lastIndexOf('.') + 1);
        boolean batchNorm = name.contains(".bn_s1.") || name.startsWith("conv_in.bn.");
        long fanIn = 1;
        for (int d = 1; d < shape.length; d++) {
            fanIn *= shape[d];
        }
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            double b = Math.sin(0.731 * i + phase);
            double v;
            if (batchNorm && leaf.equals("weight")) {
                v = 1 + 0.2 * b;
            } else if (batchNorm && leaf.equals("bias")) {
                v = 0.1 * b;
            } else if (leaf.equals("running_mean")) {
                v = 0.05 * b;
            } else if (leaf.equals("running_var")) {
                v = 0.75 + 0.5 * b * b;
            } else if (leaf.equals("weight")) {
                v = b * Math.sqrt(3.0 / fanIn);
            } else {
                v = 0.05 * b;
            }
            values[i] = (float) v;
        }
        return values;
    }
}
