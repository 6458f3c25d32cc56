package clearbg.model.predict;

/**
 * rembg's {@code post_process_mask} ({@code ppm}), reproduced on 8-bit masks:
 *
 * <ol>
 *   <li>morphological opening (erosion, then dilation) with OpenCV's 3x3 elliptical element, the cross
 *       {@code [[0,1,0],[1,1,1],[0,1,0]]}; pixels outside the image are ignored, as OpenCV's default border
 *       value for morphology does;
 *   <li>Gaussian blur with a 5x5 kernel, sigma 2, borders reflected without repeating the edge
 *       ({@code BORDER_REFLECT_101}), in OpenCV's bit-exact fixed point for 8-bit images: the kernel
 *       {@code k_i = exp(-(i-2)^2 / (2 sigma^2)) / sum} rounded to multiples of 1/256 ({@code [39, 57, 64,
 *       57, 39] / 256}), rows first ({@code r = sum k_i p_i}, exact in units of 1/256), then columns, then
 *       {@code out = (sum k_j r_j + 2^15) >> 16};
 *   <li>threshold: {@code 0} below 127, {@code 255} from 127 on.
 * </ol>
 */
public final class MaskPostProcess {

    private static final int RADIUS = 2;
    private static final double SIGMA = 2.0;
    private static final int THRESHOLD = 127;
    private static final int[] KERNEL = fixedPointKernel();

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
        int[] blurred = gaussian(opened, w, h);
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

    private static int[] gaussian(int[] in, int w, int h) {
        int[] rows = new int[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sum = 0;
                for (int k = -RADIUS; k <= RADIUS; k++) {
                    sum += KERNEL[k + RADIUS] * in[y * w + reflect101(x + k, w)];
                }
                rows[y * w + x] = sum;
            }
        }
        int[] out = new int[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                long sum = 0;
                for (int k = -RADIUS; k <= RADIUS; k++) {
                    sum += (long) KERNEL[k + RADIUS] * rows[reflect101(y + k, h) * w + x];
                }
                out[y * w + x] = (int) Math.min(255, (sum + (1 << 15)) >> 16);
            }
        }
        return out;
    }

    /** {@code BORDER_REFLECT_101}: {@code -1 -> 1}, {@code n -> n - 2}; an image one pixel wide repeats it. */
    static int reflect101(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int j = i;
        while (j < 0 || j >= n) {
            j = j < 0 ? -j : 2 * (n - 1) - j;
        }
        return j;
    }

    /** The 5-tap kernel in units of 1/256 (OpenCV's {@code ufixedpoint16}: round half to even). */
    private static int[] fixedPointKernel() {
        double[] values = new double[2 * RADIUS + 1];
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            int x = i - RADIUS;
            values[i] = StrictMath.exp(-(x * x) / (2 * SIGMA * SIGMA));
            sum += values[i];
        }
        int[] kernel = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            kernel[i] = (int) Math.rint(values[i] / sum * 256);
        }
        return kernel;
    }
}
