package clearbg.model.transform;

import clearbg.model.image.FloatImage;

/**
 * Resizes float maps like Pillow's {@code Image.resize(size, Image.BILINEAR)} on a mode "F" image: a
 * separable triangle filter whose support grows with the shrink factor (antialiased when shrinking,
 * ordinary bilinear with edge clamping when enlarging).
 *
 * <p>Along an axis of input length {@code n} and output length {@code m}: {@code scale = n / m},
 * {@code fs = max(scale, 1)}, {@code support = fs}. Output index {@code d} has centre
 * {@code c = (d + 0.5) * scale}, taps {@code j} from {@code max(0, (int) (c - support + 0.5))} to
 * {@code min(n, (int) (c + support + 0.5)) - 1}, weights {@code t((j - c + 0.5) * (1 / fs))} with
 * {@code t(u) = max(0, 1 - |u|)}, normalised to sum 1. Pillow applies the horizontal pass first and keeps
 * the intermediate as float32, then the vertical pass; sums are in double. This does the same, so results
 * agree to float rounding.
 */
public final class Resampler {

    private Resampler() {}

    /** Resizes every channel of {@code in} to {@code width x height}. */
    public static FloatImage bilinear(FloatImage in, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
        }
        FloatImage horizontal = in.width() == width ? in : resizeRows(in, width);
        return in.height() == height ? horizontal : resizeColumns(horizontal, height);
    }

    private static FloatImage resizeRows(FloatImage in, int outW) {
        Taps taps = Taps.of(in.width(), outW);
        int ch = in.channels();
        float[] src = in.data();
        float[] out = new float[outW * in.height() * ch];
        for (int y = 0; y < in.height(); y++) {
            int rowBase = y * in.width();
            for (int x = 0; x < outW; x++) {
                for (int c = 0; c < ch; c++) {
                    double sum = 0;
                    for (int k = 0; k < taps.count[x]; k++) {
                        sum += src[(rowBase + taps.first[x] + k) * ch + c] * taps.weights[x][k];
                    }
                    out[(y * outW + x) * ch + c] = (float) sum;
                }
            }
        }
        return FloatImage.of(outW, in.height(), ch, out);
    }

    private static FloatImage resizeColumns(FloatImage in, int outH) {
        Taps taps = Taps.of(in.height(), outH);
        int w = in.width();
        int ch = in.channels();
        float[] src = in.data();
        float[] out = new float[w * outH * ch];
        for (int y = 0; y < outH; y++) {
            for (int i = 0; i < w * ch; i++) {
                double sum = 0;
                for (int k = 0; k < taps.count[y]; k++) {
                    sum += src[(taps.first[y] + k) * w * ch + i] * taps.weights[y][k];
                }
                out[y * w * ch + i] = (float) sum;
            }
        }
        return FloatImage.of(w, outH, ch, out);
    }

    /** Per output index: first input index, number of taps, normalised weights. */
    private record Taps(int[] first, int[] count, double[][] weights) {

        static Taps of(int n, int m) {
            double scale = (double) n / m;
            double fs = Math.max(scale, 1.0);
            double support = fs;
            int[] first = new int[m];
            int[] count = new int[m];
            double[][] weights = new double[m][];
            for (int d = 0; d < m; d++) {
                double centre = (d + 0.5) * scale;
                int lo = Math.max(0, (int) (centre - support + 0.5));
                int hi = Math.min(n, (int) (centre + support + 0.5));
                double[] w = new double[Math.max(0, hi - lo)];
                double inverse = 1.0 / fs;
                double total = 0;
                for (int k = 0; k < w.length; k++) {
                    w[k] = Math.max(0.0, 1.0 - Math.abs((lo + k - centre + 0.5) * inverse));
                    total += w[k];
                }
                if (total != 0) {
                    for (int k = 0; k < w.length; k++) {
                        w[k] /= total;
                    }
                }
                first[d] = lo;
                count[d] = w.length;
                weights[d] = w;
            }
            return new Taps(first, count, weights);
        }
    }
}
