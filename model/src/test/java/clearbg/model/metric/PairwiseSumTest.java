package clearbg.model.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PairwiseSumTest {

    /** A contiguous block is summed as one run; a strided block row chunk by row chunk. */
    @Test
    void blockSumOfFullWidthEqualsFlatSum() {
        Random random = new Random(3);
        double[] img = new double[37 * 300];
        for (int i = 0; i < img.length; i++) {
            img[i] = random.nextDouble();
        }
        assertEquals(PairwiseSum.sum(img, 37 * 10, 37 * 200), PairwiseSum.blockSum(img, 37, 10, 210, 0, 37));
        double expected = 0;
        for (int y = 5; y < 250; y++) {
            for (int x = 3; x < 20; x++) {
                expected += img[y * 37 + x];
            }
        }
        assertEquals(expected, PairwiseSum.blockSum(img, 37, 5, 250, 3, 20), 1e-9);
    }

    @Test
    void pairwiseOrderDiffersFromNaiveOnlyByRounding() {
        double[] a = new double[1000];
        for (int i = 0; i < a.length; i++) {
            a[i] = 0.1 * (i % 7);
        }
        double naive = 0;
        for (double v : a) {
            naive += v;
        }
        assertEquals(naive, PairwiseSum.sum(a), 1e-10);
    }
}
