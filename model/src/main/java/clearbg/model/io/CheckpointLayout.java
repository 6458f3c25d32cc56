package clearbg.model.io;

import clearbg.model.io.TorchGlobals.TensorRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the state dict inside an unpickled checkpoint and normalises its keys.
 *
 * <ul>
 *   <li>A dict whose values are all tensors is the state dict.</li>
 *   <li>Otherwise, a dict holding a dict under {@code "state_dict"} (looked up first) or {@code "model"} is
 *       unwrapped to it, repeatedly (at most {@value #MAX_WRAPPING} times, so a dict that holds itself cannot
 *       loop): {@code torch.save({"epoch": 7, "state_dict": sd})} reads as {@code sd}.</li>
 *   <li>If every key starts with {@code "module."} (a model wrapped in {@code DataParallel} or
 *       {@code DistributedDataParallel}), that prefix is removed.</li>
 * </ul>
 */
final class CheckpointLayout {
    static final String DATA_PARALLEL_PREFIX = "module.";
    /** Most dicts wrapped around the state dict. */
    static final int MAX_WRAPPING = 8;

    private static final List<String> WRAPPER_KEYS = List.of("state_dict", "model");

    private CheckpointLayout() {}

    /**
     * The tensors of the state dict in {@code root}, keys normalised, in file order.
     *
     * @throws WeightsFormatException if no state dict is found or an entry is not a tensor
     */
    static Map<String, TensorRef> stateDict(Object root, String source) throws WeightsFormatException {
        Object node = root;
        for (int depth = 0; node instanceof Map && !allTensors((Map<?, ?>) node); depth++) {
            Object inner = wrapped((Map<?, ?>) node);
            if (inner == null) {
                break;
            }
            if (depth == MAX_WRAPPING) {
                throw new WeightsFormatException(
                        source,
                        "the state dict is wrapped in more than " + MAX_WRAPPING + " dicts ('state_dict' or 'model')");
            }
            node = inner;
        }
        if (!(node instanceof Map)) {
            throw new WeightsFormatException(
                    source, "the pickled object is " + TorchGlobals.describe(node) + ", not a state dict");
        }
        Map<String, TensorRef> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
            if (!(e.getKey() instanceof String) || !(e.getValue() instanceof TensorRef)) {
                throw new WeightsFormatException(
                        source,
                        "entry " + TorchGlobals.describe(e.getKey()) + " is "
                                + TorchGlobals.describe(e.getValue())
                                + ", not a tensor; expected a state dict, or a dict holding one"
                                + " under 'state_dict' or 'model'");
            }
            tensors.put((String) e.getKey(), (TensorRef) e.getValue());
        }
        return stripDataParallelPrefix(tensors);
    }

    private static boolean allTensors(Map<?, ?> map) {
        return map.values().stream().allMatch(v -> v instanceof TensorRef);
    }

    private static Object wrapped(Map<?, ?> map) {
        for (String key : WRAPPER_KEYS) {
            if (map.get(key) instanceof Map) {
                return map.get(key);
            }
        }
        return null;
    }

    private static Map<String, TensorRef> stripDataParallelPrefix(Map<String, TensorRef> tensors) {
        if (tensors.isEmpty() || !tensors.keySet().stream().allMatch(k -> k.startsWith(DATA_PARALLEL_PREFIX))) {
            return tensors;
        }
        Map<String, TensorRef> stripped = new LinkedHashMap<>();
        tensors.forEach((k, v) -> stripped.put(k.substring(DATA_PARALLEL_PREFIX.length()), v));
        return stripped;
    }
}
