package clearbg.model.io;

import java.io.IOException;
import java.util.List;

/**
 * Weights whose keys or shapes do not match what a model expects (see {@link StateDictCheck}). The message
 * names the source and lists missing, unexpected and mis-shaped keys (capped); the full lists are available
 * from the accessors.
 */
public final class WeightsMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    private final List<String> missingKeys;
    private final List<String> unexpectedKeys;
    private final List<String> misshapedKeys;

    WeightsMismatchException(
            String message, List<String> missingKeys, List<String> unexpectedKeys, List<String> misshapedKeys) {
        super(message);
        this.missingKeys = List.copyOf(missingKeys);
        this.unexpectedKeys = List.copyOf(unexpectedKeys);
        this.misshapedKeys = List.copyOf(misshapedKeys);
    }

    /** Keys the model expects that the weights lack. */
    public List<String> missingKeys() {
        return missingKeys;
    }

    /** Keys in the weights that the model does not expect. */
    public List<String> unexpectedKeys() {
        return unexpectedKeys;
    }

    /** Keys present on both sides with different shapes. */
    public List<String> misshapedKeys() {
        return misshapedKeys;
    }
}
