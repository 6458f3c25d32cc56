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
        if (prediction.width() != groundTruth.width() || prediction.height() != groundTruth.height()) {
            throw new IllegalArgumentException("prediction " + prediction.width() + "x" + prediction.height()
                    + " and ground truth " + groundTruth.width() + "x" + groundTruth.height()
                    + " differ in size; resize the prediction first (PredictionResizer)");
        }
        int n = prediction.size();
        double[] pred = new double[n];
        boolean[] gt = new boolean[n];
        int foreground = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double p = prediction.value(i) / 255.0;
            pred[i] = p;
            min = Math.min(min, p);
            max = Math.max(max, p);
            gt[i] = groundTruth.value(i) > 128;
            if (gt[i]) {
                foreground++;
            }
        }
        if (max != min) {
            double range = max - min;
            for (int i = 0; i < n; i++) {
                pred[i] = (pred[i] - min) / range;
            }
        }
        return new PreparedPair(prediction.width(), prediction.height(), pred, gt, foreground);
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
