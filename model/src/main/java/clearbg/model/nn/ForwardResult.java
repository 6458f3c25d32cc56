package clearbg.model.nn;

import ai.djl.ndarray.NDList;

/**
 * One forward pass with its stage features.
 *
 * @param outputs the probability maps, the prediction first ({@link Arch#outputs()} of them)
 * @param features the six stage features, stage 1 first (see {@link U2Net})
 */
public record ForwardResult(NDList outputs, NDList features) {}
