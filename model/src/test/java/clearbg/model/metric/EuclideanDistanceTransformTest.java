package clearbg.model.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EuclideanDistanceTransformTest {

    /** Indices from scipy.ndimage.distance_transform_edt(gt == 0, return_indices=True), ties included. */
    @Test
    void nearestSeedMatchesScipyIndicesIncludingTies() {
        int cases = 0;
        for (JsonNode c : Goldens.root().get("edt")) {
            int h = c.get("height").asInt();
            int w = c.get("width").asInt();
            String bits = c.get("foreground").asText();
            boolean[] seed = new boolean[h * w];
            for (int i = 0; i < seed.length; i++) {
                seed[i] = bits.charAt(i) == '1';
            }
            int[] nearest = EuclideanDistanceTransform.nearestSeed(seed, w, h);
            int[] rows = Arrays.stream(nearest).map(i -> i / w).toArray();
            int[] cols = Arrays.stream(nearest).map(i -> i % w).toArray();
            assertArrayEquals(Goldens.doublesAsInts(c.get("rows")), rows, "rows of case " + cases);
            assertArrayEquals(Goldens.doublesAsInts(c.get("cols")), cols, "cols of case " + cases);
            cases++;
        }
        assertEquals(48, cases);
    }

    @Test
    void nearestSeedIsAtMinimalDistance() {
        java.util.Random random = new java.util.Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int w = 1 + random.nextInt(25);
            int h = 1 + random.nextInt(25);
            boolean[] seed = new boolean[w * h];
            double density = random.nextDouble() * 0.3;
            for (int i = 0; i < seed.length; i++) {
                seed[i] = random.nextDouble() < density;
            }
            seed[random.nextInt(seed.length)] = true;
            int[] nearest = EuclideanDistanceTransform.nearestSeed(seed, w, h);
            for (int i = 0; i < seed.length; i++) {
                long best = Long.MAX_VALUE;
                for (int j = 0; j < seed.length; j++) {
                    if (seed[j]) {
                        best = Math.min(best, EuclideanDistanceTransform.squaredDistance(i, j, w));
                    }
                }
                assertEquals(best, EuclideanDistanceTransform.squaredDistance(i, nearest[i], w));
            }
        }
    }

    @Test
    void noSeedGivesMinusOne() {
        assertArrayEquals(
                new int[] {-1, -1, -1, -1, -1, -1}, EuclideanDistanceTransform.nearestSeed(new boolean[6], 3, 2));
    }
}
