package clearbg.jobs.allreduce;

import static clearbg.jobs.allreduce.RingAllReduceTest.assertBitsEqual;
import static clearbg.jobs.allreduce.RingAllReduceTest.randomInputs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.jobs.allreduce.RankThreads.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Calls on windows of the array, as buckets of gradients exchanged one after another during backward: together they
 * give the whole call's result bit for bit, on every world size and wire precision.
 */
class RingWindowTest {

    private static final Duration GENEROUS = Duration.ofSeconds(30);
    private static final int CHUNK = 4096;
    private static final int LENGTH = 100_003;
    /** Bucket ends: an empty bucket, buckets inside one segment and buckets across segment boundaries. */
    private static final int[] CUTS = {0, 0, 17, 20_000, 20_001, 33_334, 70_000, 99_999, LENGTH};

    @ParameterizedTest(name = "world size {0}, {1}")
    @CsvSource({"1, FP32", "2, FP32", "3, FP32", "4, FP32", "3, BF16", "4, BF16"})
    void windowsThatCoverTheArrayGiveTheWholeCallsMeanBitForBit(int worldSize, WirePrecision wire) throws Exception {
        float[][] inputs = randomInputs(worldSize, LENGTH, 41L * worldSize);
        try (LocalRing ring = form(worldSize, wire)) {
            List<float[]> whole = RankThreads.runAll(worldSize, rank -> {
                float[] data = inputs[rank].clone();
                ring.rank(rank).averageInPlace(data);
                return data;
            });
            List<float[][]> windowed = RankThreads.runAll(worldSize, rank -> {
                float[] data = inputs[rank].clone();
                float[] reports = new float[LENGTH];
                for (int b = 0; b + 1 < CUTS.length; b++) {
                    int from = CUTS[b];
                    int to = CUTS[b + 1];
                    ring.rank(rank).averageInPlace(data, from, to, (offset, length) -> {
                        assertTrue(offset >= from && offset + length <= to, "reported within the window");
                        for (int i = offset; i < offset + length; i++) {
                            reports[i]++;
                        }
                    });
                }
                return new float[][] {data, reports};
            });
            float[] once = new float[LENGTH];
            java.util.Arrays.fill(once, 1f);
            for (int rank = 0; rank < worldSize; rank++) {
                assertBitsEqual(whole.get(rank), windowed.get(rank)[0], "rank " + rank);
                assertBitsEqual(once, windowed.get(rank)[1], "rank " + rank + ": each element reported once");
            }
        }
    }

    @Test
    void aWindowLeavesTheRestAlone() throws Exception {
        float[][] inputs = randomInputs(3, LENGTH, 5);
        try (LocalRing ring = form(3, WirePrecision.FP32)) {
            List<float[]> results = RankThreads.runAll(3, rank -> {
                float[] data = inputs[rank].clone();
                ring.rank(rank).averageInPlace(data, 30_000, 40_000, FinalRanges.NONE);
                return data;
            });
            for (int rank = 0; rank < 3; rank++) {
                float[] outside = results.get(rank).clone();
                System.arraycopy(inputs[rank], 30_000, outside, 30_000, 10_000);
                assertBitsEqual(inputs[rank], outside, "rank " + rank + " outside the window");
            }
        }
    }

    @Test
    void aWindowOutsideTheArrayIsRefusedAndRanksWithDifferentWindowsFailNamingBoth() throws Exception {
        try (LocalRing ring = form(2, WirePrecision.FP32)) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> ring.rank(0).averageInPlace(new float[10], 5, 11, FinalRanges.NONE));
            List<Outcome<Void>> outcomes = RankThreads.run(2, rank -> {
                ring.rank(rank).averageInPlace(new float[10], rank, 10, FinalRanges.NONE);
                return null;
            });
            assertNotNull(outcomes.get(0).failure());
            assertNotNull(outcomes.get(1).failure());
            String messages = outcomes.get(0).failure() + "\n" + outcomes.get(1).failure();
            assertTrue(
                    messages.contains("rank 0 called averageInPlace with 10 floats as FP32 but this rank called"
                                    + " averageInPlace with [1, 10) of 10 floats as FP32")
                            || messages.contains("rank 1 called averageInPlace with [1, 10) of 10 floats as FP32 but"
                                    + " this rank called averageInPlace with 10 floats as FP32"),
                    messages);
        }
    }

    private static LocalRing form(int worldSize, WirePrecision wire) throws Exception {
        List<RingSettings> settings = new ArrayList<>();
        for (int rank = 0; rank < worldSize; rank++) {
            settings.add(new RingSettings(rank, worldSize, CHUNK, GENEROUS, wire));
        }
        assertEquals(worldSize, settings.size());
        return LocalRing.connect(LocalRing.listen(settings, List.of()));
    }
}
