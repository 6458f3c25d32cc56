package clearbg.model.train;

import ai.djl.nn.Parameter;
import java.io.IOException;
import java.util.List;

/**
 * Averages the gradients over the replicas while backward still runs, instead of after it as a {@link
 * GradientExchange} does: it moves each gradient into the flat array as soon as backward has accumulated it and
 * exchanges the array in parts meanwhile (the native bridge's bucketed exchange, {@code clearbg.jobs.torchbridge}).
 * The mean it leaves must equal, bit for bit, what the trainer's exchange after backward would give.
 */
public interface BackwardExchange extends AutoCloseable {

    /** Makes the exchange for a trainer's parameters (in the flat array's order). */
    @FunctionalInterface
    interface Factory {

        BackwardExchange create(List<Parameter> parameters);
    }

    /**
     * Before a backward pass: its gradients go into {@code flat} (every gradient in parameter order, the layout of
     * {@link clearbg.model.optim.FlatGradients}).
     */
    void begin(float[] flat);

    /**
     * After the backward pass: {@code flat} holds the mean over the replicas and the parameters' gradients are zero.
     *
     * @throws IOException when the exchange failed
     */
    void finish() throws IOException;

    @Override
    void close();
}
