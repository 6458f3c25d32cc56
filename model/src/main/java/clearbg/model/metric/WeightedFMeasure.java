package clearbg.model.metric;

/**
 * Weighted F-measure (Margolin, Zelnik-Manor and Tal, CVPR 2014) with beta = 1, as PySODMetrics'
 * {@code WeightedFmeasure} (a port of the authors' MATLAB code). 0 when the ground truth has no foreground.
 *
 * <pre>
 *   E      = |p - g|
 *   Et     = E, except on background pixels: E at the nearest foreground pixel (EDT indices, scipy's tie rule)
 *   EA     = Gaussian(7x7, sigma 5, zero border) * Et
 *   MinE   = EA where (g and EA &lt; E), else E
 *   B      = 1 on foreground, 2 - exp(ln(0.5) / 5 * dist) on background (dist = distance to the foreground)
 *   Ew     = MinE * B
 *   TPw    = |g| - sum(Ew[g]),   FPw = sum(Ew[!g])
 *   R      = 1 - mean(Ew[g]),    P = TPw / (TPw + FPw + eps)
 *   Fw     = (1 + beta) R P / (R + beta P + eps)
 * </pre>
 */
final class WeightedFMeasure {

    static final double BETA = 1;
    private static final double EPS = Math.ulp(1.0);
    private static final GaussianFilter GAUSSIAN = new GaussianFilter(7, 5);
    private static final double DECAY = Math.log(0.5) / 5;

    /** {@code B} of a background pixel at squared distance d2, for d2 below the table's length (the most common). */
    private static final double[] BACKGROUND_WEIGHT = new double[1 << 16];

    static {
        for (int d2 = 0; d2 < BACKGROUND_WEIGHT.length; d2++) {
            BACKGROUND_WEIGHT[d2] = backgroundWeight(d2);
        }
    }

    private WeightedFMeasure() {}

    static double of(PreparedPair pair) {
        if (pair.foreground == 0) {
            return 0;
        }
        int n = pair.size();
        int w = pair.width;
        int[] nearest = EuclideanDistanceTransform.nearestSeed(pair.gt, w, pair.height);
        double[] error = new double[n];
        for (int i = 0; i < n; i++) {
            error[i] = Math.abs(pair.pred[i] - (pair.gt[i] ? 1.0 : 0.0));
        }
        double[] transported = new double[n];
        for (int i = 0; i < n; i++) {
            transported[i] = pair.gt[i] ? error[i] : error[nearest[i]];
        }
        double[] blurred = GAUSSIAN.apply(transported, w, pair.height);
        double[] weighted = new double[n];
        for (int i = 0; i < n; i++) {
            if (pair.gt[i]) {
                weighted[i] = blurred[i] < error[i] ? blurred[i] : error[i];
            } else {
                long d2 = EuclideanDistanceTransform.squaredDistance(i, nearest[i], w);
                weighted[i] =
                        error[i] * (d2 < BACKGROUND_WEIGHT.length ? BACKGROUND_WEIGHT[(int) d2] : backgroundWeight(d2));
            }
        }
        double fgSum = PairwiseSum.sum(pair.select(weighted, true));
        double bgSum = PairwiseSum.sum(pair.select(weighted, false));
        double tpw = pair.foreground - fgSum;
        double recall = 1 - fgSum / pair.foreground;
        double precision = tpw / (tpw + bgSum + EPS);
        return (1 + BETA) * recall * precision / (recall + BETA * precision + EPS);
    }

    /** {@code 2 - exp(ln(0.5) / 5 * sqrt(d2))}. */
    private static double backgroundWeight(long d2) {
        return 2 - Math.exp(DECAY * Math.sqrt(d2));
    }
}
