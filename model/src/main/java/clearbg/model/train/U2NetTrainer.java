package clearbg.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import clearbg.model.loss.MultiOutputBce;
import clearbg.model.nn.U2NetModel;
import clearbg.model.optim.Adam;
import clearbg.model.optim.AdamSettings;
import java.util.List;

/**
 * One replica's training loop body, as the original {@code u2net_train.py}: forward in training mode,
 * the summed multi-output BCE, backward, then (after an optional {@link GradientHook}) one Adam step and
 * zeroed gradients. Not thread-safe; one trainer per model.
 */
public final class U2NetTrainer implements AutoCloseable {

    private final U2NetModel model;
    private final List<Parameter> parameters;
    private final Adam adam;
    private final GradientHook hook;

    /**
     * @param model the network to train (its trainable parameters get gradients attached)
     * @param settings Adam's hyper-parameters
     * @param hook run on the gradients before each optimiser step
     */
    public U2NetTrainer(U2NetModel model, AdamSettings settings, GradientHook hook) {
        this.model = model;
        this.parameters = model.trainableParameters();
        for (Parameter parameter : parameters) {
            parameter.getArray().setRequiresGradient(true);
        }
        this.adam = new Adam(settings, parameters);
        this.hook = hook;
    }

    /**
     * Trains on one batch.
     *
     * @param images {@code N x 3 x H x W}, normalised as ToTensorLab does
     * @param labels {@code N x 1 x H x W} in [0, 1]
     * @param learningRate the step's learning rate
     * @return the losses; the step's intermediate arrays live in the images' manager, which the caller
     *     closes after the step
     */
    public StepResult step(NDArray images, NDArray labels, double learningRate) {
        double[] values;
        try (GradientCollector collector = images.getManager().getEngine().newGradientCollector()) {
            NDList losses = MultiOutputBce.compute(model.forward(images, true), labels);
            collector.backward(losses.get(0));
            values = new double[losses.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = losses.get(i).getFloat();
            }
        }
        hook.onGradients(parameters);
        adam.step(learningRate);
        adam.zeroGradients();
        double[] perOutput = new double[values.length - 1];
        System.arraycopy(values, 1, perOutput, 0, perOutput.length);
        return new StepResult(values[0], perOutput);
    }

    @Override
    public void close() {
        adam.close();
    }
}
