package clearbg.model.nn;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PyTorch state_dict names for the parameters of a DJL block tree.
 *
 * <p>A parameter's name is the dot-joined path of child names from the root, then the PyTorch name of the
 * parameter: DJL's {@code weight}/{@code bias} keep theirs, BatchNorm's {@code gamma}, {@code beta},
 * {@code runningMean}, {@code runningVar} become {@code weight}, {@code bias}, {@code running_mean},
 * {@code running_var}. DJL numbers children ({@code 01stage1}); the number is dropped. The order is the
 * registration order, which is the original state_dict order.
 */
public final class ParameterNames {

    /** The suffix of the BatchNorm buffer that counts training forward passes. */
    public static final String BATCHES_TRACKED = "num_batches_tracked";

    private final Map<String, Parameter> parameters;

    private ParameterNames(Map<String, Parameter> parameters) {
        this.parameters = Collections.unmodifiableMap(parameters);
    }

    /** Walks {@code root} and names every parameter. */
    public static ParameterNames of(Block root) {
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        walk(root, "", parameters);
        return new ParameterNames(parameters);
    }

    private static void walk(Block block, String prefix, Map<String, Parameter> out) {
        for (Pair<String, Parameter> parameter : block.getDirectParameters()) {
            out.put(prefix + torchName(parameter.getValue().getName()), parameter.getValue());
        }
        for (Pair<String, Block> child : block.getChildren()) {
            String name = child.getKey().replaceFirst("^\\d+", "");
            walk(child.getValue(), prefix + name + ".", out);
        }
    }

    private static String torchName(String djlName) {
        return switch (djlName) {
            case "gamma" -> "weight";
            case "beta" -> "bias";
            case "runningMean" -> "running_mean";
            case "runningVar" -> "running_var";
            default -> djlName;
        };
    }

    /** Every parameter and BatchNorm running statistic by PyTorch name, in state_dict order. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }
}
