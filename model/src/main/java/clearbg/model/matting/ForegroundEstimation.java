package clearbg.model.matting;

/**
 * Foreground colours for an alpha matte by multi-level estimation (Germer, Uelwer, Conrad and Harmeling 2020),
 * as pymatting's {@code estimate_foreground_ml(image, alpha)} with its defaults (regularisation 1e-5, 10
 * iterations on levels up to 32x32, 2 above, gradient weight 1), in float32: start from the mean colours of the
 * sure foreground ({@code alpha > 0.9}) and background ({@code alpha < 0.1}); on {@code ceil(log2(max(w, h)))
 * + 1} levels of size {@code round(w^(l/L)) x round(h^(l/L))} (nearest-neighbour resizes of the image, the
 * matte and the previous level's estimates) solve per pixel the 2x2 system that keeps
 * {@code alpha F + (1 - alpha) B} at the pixel's colour and F, B close to the four neighbours' (weighted by
 * the regularisation plus the matte's gradient), clipped to 0..1. pymatting runs the rows of a sweep in
 * parallel; here they run in order, so estimates can differ slightly where rows influence each other.
 */
public final class ForegroundEstimation {

    private static final float REGULARIZATION = 1e-5f;
    private static final int SMALL_ITERATIONS = 10;
    private static final int BIG_ITERATIONS = 2;
    private static final int SMALL_SIZE = 32;
    private static final float GRADIENT_WEIGHT = 1f;
    private static final int[] DX = {-1, 1, 0, 0};
    private static final int[] DY = {0, 0, -1, 1};

    private ForegroundEstimation() {}

    /**
     * The foreground colours (HWC, 0..1) of {@code rgb} (HWC, 0..1) under {@code alpha}, polling {@code stop}
     * before each sweep.
     *
     * @throws MattingStoppedException when {@code stop} gave a reason first
     */
    public static float[] foreground(float[] rgb, float[] alpha, int w0, int h0, MattingStop stop) {
        float[] fMean = new float[3];
        float[] bMean = new float[3];
        int fCount = 0;
        int bCount = 0;
        for (int i = 0; i < w0 * h0; i++) {
            if (alpha[i] > 0.9f) {
                for (int c = 0; c < 3; c++) {
                    fMean[c] += rgb[i * 3 + c];
                }
                fCount++;
            }
            if (alpha[i] < 0.1f) {
                for (int c = 0; c < 3; c++) {
                    bMean[c] += rgb[i * 3 + c];
                }
                bCount++;
            }
        }
        for (int c = 0; c < 3; c++) {
            fMean[c] /= fCount + 1e-5f;
            bMean[c] /= bCount + 1e-5f;
        }
        float[] fPrev = fMean.clone();
        float[] bPrev = bMean.clone();
        int wPrev = 1;
        int hPrev = 1;
        int largest = Math.max(w0, h0);
        int levels = Math.max(1, 32 - Integer.numberOfLeadingZeros(largest - 1)); // ceil(log2(largest))
        for (int level = 0; level <= levels; level++) {
            int w = (int) Math.rint(Math.pow(w0, (double) level / levels));
            int h = (int) Math.rint(Math.pow(h0, (double) level / levels));
            float[] image = resize(rgb, w0, h0, 3, w, h);
            float[] a = resize(alpha, w0, h0, 1, w, h);
            float[] f = resize(fPrev, wPrev, hPrev, 3, w, h);
            float[] b = resize(bPrev, wPrev, hPrev, 3, w, h);
            int iterations = w <= SMALL_SIZE && h <= SMALL_SIZE ? SMALL_ITERATIONS : BIG_ITERATIONS;
            for (int it = 0; it < iterations; it++) {
                stop.check();
                sweep(image, a, f, b, w, h);
            }
            fPrev = f;
            bPrev = b;
            wPrev = w;
            hPrev = h;
        }
        return fPrev;
    }

    private static void sweep(float[] image, float[] alpha, float[] f, float[] b, int w, int h) {
        float[] b0 = new float[3];
        float[] b1 = new float[3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float a0 = alpha[i];
                float a1 = 1f - a0;
                float a00 = a0 * a0;
                float a01 = a0 * a1;
                float a11 = a1 * a1;
                for (int c = 0; c < 3; c++) {
                    b0[c] = a0 * image[i * 3 + c];
                    b1[c] = a1 * image[i * 3 + c];
                }
                for (int d = 0; d < 4; d++) {
                    int x2 = Math.max(0, Math.min(w - 1, x + DX[d]));
                    int y2 = Math.max(0, Math.min(h - 1, y + DY[d]));
                    int j = y2 * w + x2;
                    float gradient = Math.abs(a0 - alpha[j]);
                    float da = REGULARIZATION + GRADIENT_WEIGHT * gradient;
                    a00 += da;
                    a11 += da;
                    for (int c = 0; c < 3; c++) {
                        b0[c] += da * f[j * 3 + c];
                        b1[c] += da * b[j * 3 + c];
                    }
                }
                float invDet = 1f / (a00 * a11 - a01 * a01);
                float m00 = invDet * a11;
                float m01 = invDet * -a01;
                float m11 = invDet * a00;
                for (int c = 0; c < 3; c++) {
                    f[i * 3 + c] = Math.max(0f, Math.min(1f, m00 * b0[c] + m01 * b1[c]));
                    b[i * 3 + c] = Math.max(0f, Math.min(1f, m01 * b0[c] + m11 * b1[c]));
                }
            }
        }
    }

    /** Nearest-neighbour resize as pymatting's: source index {@code dst * src_size // dst_size}. */
    private static float[] resize(float[] src, int ws, int hs, int depth, int wd, int hd) {
        float[] dst = new float[wd * hd * depth];
        for (int y = 0; y < hd; y++) {
            int ys = Math.max(0, Math.min(hs - 1, (int) ((long) y * hs / hd)));
            for (int x = 0; x < wd; x++) {
                int xs = Math.max(0, Math.min(ws - 1, (int) ((long) x * ws / wd)));
                System.arraycopy(src, (ys * ws + xs) * depth, dst, (y * wd + x) * depth, depth);
            }
        }
        return dst;
    }
}
