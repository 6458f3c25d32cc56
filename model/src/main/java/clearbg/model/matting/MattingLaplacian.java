package clearbg.model.matting;

/**
 * The matting Laplacian of Levin, Lischinski and Weiss (2008) for an RGB image in 0..1, as pymatting's
 * {@code cf_laplacian(image, epsilon=1e-7, radius=1)} builds it: for every 3x3 window {@code w} lying inside
 * the image, with mean colour {@code mu} and covariance {@code S} (divided by 9),
 * {@code L_ij += delta_ij - (1 + (I_i - mu)^T (S + epsilon/9 I)^-1 (I_j - mu)) / 9} for the pixel pairs
 * {@code i, j} of {@code w}. Pixel {@code i} couples with the 5x5 neighbourhood around it; the matrix is
 * stored as 25 values per row ({@code dy, dx = -2..2}), zero where the neighbour is outside the image.
 */
final class MattingLaplacian {

    static final int SPAN = 5;
    /** Values stored per pixel (its row of the matrix). */
    static final int ENTRIES_PER_PIXEL = SPAN * SPAN;

    private static final int REACH = 2;
    private static final int AREA = 9;

    final int width;
    final int height;
    final double[] values;

    private MattingLaplacian(int width, int height, double[] values) {
        this.width = width;
        this.height = height;
        this.values = values;
    }

    /**
     * The Laplacian of {@code rgb} (HWC, 0..1), polling {@code stop} once per row.
     *
     * @throws IllegalArgumentException when its {@code 25 w h} values would not fit one array
     */
    static MattingLaplacian of(double[] rgb, int w, int h, double epsilon, MattingStop stop) {
        long entries = (long) w * h * ENTRIES_PER_PIXEL;
        if (entries > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "a " + w + "x" + h + " image is too large for the matting Laplacian (" + entries + " values)");
        }
        double[] values = new double[(int) entries];
        double[][] c = new double[AREA][3];
        for (int y = 1; y < h - 1; y++) {
            stop.check();
            for (int x = 1; x < w - 1; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    double s = 0;
                    for (int k = 0; k < AREA; k++) {
                        s += rgb[((y + k / 3 - 1) * w + x + k % 3 - 1) * 3 + ch];
                    }
                    for (int k = 0; k < AREA; k++) {
                        c[k][ch] = rgb[((y + k / 3 - 1) * w + x + k % 3 - 1) * 3 + ch] - s / AREA;
                    }
                }
                double a00 = epsilon;
                double a01 = 0;
                double a02 = 0;
                double a11 = epsilon;
                double a12 = 0;
                double a22 = epsilon;
                for (double[] v : c) {
                    a00 += v[0] * v[0];
                    a01 += v[0] * v[1];
                    a02 += v[0] * v[2];
                    a11 += v[1] * v[1];
                    a12 += v[1] * v[2];
                    a22 += v[2] * v[2];
                }
                a00 /= AREA;
                a01 /= AREA;
                a02 /= AREA;
                a11 /= AREA;
                a12 /= AREA;
                a22 /= AREA;
                double det =
                        a00 * a12 * a12 + a01 * a01 * a22 + a02 * a02 * a11 - a00 * a11 * a22 - 2 * a01 * a02 * a12;
                double invDet = 1.0 / det;
                double m00 = (a12 * a12 - a11 * a22) * invDet;
                double m01 = (a01 * a22 - a02 * a12) * invDet;
                double m02 = (a02 * a11 - a01 * a12) * invDet;
                double m11 = (a02 * a02 - a00 * a22) * invDet;
                double m12 = (a00 * a12 - a01 * a02) * invDet;
                double m22 = (a01 * a01 - a00 * a11) * invDet;
                for (int ki = 0; ki < AREA; ki++) {
                    double s = c[ki][0];
                    double t = c[ki][1];
                    double u = c[ki][2];
                    double c0 = m00 * s + m01 * t + m02 * u;
                    double c1 = m01 * s + m11 * t + m12 * u;
                    double c2 = m02 * s + m12 * t + m22 * u;
                    int i = (y + ki / 3 - 1) * w + x + ki % 3 - 1;
                    for (int kj = 0; kj < AREA; kj++) {
                        double temp = c0 * c[kj][0] + c1 * c[kj][1] + c2 * c[kj][2];
                        double value = (ki == kj ? 1.0 : 0.0) - (1 + temp) / AREA;
                        int dy = kj / 3 - ki / 3 + REACH;
                        int dx = kj % 3 - ki % 3 + REACH;
                        values[i * SPAN * SPAN + dy * SPAN + dx] += value;
                    }
                }
            }
        }
        return new MattingLaplacian(w, h, values);
    }

    /** {@code out = (L + diag(extra)) v}. */
    void multiply(double[] v, double[] extra, double[] out) {
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                double sum = extra[i] * v[i];
                int base = i * SPAN * SPAN;
                for (int dy = -REACH; dy <= REACH; dy++) {
                    int yy = y + dy;
                    if (yy < 0 || yy >= height) {
                        continue;
                    }
                    for (int dx = -REACH; dx <= REACH; dx++) {
                        int xx = x + dx;
                        if (xx >= 0 && xx < width) {
                            sum += values[base + (dy + REACH) * SPAN + dx + REACH] * v[yy * width + xx];
                        }
                    }
                }
                out[i] = sum;
            }
        }
    }

    /** The diagonal entry of pixel {@code i}. */
    double diagonal(int i) {
        return values[i * SPAN * SPAN + REACH * SPAN + REACH];
    }
}
