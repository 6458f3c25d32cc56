package clearbg.model.train;

import ai.djl.nn.Parameter;
import java.io.IOException;
import java.util.List;

/**
 * Averages the gradients over the replicas while backward still runs, instead of after it as a {@link
 * GradientExchange} does: it moves each gradient into the flat array as soon as backward has accumulated it and
 * exchanges the array in parts meanwhile (the native bridge's bucketed exchange, {@code clearbg.jobs.torchbridge}).
 * The mean it leaves must equal, bit for bit, what the trainer's exchange after backward would give. It reports
 * each part of the array as soon as that part holds its mean, so that the trainer's optimiser updates those weights
 * while backward and the exchange of the other parts go on.
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
    default void begin(float[] flat) {
        begin(flat, (offset, length) -> {});
    }

    /**
     * As {@link #begin(float[])}, telling {@code averaged} each range of {@code flat} once it holds its final mean
     * (on the exchange's own thread, in any order, covering the array once by the end of {@link #finish()}; the
     * listener must return quickly). A range is reported only after backward has accumulated every gradient in it,
     * so the parameters of a reported range are no longer read by the rest of backward (each parameter is used
     * once in the forward pass) and may be updated at once.
     */
    void begin(float[] flat, GradientExchange.ReadyRanges averaged);

    /**
     * After the backward pass: {@code flat} holds the mean over the replicas and the parameters' gradients are zero.
     *
     * @throws IOException when the exchange failed
     */
    void finish() throws IOException;

    @Override
    void close();
}
