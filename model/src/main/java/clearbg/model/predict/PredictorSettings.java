package clearbg.model.predict;

/**
 * How the predictor prepares its input.
 *
 * @param inputSize the side of the square network input (RescaleT; 320 in the original)
 * @param batchSize images per forward pass
 */
public record PredictorSettings(int inputSize, int batchSize) {

    /** The original inference recipe, four images per forward pass. */
    public static final PredictorSettings DEFAULT = new PredictorSettings(320, 4);

    public PredictorSettings {
        if (inputSize < 32) {
            throw new IllegalArgumentException("input size must be at least 32, got " + inputSize);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
    }
}
