package clearbg.model.metric;

/**
 * Precision, recall and F-measure (Achanta et al., CVPR 2009) with beta^2 = 0.3, as PySODMetrics' {@code Fmeasure}.
 *
 * <p>Curves have 256 points in PySODMetrics' order: point {@code i} binarises the quantised prediction
 * {@code q = trunc(255 p)} at {@code q >= 255 - i}. With {@code TP} the foreground pixels so selected, {@code P} all
 * pixels so selected and {@code T = |g|}: {@code precision = TP / P} (0 when {@code P = 0}),
 * {@code recall = TP / max(T, 1)}, {@code F = (1 + beta^2) precision recall / (beta^2 precision + recall)}
 * (0 when the numerator is 0).
 *
 * <p>Adaptive F: binarise {@code p >= min(2 mean(p), 1)}; with {@code I} the selected foreground pixels,
 * {@code F = 0} if {@code I = 0}, else F of {@code precision = I / selected}, {@code recall = I / T}.
 */
final class FMeasureCurves {

    static final double BETA_SQUARED = 0.3;

    private FMeasureCurves() {}

    static double[] precision(long[] truePositives, long[] positives) {
        double[] out = new double[truePositives.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (double) truePositives[i] / (positives[i] == 0 ? 1 : positives[i]);
        }
        return out;
    }

    static double[] recall(long[] truePositives, long foreground) {
        double[] out = new double[truePositives.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (double) truePositives[i] / Math.max(foreground, 1);
        }
        return out;
    }

    static double[] fMeasure(double[] precision, double[] recall) {
        double[] out = new double[precision.length];
        for (int i = 0; i < out.length; i++) {
            double numerator = (1 + BETA_SQUARED) * precision[i] * recall[i];
            out[i] = numerator / (numerator == 0 ? 1 : BETA_SQUARED * precision[i] + recall[i]);
        }
        return out;
    }

    static double adaptive(long truePositives, long positives, long foreground) {
        if (truePositives == 0) {
            return 0;
        }
        double precision = (double) truePositives / positives;
        double recall = (double) truePositives / foreground;
        return (1 + BETA_SQUARED) * precision * recall / (BETA_SQUARED * precision + recall);
    }
}
