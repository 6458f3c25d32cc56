package clearbg.model.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link PackedMask}'s word-wise erosion and dilation by the 3x3 cross against the per-pixel definition (OpenCV's
 * borders: outside never erodes nor dilates; skimage's zero padding: outside erodes), on random masks of every
 * shape down to one pixel and across word boundaries (widths around 64 and 128).
 */
class PackedMaskTest {

    private static boolean at(boolean[] mask, int w, int h, int x, int y, boolean outside) {
        return x < 0 || y < 0 || x >= w || y >= h ? outside : mask[y * w + x];
    }

    @Test
    void erosionAndDilationEqualThePerPixelDefinition() {
        SplittableRandom random = new SplittableRandom(7);
        int changed = 0;
        for (int c = 0; c < 200; c++) {
            int w = c % 2 == 0 ? 1 + random.nextInt(12) : 60 + random.nextInt(72);
            int h = 1 + random.nextInt(12);
            double density = random.nextDouble();
            boolean[] mask = new boolean[w * h];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = random.nextDouble() < density;
            }
            for (boolean outside : new boolean[] {true, false}) {
                boolean[] eroded = new boolean[w * h];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        eroded[y * w + x] = mask[y * w + x]
                                && at(mask, w, h, x - 1, y, outside)
                                && at(mask, w, h, x + 1, y, outside)
                                && at(mask, w, h, x, y - 1, outside)
                                && at(mask, w, h, x, y + 1, outside);
                    }
                }
                assertArrayEquals(
                        eroded, PackedMask.of(mask, w, h).erodeCross(outside).toBooleans(), "erosion, case " + c);
            }
            boolean[] square = new boolean[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean all = true;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            all &= at(mask, w, h, x + dx, y + dy, false);
                        }
                    }
                    square[y * w + x] = all;
                }
            }
            assertArrayEquals(square, PackedMask.of(mask, w, h).erodeSquare().toBooleans(), "square, case " + c);
            int[] set = PackedMask.of(mask, w, h).setPixels();
            int k = 0;
            for (int i = 0; i < mask.length; i++) {
                if (mask[i]) {
                    assertEquals(i, set[k++], "set pixels in raster order, case " + c);
                }
            }
            assertEquals(k, set.length, "every set pixel, case " + c);
            boolean[] dilated = new boolean[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    dilated[y * w + x] = mask[y * w + x]
                            || at(mask, w, h, x - 1, y, false)
                            || at(mask, w, h, x + 1, y, false)
                            || at(mask, w, h, x, y - 1, false)
                            || at(mask, w, h, x, y + 1, false);
                }
            }
            assertArrayEquals(dilated, PackedMask.of(mask, w, h).dilateCross().toBooleans(), "dilation, case " + c);
            changed += Arrays.equals(dilated, mask) ? 0 : 1;
        }
        assertFalse(changed < 100, "most masks change under dilation: " + changed);
    }

    @Test
    void logicalOperationsLeaveNoBitsPastTheLastColumn() {
        SplittableRandom random = new SplittableRandom(11);
        for (int w : new int[] {1, 63, 64, 65, 130}) {
            int h = 3;
            boolean[] a = new boolean[w * h];
            boolean[] b = new boolean[w * h];
            for (int i = 0; i < a.length; i++) {
                a[i] = random.nextBoolean();
                b[i] = random.nextBoolean();
            }
            PackedMask pa = PackedMask.of(a, w, h);
            PackedMask pb = PackedMask.of(b, w, h);
            boolean[] notA = new boolean[a.length];
            boolean[] aAndNotB = new boolean[a.length];
            for (int i = 0; i < a.length; i++) {
                notA[i] = !a[i];
                aAndNotB[i] = a[i] && !b[i];
            }
            assertArrayEquals(notA, pa.not().toBooleans(), "not, width " + w);
            assertArrayEquals(aAndNotB, pa.andNot(pb).toBooleans(), "andNot, width " + w);
            // a set bit past the last column would dilate back into it
            boolean[] neither = new boolean[a.length];
            for (int i = 0; i < a.length; i++) {
                neither[i] = !a[i] && !b[i];
            }
            assertArrayEquals(
                    PackedMask.of(neither, w, h).dilateCross().toBooleans(),
                    pa.or(pb).not().dilateCross().toBooleans(),
                    "dilated complement, width " + w);
        }
    }
}
