package clearbg.model.metric;

import java.util.function.IntPredicate;

/**
 * A binary mask packed 64 pixels to a {@code long}: each row starts a new word, pixel (x, y) is bit {@code x % 64}
 * of word {@code y * words + x / 64}, and the bits past the last column are always 0. Morphology by the 3x3 cross
 * works on whole words (64 pixels per operation), with the border conventions of {@link BinaryMask}. Immutable:
 * every operation returns a new mask. Package-private.
 */
final class PackedMask {

    private final int width;
    private final int height;
    private final int words;
    /** The bits of the last word of a row that are pixels. */
    private final long lastWordMask;

    private final long[] bits;

    private PackedMask(int width, int height, long[] bits) {
        this.width = width;
        this.height = height;
        this.words = wordsPerRow(width);
        this.lastWordMask = width % 64 == 0 ? -1L : (1L << (width % 64)) - 1;
        this.bits = bits;
    }

    private static int wordsPerRow(int width) {
        return (width + 63) / 64;
    }

    /** An empty mask of the given size. */
    private static PackedMask empty(int width, int height) {
        return new PackedMask(width, height, new long[wordsPerRow(width) * height]);
    }

    /** The mask of the set elements of a row-major {@code width x height} array. */
    static PackedMask of(boolean[] mask, int width, int height) {
        return where(width, height, i -> mask[i]);
    }

    /** The mask of the pixels whose value exceeds {@code threshold}, of a row-major {@code width x height} map. */
    static PackedMask above(double[] values, double threshold, int width, int height) {
        return where(width, height, i -> values[i] > threshold);
    }

    /** The mask of the row-major pixel indices {@code i} of a {@code width x height} image for which {@code set}. */
    private static PackedMask where(int width, int height, IntPredicate set) {
        PackedMask out = empty(width, height);
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int k = 0; k < out.words; k++) {
                int from = row + (k << 6);
                int n = Math.min(64, width - (k << 6));
                long word = 0;
                for (int b = 0; b < n; b++) {
                    word |= (set.test(from + b) ? 1L : 0L) << b;
                }
                out.bits[y * out.words + k] = word;
            }
        }
        return out;
    }

    /** The row-major boolean array of this mask. */
    boolean[] toBooleans() {
        boolean[] out = new boolean[width * height];
        for (int y = 0; y < height; y++) {
            for (int k = 0; k < words; k++) {
                long word = bits[y * words + k];
                int to = y * width + (k << 6);
                // only the set bits: the masks converted are mostly empty
                while (word != 0) {
                    out[to + Long.numberOfTrailingZeros(word)] = true;
                    word &= word - 1;
                }
            }
        }
        return out;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** The number of set pixels. */
    int count() {
        int count = 0;
        for (long word : bits) {
            count += Long.bitCount(word);
        }
        return count;
    }

    /** The row-major indices ({@code y * width + x}) of the set pixels, ascending. */
    int[] setPixels() {
        int[] out = new int[count()];
        int n = 0;
        for (int y = 0; y < height; y++) {
            for (int k = 0; k < words; k++) {
                long word = bits[y * words + k];
                while (word != 0) {
                    out[n++] = y * width + (k << 6) + Long.numberOfTrailingZeros(word);
                    word &= word - 1;
                }
            }
        }
        return out;
    }

    /**
     * One erosion by the 3x3 square: a pixel stays set when it and its eight neighbours are set; pixels beyond the
     * image's edge count as unset.
     */
    PackedMask erodeSquare() {
        long[] across = new long[bits.length];
        for (int y = 0; y < height; y++) {
            int row = y * words;
            for (int k = 0; k < words; k++) {
                int i = row + k;
                long centre = bits[i];
                long west = (centre << 1) | (k > 0 ? bits[i - 1] >>> 63 : 0L);
                long east = (centre >>> 1) | (k < words - 1 ? bits[i + 1] << 63 : 0L);
                across[i] = centre & west & east;
            }
        }
        long[] out = new long[bits.length];
        for (int y = 1; y < height - 1; y++) {
            int row = y * words;
            for (int k = 0; k < words; k++) {
                out[row + k] = across[row + k] & across[row + k - words] & across[row + k + words];
            }
        }
        return new PackedMask(width, height, out);
    }

    /** Whether pixel (x, y) is set. */
    boolean get(int x, int y) {
        return (bits[y * words + (x >>> 6)] & (1L << x)) != 0;
    }

    /**
     * One erosion by the 3x3 cross: a pixel stays set when it and its four edge neighbours are set; {@code outside}
     * is the value assumed beyond the image's edge.
     */
    PackedMask erodeCross(boolean outside) {
        long fill = outside ? -1L : 0L;
        long[] out = new long[bits.length];
        for (int y = 0; y < height; y++) {
            int row = y * words;
            for (int k = 0; k < words; k++) {
                int i = row + k;
                boolean last = k == words - 1;
                // in the last word, the bits past the image stand for the outside
                long centre = last && outside ? bits[i] | ~lastWordMask : bits[i];
                long left = k > 0 ? bits[i - 1] : fill;
                long right = last ? fill : (k + 1 == words - 1 && outside ? bits[i + 1] | ~lastWordMask : bits[i + 1]);
                long west = (centre << 1) | (left >>> 63);
                long east = (centre >>> 1) | (right << 63);
                long north = y > 0 ? bits[i - words] : fill;
                long south = y < height - 1 ? bits[i + words] : fill;
                long eroded = centre & west & east & north & south;
                out[i] = last ? eroded & lastWordMask : eroded;
            }
        }
        return new PackedMask(width, height, out);
    }

    /** One dilation by the 3x3 cross: a pixel is set when it or one of its four edge neighbours is; nothing outside. */
    PackedMask dilateCross() {
        long[] out = new long[bits.length];
        for (int y = 0; y < height; y++) {
            int row = y * words;
            for (int k = 0; k < words; k++) {
                int i = row + k;
                long centre = bits[i];
                long left = k > 0 ? bits[i - 1] : 0L;
                long right = k < words - 1 ? bits[i + 1] : 0L;
                long west = (centre << 1) | (left >>> 63);
                long east = (centre >>> 1) | (right << 63);
                long north = y > 0 ? bits[i - words] : 0L;
                long south = y < height - 1 ? bits[i + words] : 0L;
                long dilated = centre | west | east | north | south;
                out[i] = k == words - 1 ? dilated & lastWordMask : dilated;
            }
        }
        return new PackedMask(width, height, out);
    }

    /** Pixels set here and in {@code other}. */
    PackedMask and(PackedMask other) {
        long[] out = new long[bits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = bits[i] & other.bits[i];
        }
        return new PackedMask(width, height, out);
    }

    /** Pixels set here and not in {@code other}. */
    PackedMask andNot(PackedMask other) {
        long[] out = new long[bits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = bits[i] & ~other.bits[i];
        }
        return new PackedMask(width, height, out);
    }

    /** Pixels set here or in {@code other}. */
    PackedMask or(PackedMask other) {
        long[] out = new long[bits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = bits[i] | other.bits[i];
        }
        return new PackedMask(width, height, out);
    }

    /** The pixels not set here. */
    PackedMask not() {
        long[] out = new long[bits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (i % words == words - 1) ? ~bits[i] & lastWordMask : ~bits[i];
        }
        return new PackedMask(width, height, out);
    }
}
