package clearbg.jobs.options;

import clearbg.model.nn.Arch;
import clearbg.model.predict.InferenceEngine;
import clearbg.model.predict.Precision;

/**
 * Which network computes the masks and how.
 *
 * @param arch the architecture the weights must have, or null to take theirs
 * @param size the network's input side, or 0 for the architecture's own ({@link Arch#defaultInputSize()})
 * @param engine the runtime that computes the fused map
 * @param precision the number format inside the network
 */
public record NetworkSettings(Arch arch, int size, InferenceEngine engine, Precision precision) {

    /** The input side for a network of {@code detected} architecture: {@link #size()}, or its own when 0. */
    public int sizeFor(Arch detected) {
        return size > 0 ? size : detected.defaultInputSize();
    }
}
