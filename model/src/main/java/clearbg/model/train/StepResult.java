package clearbg.model.train;

/**
 * The losses and timings of one training step.
 *
 * @param total the loss: the summed multi-output BCE (with IS-Net's intermediate supervision, plus the feature MSE)
 * @param perOutput the BCE of each output, the prediction first (U²-Net: seven values, fused first; IS-Net and its
 *     ground-truth encoder: six)
 * @param forwardBackwardNanos forward pass, loss and backward pass (with a {@link BackwardExchange}, the part of the
 *     exchange that overlaps backward included)
 * @param gradientHookNanos the {@link GradientExchange} (the all-reduce in data-parallel training; the optimiser
 *     overlaps it), or the part of a {@link BackwardExchange} left after backward (its exposed time)
 * @param optimizerNanos the Adam update and the zeroing of the gradients (with an exchange: what is left of the
 *     update after the exchange ends)
 */
public record StepResult(
        double total, double[] perOutput, long forwardBackwardNanos, long gradientHookNanos, long optimizerNanos) {

    public StepResult {
        perOutput = perOutput.clone();
    }

    @Override
    public double[] perOutput() {
        return perOutput.clone();
    }
}
