package clearbg.model.metric;

/**
 * Floating-point sums in exactly NumPy's order (NumPy 2.x {@code pairwise_sum}), so that sums which feed a
 * comparison (for example the adaptive threshold {@code 2 * mean(pred)}) round exactly as in the reference.
 *
 * <p>Pairwise order for n values: n &lt; 8: left to right from 0.0; n &le; 128: eight running partial sums over
 * blocks of eight, combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the remainder left to right;
 * otherwise split at m = floor(n/2) rounded down to a multiple of 8 and add the two halves' sums.
 */
final class PairwiseSum {

    private static final int BLOCK = 128;
    /** NumPy's iterator buffer, in elements: strided reductions are summed in chunks of whole rows of this size. */
    private static final int NUMPY_BUFFER = 8192;

    private PairwiseSum() {}

    /** Sum of {@code a[from .. from+n)} in NumPy's pairwise order. */
    static double sum(double[] a, int from, int n) {
        if (n < 8) {
            double res = 0.0;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        if (n <= BLOCK) {
            double r0 = a[from], r1 = a[from + 1], r2 = a[from + 2], r3 = a[from + 3];
            double r4 = a[from + 4], r5 = a[from + 5], r6 = a[from + 6], r7 = a[from + 7];
            int i = 8;
            for (; i < n - n % 8; i += 8) {
                int k = from + i;
                r0 += a[k];
                r1 += a[k + 1];
                r2 += a[k + 2];
                r3 += a[k + 3];
                r4 += a[k + 4];
                r5 += a[k + 5];
                r6 += a[k + 6];
                r7 += a[k + 7];
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        int half = n / 2;
        half -= half % 8;
        return sum(a, from, half) + sum(a, from + half, n - half);
    }

    static double sum(double[] a) {
        return sum(a, 0, a.length);
    }

    /**
     * Sum of the block {@code rows [y0, y1) x columns [x0, x1)} of a row-major image of the given width, as
     * {@code np.sum(img[y0:y1, x0:x1])} adds it: a contiguous block (full width, or a single row) is one pairwise
     * sum; otherwise NumPy buffers chunks of {@code max(1, 8192 / cols)} whole rows and adds each chunk's pairwise
     * sum to a running total that starts at 0.0.
     */
    static double blockSum(double[] img, int width, int y0, int y1, int x0, int x1) {
        int rows = y1 - y0;
        int cols = x1 - x0;
        if (rows <= 0 || cols <= 0) {
            return 0.0;
        }
        if (cols == width || rows == 1) {
            return sum(img, y0 * width + x0, rows * cols);
        }
        int rowsPerChunk = Math.max(1, NUMPY_BUFFER / cols);
        double[] chunk = new double[rowsPerChunk * cols];
        double total = 0.0;
        for (int y = y0; y < y1; y += rowsPerChunk) {
            int n = Math.min(rowsPerChunk, y1 - y);
            for (int r = 0; r < n; r++) {
                System.arraycopy(img, (y + r) * width + x0, chunk, r * cols, cols);
            }
            total += sum(chunk, 0, n * cols);
        }
        return total;
    }
}
