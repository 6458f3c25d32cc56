package clearbg.model.metric;

import java.util.Arrays;

/**
 * Exact Euclidean feature transform of a 2-D mask in linear time: for every pixel, the row-major index of its
 * nearest seed pixel. This is the algorithm of Maurer, Qi and Raghavan (IEEE PAMI 25, 2003), the one
 * {@code scipy.ndimage.distance_transform_edt(..., return_indices=True)} uses, with scipy's tie rules, so the same
 * nearest seed is chosen when several are equally near (weighted F-measure depends on that choice):
 *
 * <ol>
 *   <li>pass 1, each column top to bottom: the nearest seed in the column; on a tie the upper one;</li>
 *   <li>pass 2, each row left to right, over the column winners {@code (r_j, j)} at squared height
 *       {@code h_j = (r_j - y)^2}: build the lower envelope, dropping the last kept candidate v (with u before
 *       it, new candidate w) unless {@code c*h_v - b*h_u - a*h_w - a*b*c <= 0} where {@code a = v - u},
 *       {@code b = w - v}, {@code c = a + b}; then scan, moving to the next envelope candidate only while it
 *       is strictly nearer.</li>
 * </ol>
 * In scipy's terms the seeds are the zeros of the input ({@code bwdist(gt == 0)} has the ground truth as seeds).
 * All arithmetic is exact integer arithmetic (scipy's doubles hold the same integers exactly).
 */
public final class EuclideanDistanceTransform {

    private EuclideanDistanceTransform() {}

    /**
     * @return for each pixel the row-major index of its nearest seed; every entry is -1 if there is no seed
     */
    public static int[] nearestSeed(boolean[] seed, int width, int height) {
        if (seed.length != width * height) {
            throw new IllegalArgumentException("mask has " + seed.length + " pixels, not " + width + "x" + height);
        }
        int n = seed.length;
        int[] colRow = nearestInColumn(seed, width, height);
        int len = Math.max(width, height);
        Envelope env = new Envelope(len);
        long[] heights = new long[len];
        int[] nearest = new int[len];
        int[] result = new int[n];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = colRow[y * width + x];
                env.present[x] = r >= 0;
                heights[x] = r >= 0 ? (long) (r - y) * (r - y) : 0;
            }
            env.solve(width, heights, nearest);
            for (int x = 0; x < width; x++) {
                int j = nearest[x];
                result[y * width + x] = j < 0 ? -1 : colRow[y * width + j] * width + j;
            }
        }
        return result;
    }

    /**
     * Pass 1: for each pixel the row of the nearest seed in its column, the upper one on a tie, or -1 if the
     * column has none. With every height 0 the lower envelope keeps every seed, so this is the nearer of the
     * last seed at or above the pixel and the first at or below it; two sweeps over whole rows (bottom-up for the
     * seed below, top-down for the seed above) read memory in order.
     */
    private static int[] nearestInColumn(boolean[] seed, int width, int height) {
        int[] rows = new int[seed.length];
        int[] seen = new int[width];
        Arrays.fill(seen, -1);
        for (int y = height - 1; y >= 0; y--) {
            int base = y * width;
            for (int x = 0; x < width; x++) {
                if (seed[base + x]) {
                    seen[x] = y;
                }
                rows[base + x] = seen[x];
            }
        }
        Arrays.fill(seen, -1);
        for (int y = 0; y < height; y++) {
            int base = y * width;
            for (int x = 0; x < width; x++) {
                if (seed[base + x]) {
                    seen[x] = y;
                }
                int above = seen[x];
                int below = rows[base + x];
                if (above >= 0 && (below < 0 || y - above <= below - y)) {
                    rows[base + x] = above;
                }
            }
        }
        return rows;
    }

    /** Squared distance from each pixel to its nearest seed (as computed from {@link #nearestSeed}). */
    static long squaredDistance(int index, int nearest, int width) {
        long dy = index / width - nearest / width;
        long dx = index % width - nearest % width;
        return dy * dy + dx * dx;
    }

    /** One line of the transform: candidates at positions i (present[i]) with squared heights h[i]. */
    private static final class Envelope {
        final boolean[] present;
        final int[] kept;

        Envelope(int capacity) {
            present = new boolean[capacity];
            kept = new int[capacity];
        }

        /** Writes into {@code out[i]} the position of the chosen candidate for pixel i, or -1 if none. */
        void solve(int len, long[] h, int[] out) {
            int last = -1;
            for (int w = 0; w < len; w++) {
                if (!present[w]) {
                    continue;
                }
                while (last >= 1) {
                    int v = kept[last];
                    int u = kept[last - 1];
                    long a = v - u;
                    long b = w - v;
                    long c = a + b;
                    if (c * h[v] - b * h[u] - a * h[w] - a * b * c <= 0) {
                        break;
                    }
                    last--;
                }
                kept[++last] = w;
            }
            if (last < 0) {
                Arrays.fill(out, 0, len, -1);
                return;
            }
            int l = 0;
            for (int i = 0; i < len; i++) {
                long d1 = dist(kept[l], i, h);
                while (l < last) {
                    long d2 = dist(kept[l + 1], i, h);
                    if (d1 <= d2) {
                        break;
                    }
                    d1 = d2;
                    l++;
                }
                out[i] = kept[l];
            }
        }

        private static long dist(int candidate, int i, long[] h) {
            long d = candidate - i;
            return d * d + h[candidate];
        }
    }
}
