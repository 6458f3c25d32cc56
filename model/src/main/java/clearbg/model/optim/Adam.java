package clearbg.model.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam with PyTorch's semantics ({@code torch.optim.Adam}, single-tensor path), which DJL's Adam does not
 * have (it adds eps elsewhere). At step {@code t} (1-based), for each parameter {@code p} with gradient
 * {@code g}:
 *
 * <pre>
 *   g   = g + wd p                                   (when weight decay is set)
 *   m   = b1 m + (1 - b1) g
 *   v   = b2 v + (1 - b2) g^2
 *   p   = p - (lr / (1 - b1^t)) m / ( sqrt(v) / sqrt(1 - b2^t) + eps )
 * </pre>
 *
 * The moments live beside the parameters on the same device; updates are in place.
 */
public final class Adam implements AutoCloseable {

    private final AdamSettings settings;
    private final List<Parameter> parameters;
    private final NDManager manager;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private long step;

    /**
     * @param settings hyper-parameters
     * @param parameters the parameters to update, in a fixed order (the order of the state)
     */
    public Adam(AdamSettings settings, List<Parameter> parameters) {
        this.settings = settings;
        this.parameters = List.copyOf(parameters);
        if (this.parameters.isEmpty()) {
            throw new IllegalArgumentException("Adam needs at least one parameter");
        }
        this.manager = this.parameters.get(0).getArray().getManager().newSubManager();
        for (Parameter parameter : this.parameters) {
            firstMoments.add(manager.zeros(parameter.getArray().getShape()));
            secondMoments.add(manager.zeros(parameter.getArray().getShape()));
        }
    }

    /** Applies one update with the gradients currently attached to the parameters. */
    public void step(double learningRate) {
        step++;
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double stepSize = learningRate / (1 - Math.pow(b1, step));
        double correction2Sqrt = Math.sqrt(1 - Math.pow(b2, step));
        for (int i = 0; i < parameters.size(); i++) {
            NDArray weight = parameters.get(i).getArray();
            try (NDManager scratch = manager.newSubManager()) {
                NDArray g = scratch(scratch, weight.getGradient());
                if (settings.weightDecay() != 0) {
                    g = scratch(scratch, g.add(scratch(scratch, weight.mul(settings.weightDecay()))));
                }
                NDArray m = firstMoments.get(i);
                NDArray v = secondMoments.get(i);
                m.muli(b1).addi(g.mul(1 - b1));
                v.muli(b2).addi(g.mul(g).muli(1 - b2));
                NDArray denominator =
                        scratch(scratch, v.sqrt()).divi(correction2Sqrt).addi(settings.eps());
                weight.subi(scratch(scratch, m.div(denominator)).muli(stepSize));
            }
        }
    }

    /** Moves a temporary into {@code scratch} so that it is freed with it. */
    private static NDArray scratch(NDManager scratch, NDArray temporary) {
        temporary.attach(scratch);
        return temporary;
    }

    /**
     * Sets every gradient to zero before the next backward pass (PyTorch accumulates gradients, like
     * {@code optimizer.zero_grad(set_to_none=False)}).
     */
    public void zeroGradients() {
        for (Parameter parameter : parameters) {
            try (NDArray gradient = parameter.getArray().getGradient()) {
                gradient.muli(0);
            }
        }
    }

    /** A copy of the moments and the step count. */
    public AdamState state() {
        List<float[]> first = new ArrayList<>();
        List<float[]> second = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            first.add(firstMoments.get(i).toFloatArray());
            second.add(secondMoments.get(i).toFloatArray());
        }
        return new AdamState(step, first, second);
    }

    /**
     * Replaces the moments and the step count by {@code state}'s (checked first: nothing changes when a
     * count or size differs).
     */
    public void restore(AdamState state) {
        if (state.firstMoments().size() != parameters.size()) {
            throw new IllegalArgumentException("optimiser state has "
                    + state.firstMoments().size() + " parameters, this model " + parameters.size());
        }
        for (int i = 0; i < parameters.size(); i++) {
            long size = parameters.get(i).getArray().size();
            if (state.firstMoments().get(i).length != size
                    || state.secondMoments().get(i).length != size) {
                throw new IllegalArgumentException(
                        "optimiser state of parameter " + i + " has the wrong size (expected " + size + ")");
            }
        }
        for (int i = 0; i < parameters.size(); i++) {
            firstMoments.get(i).set(state.firstMoments().get(i));
            secondMoments.get(i).set(state.secondMoments().get(i));
        }
        step = state.step();
    }

    /** Applies one update with the configured learning rate. */
    public void step() {
        step(settings.learningRate());
    }

    @Override
    public void close() {
        manager.close();
    }
}
