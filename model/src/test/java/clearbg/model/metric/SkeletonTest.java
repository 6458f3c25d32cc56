package clearbg.model.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Skeleton} examines only the pixels whose neighbourhood changed or whose removal is pending; it must thin
 * exactly as the full scans of every pixel in every pass do (scikit-image's loop, written out here as the
 * reference) on masks with thick blobs, thin lines, holes and noise.
 */
class SkeletonTest {

    private static final String REMOVAL = ""
            + "0001001300311013000000002020303300000000300000000000000020003022"
            + "0000000000000000000000000000000020000000200020003000000030003020"
            + "0031001300000001000000000000000131000000000000002000000000000000"
            + "2313001300000001000000000000000023010001000000003301000022002000";

    /** Full-scan thinning: every set pixel of the framed mask in every pass, until an iteration removes nothing. */
    private static boolean[] fullScan(boolean[] mask, int width, int height) {
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
                        int[] neighbours = {i - pw - 1, i - pw, i - pw + 1, i + 1, i + pw + 1, i + pw, i + pw - 1, i - 1
                        };
                        int pattern = 0;
                        for (int k = 0; k < 8; k++) {
                            pattern |= current[neighbours[k]] ? 1 << k : 0;
                        }
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

    private static boolean[] randomMask(SplittableRandom random, int w, int h) {
        boolean[] mask = new boolean[w * h];
        int blobs = 1 + random.nextInt(4);
        for (int b = 0; b < blobs; b++) {
            int cx = random.nextInt(w);
            int cy = random.nextInt(h);
            int r = 2 + random.nextInt(Math.max(3, Math.min(w, h) / 3));
            int hole = random.nextInt(3) == 0 ? r / 2 : -1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                    if (d2 <= r * r && d2 > hole * hole) {
                        mask[y * w + x] = true;
                    }
                }
            }
        }
        for (int line = 0; line < 3; line++) {
            int y = random.nextInt(h);
            for (int x = random.nextInt(w); x < w; x++) {
                mask[y * w + x] = true;
                y = Math.max(0, Math.min(h - 1, y + random.nextInt(3) - 1));
            }
        }
        for (int k = 0; k < w * h / 20; k++) {
            mask[random.nextInt(w * h)] ^= true;
        }
        return mask;
    }

    @Test
    void equalsFullScanThinning() {
        SplittableRandom random = new SplittableRandom(20);
        int differentFromInput = 0;
        for (int c = 0; c < 60; c++) {
            int w = 1 + random.nextInt(90);
            int h = 1 + random.nextInt(70);
            boolean[] mask = randomMask(random, w, h);
            boolean[] expected = fullScan(mask, w, h);
            assertArrayEquals(expected, Skeleton.of(mask, w, h), "case " + c + " (" + w + "x" + h + ")");
            differentFromInput += Arrays.equals(expected, mask) ? 0 : 1;
        }
        assertTrue(differentFromInput > 40, "the masks are thinned: " + differentFromInput);
    }
}
