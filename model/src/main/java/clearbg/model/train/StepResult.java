package clearbg.model.train;

/**
 * The losses of one training step.
 *
 * @param total the summed multi-output BCE
 * @param perOutput the BCE of each output, fused first (seven values)
 */
public record StepResult(double total, double[] perOutput) {

    public StepResult {
        perOutput = perOutput.clone();
    }

    @Override
    public double[] perOutput() {
        return perOutput.clone();
    }
}
