package clearbg.model.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Checks that weights fit a model: the same keys, each with the same shape. */
public final class StateDictCheck {
    /** How many keys of each kind the exception message lists before summarising the rest as a count. */
    static final int LISTED_PER_KIND = 20;

    private StateDictCheck() {}

    /**
     * Passes if {@code actual} has exactly the keys of {@code expectedShapes}, each with that shape.
     *
     * @param sourceName names the weights (file) in the message
     * @throws WeightsMismatchException listing missing, unexpected and mis-shaped keys (expected vs actual
     *     shape), at most {@value #LISTED_PER_KIND} of each followed by the number left out
     */
    public static void requireCompatible(StateDict actual, Map<String, long[]> expectedShapes, String sourceName)
            throws WeightsMismatchException {
        List<String> missing = new ArrayList<>();
        List<String> misshaped = new ArrayList<>();
        List<String> shapeLines = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expectedShapes.entrySet()) {
            if (!actual.contains(e.getKey())) {
                missing.add(e.getKey());
                continue;
            }
            long[] found = actual.get(e.getKey()).shape();
            if (!Arrays.equals(found, e.getValue())) {
                misshaped.add(e.getKey());
                shapeLines.add(e.getKey() + " (expected " + Arrays.toString(e.getValue()) + ", found "
                        + Arrays.toString(found) + ")");
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String key : actual.keys()) {
            if (!expectedShapes.containsKey(key)) {
                unexpected.add(key);
            }
        }
        if (missing.isEmpty() && unexpected.isEmpty() && misshaped.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(sourceName).append(": weights do not match the model");
        appendKind(message, "missing key", "missing keys", missing);
        appendKind(message, "unexpected key", "unexpected keys", unexpected);
        appendKind(message, "key with the wrong shape", "keys with the wrong shape", shapeLines);
        throw new WeightsMismatchException(message.toString(), missing, unexpected, misshaped);
    }

    private static void appendKind(StringBuilder message, String one, String many, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        message.append("\n  ")
                .append(items.size())
                .append(' ')
                .append(items.size() == 1 ? one : many)
                .append(": ");
        List<String> listed = items.subList(0, Math.min(items.size(), LISTED_PER_KIND));
        message.append(String.join(", ", listed));
        if (items.size() > listed.size()) {
            message.append(", ... and ").append(items.size() - listed.size()).append(" more");
        }
    }
}
