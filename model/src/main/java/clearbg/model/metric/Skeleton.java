package clearbg.model.metric;

import java.util.Arrays;

/**
 * The skeleton of a binary mask as scikit-image 0.25's {@code skimage.morphology.skeletonize} computes it for a 2-D
 * image (its default method, "zhang": a two-subiteration parallel thinning after Zhang and Suen, CACM 27(3), 1984).
 *
 * <p>Contract: the mask is framed by one unset pixel on every side; then, until a full iteration removes nothing,
 * two passes run, each reading the mask as it was at the start of the pass: a set pixel is removed when the
 * removal class of its 8-neighbour pattern is 3, or 1 in the first pass, or 2 in the second. The pattern number is
 * {@code NW + 2 N + 4 NE + 8 E + 16 SE + 32 S + 64 SW + 128 W} (1 for a set neighbour), and {@link #REMOVAL} holds
 * the class of each of the 256 patterns, the same table scikit-image's thinning uses (it is not the textbook
 * Zhang-Suen rule, so it is kept as data).
 */
final class Skeleton {

    /** Removal class per 8-neighbour pattern: 0 keep, 1 first pass, 2 second pass, 3 either pass. */
    private static final String REMOVAL = ""
            + "0001001300311013000000002020303300000000300000000000000020003022"
            + "0000000000000000000000000000000020000000200020003000000030003020"
            + "0031001300000001000000000000000131000000000000002000000000000000"
            + "2313001300000001000000000000000023010001000000003301000022002000";

    /** {@link #REMOVAL} as numbers, indexed by pattern. */
    private static final byte[] REMOVAL_CLASS = new byte[256];

    static {
        for (int pattern = 0; pattern < 256; pattern++) {
            REMOVAL_CLASS[pattern] = (byte) (REMOVAL.charAt(pattern) - '0');
        }
    }

    private Skeleton() {}

    static boolean[] of(boolean[] mask, int width, int height) {
        return of(PackedMask.of(mask, width, height));
    }

    static boolean[] of(PackedMask mask) {
        int width = mask.width();
        int height = mask.height();
        int pw = width + 2;
        int ph = height + 2;
        boolean[] current = new boolean[pw * ph];
        for (int i : mask.setPixels()) {
            current[padded(i, width)] = true;
        }
        // Pixels to examine in the next pass: every set pixel with an unset neighbour at first (a pixel whose eight
        // neighbours are set has class 0); then the set neighbours of the pixels a pass removed (their pattern
        // changed) and the pixels whose class lets a later pass remove them. A set pixel of class 0 whose
        // neighbourhood did not change stays, so it need not be looked at again: the passes make the same
        // decisions as full scans, on far fewer pixels.
        int[] edge = mask.andNot(mask.erodeSquare()).setPixels();
        int[] candidates = new int[Math.max(16, Math.max(edge.length, pw * ph / 4))];
        int count = edge.length;
        for (int c = 0; c < count; c++) {
            candidates[c] = padded(edge[c], width);
        }
        boolean[] queued = new boolean[pw * ph];
        int[] next = new int[candidates.length];
        int[] removedPixels = new int[candidates.length];
        int[] offsets = {-pw - 1, -pw, -pw + 1, 1, pw + 1, pw, pw - 1, -1};
        boolean removedInIteration = true;
        while (removedInIteration) {
            removedInIteration = false;
            for (int pass = 0; pass < 2; pass++) {
                int removed = 0;
                int nextCount = 0;
                for (int c = 0; c < count; c++) {
                    int i = candidates[c];
                    queued[i] = false;
                    int kind = REMOVAL_CLASS[pattern(current, i, pw)];
                    if (kind == 3 || (kind == 1 && pass == 0) || (kind == 2 && pass == 1)) {
                        removedPixels = grow(removedPixels, removed);
                        removedPixels[removed++] = i;
                    } else if (kind != 0) {
                        next = grow(next, nextCount);
                        next[nextCount++] = i;
                        queued[i] = true;
                    }
                }
                // the pass reads the mask as it was at its start: remove only now
                for (int r = 0; r < removed; r++) {
                    current[removedPixels[r]] = false;
                }
                for (int r = 0; r < removed; r++) {
                    for (int offset : offsets) {
                        int j = removedPixels[r] + offset;
                        if (current[j] && !queued[j]) {
                            next = grow(next, nextCount);
                            next[nextCount++] = j;
                            queued[j] = true;
                        }
                    }
                }
                removedInIteration |= removed > 0;
                int[] swap = candidates;
                candidates = next;
                next = swap;
                count = nextCount;
            }
        }
        boolean[] out = new boolean[width * height];
        for (int y = 0; y < height; y++) {
            System.arraycopy(current, (y + 1) * pw + 1, out, y * width, width);
        }
        return out;
    }

    /** The index in the framed map (one unset pixel around the image) of image pixel {@code i}. */
    private static int padded(int i, int width) {
        int y = i / width;
        return (y + 1) * (width + 2) + i - y * width + 1;
    }

    private static int pattern(boolean[] image, int i, int pw) {
        return bit(image, i - pw - 1, 1)
                | bit(image, i - pw, 2)
                | bit(image, i - pw + 1, 4)
                | bit(image, i + 1, 8)
                | bit(image, i + pw + 1, 16)
                | bit(image, i + pw, 32)
                | bit(image, i + pw - 1, 64)
                | bit(image, i - 1, 128);
    }

    /** {@code array}, or a copy twice its length when index {@code used} is beyond it. */
    private static int[] grow(int[] array, int used) {
        return used < array.length ? array : Arrays.copyOf(array, 2 * array.length);
    }

    private static int bit(boolean[] image, int index, int weight) {
        return image[index] ? weight : 0;
    }
}
