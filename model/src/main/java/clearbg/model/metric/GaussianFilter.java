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
        double[] rows = new double[image.length];
        for (int y = 0; y < height; y++) {
            int base = y * width;
            for (int x = 0; x < width; x++) {
                double acc = 0;
                for (int k = Math.max(-radius, -x); k <= Math.min(radius, width - 1 - x); k++) {
                    acc += taps[k + radius] * image[base + x + k];
                }
                rows[base + x] = acc;
            }
        }
        double[] out = new double[image.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double acc = 0;
                for (int k = Math.max(-radius, -y); k <= Math.min(radius, height - 1 - y); k++) {
                    acc += taps[k + radius] * rows[(y + k) * width + x];
                }
                out[y * width + x] = acc;
            }
        }
        return out;
    }
}
