package clearbg.model.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Adam} with tensor operations on the parameters' own device (a GPU): a handful of engine operations per
 * parameter and step. The moments live beside the parameters on the same device; updates are in place.
 */
final class DeviceAdam implements Adam {

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
    DeviceAdam(AdamSettings settings, List<Parameter> parameters) {
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

    @Override
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
        zeroGradients();
    }

    /** Moves a temporary into {@code scratch} so that it is freed with it. */
    private static NDArray scratch(NDManager scratch, NDArray temporary) {
        temporary.attach(scratch);
        return temporary;
    }

    private void zeroGradients() {
        for (Parameter parameter : parameters) {
            try (NDArray gradient = parameter.getArray().getGradient()) {
                gradient.muli(0);
            }
        }
    }

    @Override
    public AdamState state() {
        List<float[]> first = new ArrayList<>();
        List<float[]> second = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            first.add(firstMoments.get(i).toFloatArray());
            second.add(secondMoments.get(i).toFloatArray());
        }
        return new AdamState(step, first, second);
    }

    /** Copies {@code flat} into the gradients when finished, then steps as {@link #step} does. */
    @Override
    public FlatStep beginFlatStep(double learningRate, float[] flat) {
        return new FlatStep() {
            @Override
            public void update(int offset, int length) {
                // the whole array moves to the device at once when the step finishes
            }

            @Override
            public void finish() {
                FlatGradients.write(flat, parameters);
                step(learningRate);
            }
        };
    }

    @Override
    public long stepCount() {
        return step;
    }

    @Override
    public float[] firstMoment(int index) {
        return firstMoments.get(index).toFloatArray();
    }

    @Override
    public float[] secondMoment(int index) {
        return secondMoments.get(index).toFloatArray();
    }

    @Override
    public void restore(AdamState state) {
        state.requireSizes(Adam.sizes(parameters));
        for (int i = 0; i < parameters.size(); i++) {
            firstMoments.get(i).set(state.firstMoments().get(i));
            secondMoments.get(i).set(state.secondMoments().get(i));
        }
        step = state.step();
    }

    @Override
    public void close() {
        manager.close();
    }
}
