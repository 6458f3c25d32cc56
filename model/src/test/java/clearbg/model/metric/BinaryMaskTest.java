package clearbg.model.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link BinaryMask}'s row-wise erosion and dilation by the 3x3 cross against the per-pixel definition (OpenCV's
 * borders: outside never erodes nor dilates; skimage's zero padding: outside erodes), on random masks of every
 * shape down to one pixel.
 */
class BinaryMaskTest {

    private static boolean at(boolean[] mask, int w, int h, int x, int y, boolean outside) {
        return x < 0 || y < 0 || x >= w || y >= h ? outside : mask[y * w + x];
    }

    @Test
    void erosionAndDilationEqualThePerPixelDefinition() {
        SplittableRandom random = new SplittableRandom(7);
        int changed = 0;
        for (int c = 0; c < 200; c++) {
            int w = 1 + random.nextInt(12);
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
                assertArrayEquals(eroded, BinaryMask.erodeCross(mask, w, h, outside), "erosion, case " + c);
            }
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
            assertArrayEquals(dilated, BinaryMask.dilateCross(mask, w, h), "dilation, case " + c);
            changed += Arrays.equals(dilated, mask) ? 0 : 1;
        }
        assertFalse(changed < 100, "most masks change under dilation: " + changed);
    }
}
