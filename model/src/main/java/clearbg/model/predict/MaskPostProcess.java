package clearbg.model.predict;

/**
 * rembg's {@code post_process_mask} ({@code ppm}, rembg 2.0.86), reproduced on 8-bit masks:
 *
 * <ol>
 *   <li>morphological opening (erosion, then dilation) with scikit-image's {@code disk(1)}, the cross
 *       {@code [[0,1,0],[1,1,1],[0,1,0]]}; at the border the image is mirrored, which for this element is
 *       the same as ignoring the pixels outside;
 *   <li>SciPy's {@code gaussian_filter(mask.astype(float64), sigma=2)}: the 17-tap kernel
 *       {@code w_x = exp(-x^2 / (2 sigma^2)) / sum}, {@code x = -8..8} (truncated at 4 sigma), applied along
 *       the columns, then along the rows, in doubles, each output summed as SciPy's {@code correlate1d}
 *       sums a symmetric kernel ({@code w_0 p_0 + sum_{x=1..8} w_x (p_{-x} + p_x)}); borders mirrored with
 *       the edge repeated ({@code mode='reflect'});
 *   <li>threshold: {@code 0} below 127, {@code 255} from 127 on.
 * </ol>
 */
public final class MaskPostProcess {

    private static final double SIGMA = 2.0;
    private static final int RADIUS = (int) (4 * SIGMA + 0.5);
    private static final double THRESHOLD = 127;
    private static final double[] KERNEL = kernel();

    private MaskPostProcess() {}

    /** The post-processed mask (a new image; {@code mask} is not changed). */
    public static MaskImage apply(MaskImage mask) {
        int w = mask.width();
        int h = mask.height();
        int[] pixels = new int[w * h];
        byte[] values = mask.values();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = values[i] & 0xff;
        }
        int[] opened = crossFilter(crossFilter(pixels, w, h, true), w, h, false);
        double[] image = new double[opened.length];
        for (int i = 0; i < image.length; i++) {
            image[i] = opened[i];
        }
        double[] blurred = blurRows(blurColumns(image, w, h), w, h);
        byte[] out = new byte[w * h];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (blurred[i] < THRESHOLD ? 0 : 255);
        }
        return new MaskImage(w, h, out);
    }

    /** Minimum ({@code erode}) or maximum over the pixel and its four neighbours inside the image. */
    private static int[] crossFilter(int[] in, int w, int h, boolean erode) {
        int[] out = new int[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int v = in[i];
                if (x > 0) {
                    v = pick(v, in[i - 1], erode);
                }
                if (x < w - 1) {
                    v = pick(v, in[i + 1], erode);
                }
                if (y > 0) {
                    v = pick(v, in[i - w], erode);
                }
                if (y < h - 1) {
                    v = pick(v, in[i + w], erode);
                }
                out[i] = v;
            }
        }
        return out;
    }

    private static int pick(int a, int b, boolean min) {
        return min ? Math.min(a, b) : Math.max(a, b);
    }

    private static double[] blurColumns(double[] in, int w, int h) {
        double[] out = new double[in.length];
        double[] line = new double[h];
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                line[y] = in[y * w + x];
            }
            for (int y = 0; y < h; y++) {
                out[y * w + x] = correlate(line, y);
            }
        }
        return out;
    }

    private static double[] blurRows(double[] in, int w, int h) {
        double[] out = new double[in.length];
        double[] line = new double[w];
        for (int y = 0; y < h; y++) {
            System.arraycopy(in, y * w, line, 0, w);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = correlate(line, x);
            }
        }
        return out;
    }

    /** SciPy's symmetric correlation at {@code i}: {@code w_0 p_i}, then {@code + (p_{i-x} + p_{i+x}) w_x}. */
    private static double correlate(double[] line, int i) {
        double sum = line[i] * KERNEL[RADIUS];
        for (int x = RADIUS; x >= 1; x--) {
            sum += (line[reflect(i - x, line.length)] + line[reflect(i + x, line.length)]) * KERNEL[RADIUS - x];
        }
        return sum;
    }

    /** SciPy's {@code mode='reflect'}: {@code -1 -> 0}, {@code n -> n - 1}, repeating with period {@code 2n}. */
    static int reflect(int i, int n) {
        int period = 2 * n;
        int j = Math.floorMod(i, period);
        return j < n ? j : period - 1 - j;
    }

    /** {@code exp(-0.5 / sigma^2 * x^2)} for {@code x = -8..8}, divided by its sum (NumPy's pairwise sum). */
    private static double[] kernel() {
        double[] phi = new double[2 * RADIUS + 1];
        double sigma2 = SIGMA * SIGMA;
        for (int i = 0; i < phi.length; i++) {
            double x = i - RADIUS;
            phi[i] = Math.exp(-0.5 / sigma2 * (x * x));
        }
        double sum = numpyPairwiseSum(phi);
        for (int i = 0; i < phi.length; i++) {
            phi[i] /= sum;
        }
        return phi;
    }

    /** NumPy's sum of 8 to 128 doubles: eight interleaved partial sums combined pairwise, then the rest. */
    private static double numpyPairwiseSum(double[] v) {
        double[] r = new double[8];
        System.arraycopy(v, 0, r, 0, 8);
        int i = 8;
        for (; i < v.length - v.length % 8; i += 8) {
            for (int k = 0; k < 8; k++) {
                r[k] += v[i + k];
            }
        }
        double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < v.length; i++) {
            sum += v[i];
        }
        return sum;
    }
}
