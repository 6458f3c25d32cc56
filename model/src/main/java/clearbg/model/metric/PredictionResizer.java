package clearbg.model.metric;

/**
 * Resizes an 8-bit grey prediction as {@code cv2.resize(pred, (w, h), interpolation=cv2.INTER_LINEAR)} does in
 * OpenCV 4.x on x86 (the reference SOD evaluation scripts resize predictions to the ground truth's size this way),
 * bit for bit, including OpenCV's fixed-point arithmetic:
 *
 * <ul>
 *   <li>source coordinate {@code f = (float) ((d + 0.5) * scale - 0.5)} with {@code scale = 1 / (dst / src)},
 *       {@code s = floor(f)}, weight {@code t = f - s} (float). Horizontally, outside the image the tap is
 *       clamped to the edge pixel with {@code t = 0}; vertically the weight is kept and the two source rows
 *       {@code s, s + 1} are clamped into the image (so edge rows blend a row with itself, which rounds
 *       differently);</li>
 *   <li>weights in 11-bit fixed point: {@code a0 = rint((1 - t) * 2048)}, {@code a1 = rint(t * 2048)};</li>
 *   <li>horizontal pass: {@code H = S[s] * a0 + S[s + 1] * a1} (exact integers);</li>
 *   <li>vertical pass, OpenCV's SIMD form (which OpenCV 4.14 applies to every pixel, verified on random sizes
 *       down to width 2): {@code ((((H0 >> 4) * b0) >> 16) + (((H1 >> 4) * b1) >> 16) + 2) >> 2},
 *       clamped to 0..255;</li>
 *   <li>same size: a copy; exact 2x downscale in both directions: OpenCV switches to area averaging,
 *       {@code (a + b + c + d + 2) >> 2}.</li>
 * </ul>
 */
public final class PredictionResizer {

    private static final int COEF_SCALE = 1 << 11;

    private PredictionResizer() {}

    public static GreyImage resize(GreyImage src, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("target size must be at least 1x1, got " + width + "x" + height);
        }
        int sw = src.width();
        int sh = src.height();
        if (sw == width && sh == height) {
            return src;
        }
        double scaleX = 1.0 / ((double) width / sw);
        double scaleY = 1.0 / ((double) height / sh);
        if (isExactly(scaleX, 2) && isExactly(scaleY, 2)) {
            return halve(src, width, height);
        }
        Taps xs = Taps.of(width, sw, scaleX, true);
        Taps ys = Taps.of(height, sh, scaleY, false);
        int[] row0 = new int[width];
        int[] row1 = new int[width];
        byte[] out = new byte[width * height];
        for (int dy = 0; dy < height; dy++) {
            int sy = ys.index[dy];
            horizontal(src, clamp(sy, sh), xs, row0);
            horizontal(src, clamp(sy + 1, sh), xs, row1);
            int b0 = ys.w0[dy];
            int b1 = ys.w1[dy];
            for (int dx = 0; dx < width; dx++) {
                int v = (((row0[dx] >> 4) * b0 >> 16) + ((row1[dx] >> 4) * b1 >> 16) + 2) >> 2;
                out[dy * width + dx] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return new GreyImage(width, height, out);
    }

    private static int clamp(int i, int len) {
        return Math.max(0, Math.min(len - 1, i));
    }

    private static boolean isExactly(double scale, int value) {
        return Math.abs(scale - Math.rint(scale)) < Math.ulp(1.0) && Math.rint(scale) == value;
    }

    private static GreyImage halve(GreyImage src, int width, int height) {
        byte[] out = new byte[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int sum = src.value(2 * x, 2 * y)
                        + src.value(2 * x + 1, 2 * y)
                        + src.value(2 * x, 2 * y + 1)
                        + src.value(2 * x + 1, 2 * y + 1);
                out[y * width + x] = (byte) ((sum + 2) >> 2);
            }
        }
        return new GreyImage(width, height, out);
    }

    private static void horizontal(GreyImage src, int sy, Taps xs, int[] row) {
        int sw = src.width();
        for (int dx = 0; dx < row.length; dx++) {
            int sx = xs.index[dx];
            int right = xs.w1[dx] == 0 ? 0 : src.value(Math.min(sx + 1, sw - 1), sy) * xs.w1[dx];
            row[dx] = src.value(sx, sy) * xs.w0[dx] + right;
        }
    }

    /** Source index and fixed-point weights of each output coordinate along one axis. */
    private record Taps(int[] index, int[] w0, int[] w1) {

        static Taps of(int dstLen, int srcLen, double scale, boolean clampToEdge) {
            int[] index = new int[dstLen];
            int[] w0 = new int[dstLen];
            int[] w1 = new int[dstLen];
            for (int d = 0; d < dstLen; d++) {
                float f = (float) ((d + 0.5) * scale - 0.5);
                int s = (int) Math.floor(f);
                f -= s;
                if (clampToEdge && s < 0) {
                    f = 0;
                    s = 0;
                }
                if (clampToEdge && s >= srcLen - 1) {
                    f = 0;
                    s = srcLen - 1;
                }
                index[d] = s;
                w0[d] = (int) Math.rint((1.0f - f) * COEF_SCALE);
                w1[d] = (int) Math.rint(f * COEF_SCALE);
            }
            return new Taps(index, w0, w1);
        }
    }
}
