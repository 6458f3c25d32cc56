package clearbg.model.metric;

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

    private Skeleton() {}

    static boolean[] of(boolean[] mask, int width, int height) {
        int pw = width + 2;
        int ph = height + 2;
        boolean[] current = new boolean[pw * ph];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                current[(y + 1) * pw + x + 1] = mask[y * width + x];
            }
        }
        boolean[] next = current.clone();
        boolean removed = true;
        while (removed) {
            removed = false;
            for (int pass = 0; pass < 2; pass++) {
                for (int y = 1; y < ph - 1; y++) {
                    for (int x = 1; x < pw - 1; x++) {
                        int i = y * pw + x;
                        if (!current[i]) {
                            continue;
                        }
                        int pattern = bit(current, i - pw - 1, 1)
                                | bit(current, i - pw, 2)
                                | bit(current, i - pw + 1, 4)
                                | bit(current, i + 1, 8)
                                | bit(current, i + pw + 1, 16)
                                | bit(current, i + pw, 32)
                                | bit(current, i + pw - 1, 64)
                                | bit(current, i - 1, 128);
                        int kind = REMOVAL.charAt(pattern) - '0';
                        if (kind == 3 || (kind == 1 && pass == 0) || (kind == 2 && pass == 1)) {
                            next[i] = false;
                            removed = true;
                        }
                    }
                }
                System.arraycopy(next, 0, current, 0, current.length);
            }
        }
        boolean[] out = new boolean[mask.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                out[y * width + x] = current[(y + 1) * pw + x + 1];
            }
        }
        return out;
    }

    private static int bit(boolean[] image, int index, int weight) {
        return image[index] ? weight : 0;
    }
}
