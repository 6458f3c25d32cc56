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
        int h = in.height();
        int ch = in.channels();
        float[] src = in.data();
        float[] out = new float[outW * outH * ch];
        double sy = (double) h / outH;
        double sx = (double) w / outW;
        for (int y = 0; y < outH; y++) {
            double fy = (y + 0.5) * sy - 0.5;
            int y0 = (int) Math.floor(fy);
            double ty = fy - y0;
            for (int x = 0; x < outW; x++) {
                double fx = (x + 0.5) * sx - 0.5;
                int x0 = (int) Math.floor(fx);
                double tx = fx - x0;
                for (int c = 0; c < ch; c++) {
                    double top = (1 - tx) * at(src, w, h, ch, x0, y0, c) + tx * at(src, w, h, ch, x0 + 1, y0, c);
                    double bottom =
                            (1 - tx) * at(src, w, h, ch, x0, y0 + 1, c) + tx * at(src, w, h, ch, x0 + 1, y0 + 1, c);
                    out[(y * outW + x) * ch + c] = (float) ((1 - ty) * top + ty * bottom);
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

    private static double at(float[] src, int w, int h, int ch, int x, int y, int c) {
        if (x < 0 || y < 0 || x >= w || y >= h) {
            return 0.0;
        }
        return src[(y * w + x) * ch + c];
    }
}
