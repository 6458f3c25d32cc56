package clearbg.model.train;

import ai.djl.nn.Parameter;
import java.util.List;

/**
 * Runs between backward and the optimiser step, with the gradients in place; data-parallel training
 * averages them across replicas here (an all-reduce). Implementations change gradients in place.
 */
@FunctionalInterface
public interface GradientHook {

    /** A hook that leaves the gradients as they are (single-replica training). */
    GradientHook NONE = parameters -> {};

    /** Called once per step with the trainable parameters, in a fixed order. */
    void onGradients(List<Parameter> parameters);
}
