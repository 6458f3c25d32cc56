package clearbg.jobs.allreduce;

import static clearbg.jobs.allreduce.RingAllReduceTest.assertBitsEqual;
import static clearbg.jobs.allreduce.RingAllReduceTest.randomInputs;
import static clearbg.jobs.allreduce.RingAllReduceTest.ringOrderResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.jobs.allreduce.RankThreads.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bfloat16 on the wire: the ring's result is the documented ring-order sum with each sent partial sum and each
 * completed sum rounded to bfloat16, bit-identical on every rank, within the rounding bound of the exact sum;
 * ranks that disagree on the wire fail naming both.
 */
class RingWirePrecisionTest {

    private static final Duration GENEROUS = Duration.ofSeconds(30);
    private static final int CHUNK = 4096;

    @ParameterizedTest(name = "world size {0}")
    @ValueSource(ints = {1, 2, 3, 4})
    void bf16SumsAndMeansAreTheRoundedRingOrderResultOnEveryRank(int worldSize) throws Exception {
        try (LocalRing ring = form(worldSize, WirePrecision.BF16, WirePrecision.BF16)) {
            for (boolean average : new boolean[] {false, true}) {
                for (int length : new int[] {1, 7, 100_003}) {
                    float[][] inputs = randomInputs(worldSize, length, 17L * worldSize + length);
                    List<float[]> results = RankThreads.runAll(worldSize, rank -> {
                        float[] data = inputs[rank].clone();
                        if (average) {
                            ring.rank(rank).averageInPlace(data);
                        } else {
                            ring.rank(rank).sumInPlace(data);
                        }
                        return data;
                    });
                    float[] expected = ringOrderResult(inputs, WirePrecision.BF16, average);
                    String what = (average ? "mean" : "sum") + " of " + length;
                    for (int rank = 0; rank < worldSize; rank++) {
                        assertBitsEqual(expected, results.get(rank), what + ", rank " + rank);
                    }
                    if (worldSize > 1) {
                        assertBf16WithinRoundingOfExact(inputs, results.get(0), average, what);
                    }
                }
            }
        }
    }

    @Test
    void ranksThatDisagreeOnTheWireFailNamingBoth() throws Exception {
        try (LocalRing ring = form(2, WirePrecision.FP32, WirePrecision.BF16)) {
            List<Outcome<Void>> outcomes = RankThreads.run(2, rank -> {
                ring.rank(rank).sumInPlace(new float[10]);
                return null;
            });
            assertNotNull(outcomes.get(0).failure());
            assertNotNull(outcomes.get(1).failure());
            String messages = outcomes.get(0).failure() + "\n" + outcomes.get(1).failure();
            assertTrue(
                    messages.contains("rank 0 called sumInPlace with 10 floats as FP32 but this rank called"
                                    + " sumInPlace with 10 floats as BF16")
                            || messages.contains("rank 1 called sumInPlace with 10 floats as BF16 but this rank"
                                    + " called sumInPlace with 10 floats as FP32"),
                    messages);
        }
    }

    @Test
    void settingsCarryTheWireAndDefaultToFp32() {
        assertEquals(WirePrecision.FP32, RingSettings.of(0, 2).wire());
        RingSettings bf16 = RingSettings.of(1, 2).withWire(WirePrecision.BF16).withChunkBytes(8192);
        assertEquals(WirePrecision.BF16, bf16.wire());
        assertEquals(4096, bf16.chunkElements(), "a chunk holds twice as many bfloat16 elements");
        assertEquals(2048, RingSettings.of(1, 2).withChunkBytes(8192).chunkElements());
    }

    /**
     * Every value is a bfloat16, and each of the n roundings (of a partial sum, at most 2^-9 of it, plus the
     * float additions) keeps the result within n * 2^-8 * sum|x| (over n for the mean) of the exact sum.
     */
    private static void assertBf16WithinRoundingOfExact(
            float[][] inputs, float[] result, boolean average, String what) {
        int n = inputs.length;
        for (int i = 0; i < result.length; i++) {
            assertEquals(0, Float.floatToRawIntBits(result[i]) & 0xffff, what + ": element " + i + " is a bfloat16");
            double exact = 0;
            double magnitude = 0;
            for (float[] input : inputs) {
                exact += input[i];
                magnitude += Math.abs(input[i]);
            }
            double scale = average ? 1.0 / n : 1.0;
            double bound = n * Math.pow(2, -8) * magnitude * scale + Float.MIN_NORMAL;
            assertEquals(exact * scale, result[i], bound, what + ": element " + i);
        }
    }

    private static LocalRing form(int worldSize, WirePrecision rank0, WirePrecision others) throws Exception {
        List<RingSettings> settings = new ArrayList<>();
        for (int rank = 0; rank < worldSize; rank++) {
            settings.add(new RingSettings(rank, worldSize, CHUNK, GENEROUS, rank == 0 ? rank0 : others));
        }
        return LocalRing.connect(LocalRing.listen(settings, List.of()));
    }
}
