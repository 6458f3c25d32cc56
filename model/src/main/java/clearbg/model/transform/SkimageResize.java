package clearbg.model.transform;

import clearbg.model.image.FloatImage;

/**
 * The two resizes of {@code skimage.transform.resize(..., mode='constant')} that U²-Net's RescaleT uses,
 * without anti-aliasing. Output pixel {@code d} along an axis of input length {@code n} and output length
 * {@code m} samples the input at the pixel-centre coordinate {@code s = (d + 0.5) n / m - 0.5}.
 */
final class SkimageResize {

    private SkimageResize() {}

    /**
     * Order 1 (bilinear): {@code v = sum over the 4 neighbours of weight * I}, neighbours outside the image
     * count as 0 ({@code mode='constant', cval=0}), which only affects the border when enlarging.
     * Computed in double, stored as float; channels are resized independently.
     */
    static FloatImage bilinear(FloatImage in, int outW, int outH) {
        int w = in.width();
        int ch = in.channels();
        float[] src = in.data();
        float[] out = new float[outW * outH * ch];
        LinearTaps columns = LinearTaps.of(w, outW, ch);
        LinearTaps rows = LinearTaps.of(in.height(), outH, w * ch);
        for (int y = 0; y < outH; y++) {
            int top0 = rows.first[y];
            int top1 = rows.second[y];
            double ty = rows.fraction[y];
            for (int x = 0; x < outW; x++) {
                int left = columns.first[x];
                int right = columns.second[x];
                double tx = columns.fraction[x];
                int o = (y * outW + x) * ch;
                for (int c = 0; c < ch; c++) {
                    double top = (1 - tx) * at(src, top0, left, c) + tx * at(src, top0, right, c);
                    double bottom = (1 - tx) * at(src, top1, left, c) + tx * at(src, top1, right, c);
                    out[o + c] = (float) ((1 - ty) * top + ty * bottom);
                }
            }
        }
        return FloatImage.of(outW, outH, ch, out);
    }

    /**
     * Order 0 (nearest), values preserved: source index {@code round(s)} with halves rounded up, i.e.
     * {@code floor((d + 0.5) n / m)}, clamped to {@code n - 1} (the clamp never triggers for m, n > 0, it
     * guards rounding of the double product).
     */
    static FloatImage nearest(FloatImage in, int outW, int outH) {
        int w = in.width();
        int ch = in.channels();
        float[] src = in.data();
        float[] out = new float[outW * outH * ch];
        int[] xs = nearestIndices(w, outW);
        int[] ys = nearestIndices(in.height(), outH);
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                System.arraycopy(src, (ys[y] * w + xs[x]) * ch, out, (y * outW + x) * ch, ch);
            }
        }
        return FloatImage.of(outW, outH, ch, out);
    }

    private static int[] nearestIndices(int n, int m) {
        int[] idx = new int[m];
        double scale = (double) n / m;
        for (int d = 0; d < m; d++) {
            idx[d] = Math.min(n - 1, (int) Math.floor((d + 0.5) * scale));
        }
        return idx;
    }

    /** The sample at row offset {@code row} and column offset {@code column}, 0 where either is outside. */
    private static double at(float[] src, int row, int column, int c) {
        return row < 0 || column < 0 ? 0.0 : src[row + column + c];
    }

    /**
     * Along one axis of input length {@code n} and output length {@code m}: per output index the offsets
     * (index times {@code stride}) of the two neighbours {@code floor(s)} and {@code floor(s) + 1} of the
     * sample coordinate {@code s = (d + 0.5) n / m - 0.5}, -1 for a neighbour outside the image, and the
     * fraction {@code s - floor(s)}.
     */
    private record LinearTaps(int[] first, int[] second, double[] fraction) {

        static LinearTaps of(int n, int m, int stride) {
            double scale = (double) n / m;
            int[] first = new int[m];
            int[] second = new int[m];
            double[] fraction = new double[m];
            for (int d = 0; d < m; d++) {
                double s = (d + 0.5) * scale - 0.5;
                int i = (int) Math.floor(s);
                first[d] = offset(i, n, stride);
                second[d] = offset(i + 1, n, stride);
                fraction[d] = s - i;
            }
            return new LinearTaps(first, second, fraction);
        }

        private static int offset(int index, int n, int stride) {
            return index < 0 || index >= n ? -1 : index * stride;
        }
    }
}
