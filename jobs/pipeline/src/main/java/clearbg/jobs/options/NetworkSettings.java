package clearbg.jobs.options;

import clearbg.model.nn.Arch;
import clearbg.model.predict.InferenceEngine;
import clearbg.model.predict.Precision;

/**
 * Which network computes the masks and how.
 *
 * @param arch the architecture the weights must have, or null to take theirs
 * @param size the network's input side (RescaleT)
 * @param engine the runtime that computes the fused map
 * @param precision the number format inside the network
 */
public record NetworkSettings(Arch arch, int size, InferenceEngine engine, Precision precision) {}
