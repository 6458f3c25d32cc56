package clearbg.model.metric;

/**
 * A prediction and ground truth prepared as PySODMetrics' {@code prepare_data} does.
 *
 * <ul>
 *   <li>ground truth: {@code g = gt > 128};</li>
 *   <li>prediction: {@code p = v / 255}; if {@code max(p) != min(p)} then
 *       {@code p = (p - min(p)) / (max(p) - min(p))}, otherwise (a constant prediction) {@code p} stays
 *       {@code v / 255}. The arithmetic is done in that order, in doubles, so values agree bit for bit.</li>
 * </ul>
 * Package-private: arrays are shared, never exposed.
 */
final class PreparedPair {

    final int width;
    final int height;
    final double[] pred;
    final boolean[] gt;
    final int foreground;

    private PreparedPair(int width, int height, double[] pred, boolean[] gt, int foreground) {
        this.width = width;
        this.height = height;
        this.pred = pred;
        this.gt = gt;
        this.foreground = foreground;
    }

    static PreparedPair of(GreyImage prediction, GreyImage groundTruth) {
        requireSameSize(prediction, groundTruth);
        int n = prediction.size();
        byte[] predPixels = prediction.pixels();
        byte[] gtPixels = groundTruth.pixels();
        double[] table = levelValues(predPixels);
        double[] pred = new double[n];
        boolean[] gt = new boolean[n];
        int foreground = 0;
        for (int i = 0; i < n; i++) {
            pred[i] = table[predPixels[i] & 0xff];
            boolean object = (gtPixels[i] & 0xff) > 128;
            gt[i] = object;
            if (object) {
                foreground++;
            }
        }
        return new PreparedPair(prediction.width(), prediction.height(), pred, gt, foreground);
    }

    /** Refuses maps of different sizes. */
    static void requireSameSize(GreyImage prediction, GreyImage groundTruth) {
        if (prediction.width() != groundTruth.width() || prediction.height() != groundTruth.height()) {
            throw new IllegalArgumentException("prediction " + prediction.width() + "x" + prediction.height()
                    + " and ground truth " + groundTruth.width() + "x" + groundTruth.height()
                    + " differ in size; resize the prediction first (PredictionResizer)");
        }
    }

    /**
     * The prepared value of each 8-bit level of a prediction: every pixel of one level normalises to the same
     * double, so this 256-entry table gives exactly the per-pixel values ({@code p = v / 255}, then
     * {@code (p - min) / (max - min)} when {@code max != min}).
     */
    static double[] levelValues(byte[] predPixels) {
        int minLevel = 255;
        int maxLevel = 0;
        for (byte value : predPixels) {
            int level = value & 0xff;
            minLevel = Math.min(minLevel, level);
            maxLevel = Math.max(maxLevel, level);
        }
        double min = minLevel / 255.0;
        double range = maxLevel / 255.0 - min;
        double[] table = new double[256];
        for (int level = 0; level < 256; level++) {
            double p = level / 255.0;
            table[level] = maxLevel != minLevel ? (p - min) / range : p;
        }
        return table;
    }

    int size() {
        return pred.length;
    }

    /** {@code mean(pred)} as {@code np.mean}: pairwise sum divided by the pixel count. */
    double meanPrediction() {
        return PairwiseSum.sum(pred) / pred.length;
    }

    /** Values of {@code values} where {@code gt == wanted}, in row-major order (NumPy boolean indexing). */
    double[] select(double[] values, boolean wanted) {
        double[] out = new double[wanted ? foreground : size() - foreground];
        int k = 0;
        for (int i = 0; i < values.length; i++) {
            if (gt[i] == wanted) {
                out[k++] = values[i];
            }
        }
        return out;
    }
}
