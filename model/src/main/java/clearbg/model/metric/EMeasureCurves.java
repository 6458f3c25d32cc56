package clearbg.model.metric;

/**
 * Enhanced-alignment measure (Fan et al., IJCAI 2018) of a binarised prediction, as PySODMetrics' {@code Emeasure}.
 *
 * <p>For a binary map b and ground truth g over N pixels, with {@code mb = |b| / N}, {@code mg = |g| / N}, each
 * pixel's pair of demeaned values {@code (b - mb, g - mg)} gives the alignment {@code A = 2 u v / (u^2 + v^2 + eps)}
 * and enhanced alignment {@code (A + 1)^2 / 4}; only four pixel kinds exist (b/g each 0 or 1), so the sum is four
 * counts times four values. Special cases: if {@code |g| = 0} the sum is the number of pixels with b = 0; if
 * {@code |g| = N} it is {@code |b|}. {@code E = sum / (N - 1 + eps)} (so a 1x1 image gives 0 or 1/eps, as in the
 * reference).
 *
 * <p>Curve point {@code i} binarises {@code trunc(255 p) >= 255 - i} (as {@link FMeasureCurves}); the adaptive
 * E binarises {@code p >= min(2 mean(p), 1)}.
 */
final class EMeasureCurves {

    private static final double EPS = Math.ulp(1.0);

    private EMeasureCurves() {}

    static double[] curve(long[] truePositives, long[] falsePositives, long foreground, long pixels) {
        double[] out = new double[truePositives.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = of(truePositives[i], falsePositives[i], foreground, pixels);
        }
        return out;
    }

    /**
     * @param fgFg pixels with b = 1, g = 1
     * @param fgBg pixels with b = 1, g = 0
     */
    static double of(long fgFg, long fgBg, long foreground, long pixels) {
        long predFg = fgFg + fgBg;
        long predBg = pixels - predFg;
        double enhancedSum;
        if (foreground == 0) {
            enhancedSum = predBg;
        } else if (foreground == pixels) {
            enhancedSum = predFg;
        } else {
            long bgFg = foreground - fgFg;
            long bgBg = predBg - bgFg;
            double meanPred = (double) predFg / pixels;
            double meanGt = (double) foreground / pixels;
            double predHigh = 1 - meanPred;
            double predLow = 0 - meanPred;
            double gtHigh = 1 - meanGt;
            double gtLow = 0 - meanGt;
            enhancedSum = 0.0;
            enhancedSum += enhanced(predHigh, gtHigh) * fgFg;
            enhancedSum += enhanced(predHigh, gtLow) * fgBg;
            enhancedSum += enhanced(predLow, gtHigh) * bgFg;
            enhancedSum += enhanced(predLow, gtLow) * bgBg;
        }
        return enhancedSum / (pixels - 1 + EPS);
    }

    private static double enhanced(double u, double v) {
        double align = 2 * (u * v) / (u * u + v * v + EPS);
        double shifted = align + 1;
        return shifted * shifted / 4;
    }
}
