package clearbg.model.metric;

/**
 * Structure measure (Fan et al., ICCV 2017) with alpha = 0.5, as PySODMetrics' {@code Smeasure}.
 *
 * <p>With {@code y = mean(g)}: {@code S = 1 - mean(p)} if {@code y == 0}; {@code S = mean(p)} if {@code y == 1};
 * otherwise {@code S = max(0, alpha * So + (1 - alpha) * Sr)} where
 * <ul>
 *   <li>object score {@code So = y * O(p[g]) + (1 - y) * O((1 - p)[!g])},
 *       {@code O(x) = 2 mean(x) / (mean(x)^2 + 1 + std(x) + eps)}, std with ddof 1 (0 for one pixel);</li>
 *   <li>region score {@code Sr}: split at the rounded foreground centroid {@code (cy, cx)} plus one into four
 *       quadrants weighted by their area fraction, each scored by
 *       {@code ssim = 4 mx my sxy / ((mx^2 + my^2)(sx + sy) + eps)} (1 if numerator and denominator are both 0,
 *       0 if only the numerator is), variances over {@code N - 1 + eps}.</li>
 * </ul>
 * As in the reference, an empty quadrant (the centroid rounds onto the last row or column, e.g. any one-row image)
 * has a NaN mean, which makes S NaN. {@code eps = 2^-52}.
 */
final class SMeasure {

    static final double ALPHA = 0.5;
    private static final double EPS = Math.ulp(1.0);

    private SMeasure() {}

    static double of(PreparedPair pair) {
        int n = pair.size();
        if (pair.foreground == 0) {
            return 1 - pair.meanPrediction();
        }
        if (pair.foreground == n) {
            return pair.meanPrediction();
        }
        double objectScore = object(pair) * ALPHA;
        double regionScore = region(pair) * (1 - ALPHA);
        return Math.max(0, objectScore + regionScore);
    }

    private static double object(PreparedPair pair) {
        double gtMean = (double) pair.foreground / pair.size();
        double[] inverted = new double[pair.size()];
        for (int i = 0; i < inverted.length; i++) {
            inverted[i] = 1 - pair.pred[i];
        }
        double fgScore = objectSimilarity(pair.select(pair.pred, true)) * gtMean;
        double bgScore = objectSimilarity(pair.select(inverted, false)) * (1 - gtMean);
        return fgScore + bgScore;
    }

    private static double objectSimilarity(double[] x) {
        double mean = PairwiseSum.sum(x) / x.length;
        double std = 0;
        if (x.length > 1) {
            double[] sq = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double d = x[i] - mean;
                sq[i] = d * d;
            }
            std = Math.sqrt(PairwiseSum.sum(sq) / (x.length - 1));
        }
        return 2 * mean / (mean * mean + 1 + std + EPS);
    }

    private static double region(PreparedPair pair) {
        int w = pair.width;
        int h = pair.height;
        long area = (long) h * w;
        double sumY = 0;
        double sumX = 0;
        for (int i = 0; i < pair.size(); i++) {
            if (pair.gt[i]) {
                sumY += i / w;
                sumX += i % w;
            }
        }
        int cy = (int) Math.rint(sumY / pair.foreground) + 1;
        int cx = (int) Math.rint(sumX / pair.foreground) + 1;
        double wLt = (double) ((long) cx * cy) / area;
        double wRt = (double) ((long) cy * (w - cx)) / area;
        double wLb = (double) ((long) (h - cy) * cx) / area;
        double wRb = 1 - wLt - wRt - wLb;
        return ssim(pair, 0, cy, 0, cx) * wLt
                + ssim(pair, 0, cy, cx, w) * wRt
                + ssim(pair, cy, h, 0, cx) * wLb
                + ssim(pair, cy, h, cx, w) * wRb;
    }

    private static double ssim(PreparedPair pair, int y0, int y1, int x0, int x1) {
        int w = pair.width;
        int cols = x1 - x0;
        int n = (y1 - y0) * cols;
        int fg = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                if (pair.gt[y * w + x]) {
                    fg++;
                }
            }
        }
        double mx = PairwiseSum.blockSum(pair.pred, w, y0, y1, x0, x1) / n;
        double my = (double) fg / n;
        double[] dxx = new double[n];
        double[] dyy = new double[n];
        double[] dxy = new double[n];
        int k = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                double dx = pair.pred[y * w + x] - mx;
                double dy = (pair.gt[y * w + x] ? 1.0 : 0.0) - my;
                dxx[k] = dx * dx;
                dyy[k] = dy * dy;
                dxy[k] = dx * dy;
                k++;
            }
        }
        double denom = n - 1 + EPS;
        double sx = PairwiseSum.sum(dxx) / denom;
        double sy = PairwiseSum.sum(dyy) / denom;
        double sxy = PairwiseSum.sum(dxy) / denom;
        double alpha = 4 * mx * my * sxy;
        double beta = (mx * mx + my * my) * (sx + sy);
        if (alpha != 0) {
            return alpha / (beta + EPS);
        }
        return beta == 0 ? 1 : 0;
    }
}
