package clearbg.model.metric;

/**
 * Gaussian filter as MATLAB's {@code imfilter(x, fspecial('gaussian', size, sigma))} and PySODMetrics'
 * {@code convolve(x, matlab_style_gauss2D(...), mode="constant", cval=0)}: zero padding outside the image, output
 * the same size. The kernel {@code K(i,j) = exp(-(i^2 + j^2) / (2 sigma^2)) / sum}, {@code i, j in -r..r},
 * is symmetric (convolution equals correlation) and the outer product of the normalised 1-D kernel
 * {@code k(i) = exp(-i^2 / (2 sigma^2)) / sum}, so it is applied separably (rows, then columns). Mathematically
 * identical to the 2-D sum; results differ from scipy's by rounding only (a few units in the last place).
 * MATLAB's step that zeroes entries below {@code eps * max(K)} never applies for sigma &ge; size / 12.
 */
public final class GaussianFilter {

    private final double[] taps;
    private final int radius;

    /** @param size odd kernel width, e.g. 7; @param sigma standard deviation, e.g. 5 */
    public GaussianFilter(int size, double sigma) {
        if (size < 1 || size % 2 == 0) {
            throw new IllegalArgumentException("kernel size must be odd and positive, got " + size);
        }
        radius = size / 2;
        taps = new double[size];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            taps[i + radius] = Math.exp(-(double) (i * i) / (2 * sigma * sigma));
            sum += taps[i + radius];
        }
        for (int i = 0; i < size; i++) {
            taps[i] /= sum;
        }
    }

    /** Filters a row-major {@code width x height} image; returns a new array. */
    public double[] apply(double[] image, int width, int height) {
        // Rows: add the taps in order k = -r..r, each over the whole row (the per-pixel order of terms is
        // that of a per-pixel loop; this order lets the JIT vectorise).
        double[] rows = new double[image.length];
        for (int y = 0; y < height; y++) {
            int base = y * width;
            for (int k = -radius; k <= radius; k++) {
                double tap = taps[k + radius];
                int from = Math.max(0, -k);
                int to = Math.min(width, width - k);
                for (int x = from; x < to; x++) {
                    rows[base + x] += tap * image[base + x + k];
                }
            }
        }
        // Columns: for each output row, add the taps' rows in order k = -r..r, so every pixel sums its
        // terms in the same order as a per-pixel loop would, while memory is read row by row.
        double[] out = new double[image.length];
        for (int y = 0; y < height; y++) {
            int base = y * width;
            for (int k = Math.max(-radius, -y); k <= Math.min(radius, height - 1 - y); k++) {
                double tap = taps[k + radius];
                int source = (y + k) * width;
                for (int x = 0; x < width; x++) {
                    out[base + x] += tap * rows[source + x];
                }
            }
        }
        return out;
    }
}
