package clearbg.model.predict;

/**
 * How the predictor prepares its input.
 *
 * @param inputSize the side of the square network input (RescaleT; 320 in the original)
 * @param batchSize images per forward pass
 */
public record PredictorSettings(int inputSize, int batchSize) {

    public PredictorSettings {
        if (inputSize < 32) {
            throw new IllegalArgumentException("input size must be at least 32, got " + inputSize);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
    }
}
