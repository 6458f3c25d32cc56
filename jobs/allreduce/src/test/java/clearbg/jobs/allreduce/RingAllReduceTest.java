package clearbg.jobs.allreduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.jobs.allreduce.RankThreads.Outcome;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RingAllReduceTest {

    private static final Duration GENEROUS = Duration.ofSeconds(30);
    /** The set-up time-out of rings that cannot form: it bounds how long a test waits for the second rank. */
    private static final Duration MISMATCH_TIMEOUT = Duration.ofSeconds(10);

    private static final int SMALL_CHUNK = 4096;

    @ParameterizedTest(name = "world size {0}")
    @ValueSource(ints = {1, 2, 3, 4})
    void sumIsTheRingOrderFloatSumBitIdenticalOnEveryRank(int worldSize) throws Exception {
        int[] lengths = {0, 1, 2, 7, 1_000_003, 5}; // one ring, many calls: buffers are reused
        try (LocalRing ring = LocalRing.form(worldSize, SMALL_CHUNK, GENEROUS)) {
            for (int length : lengths) {
                float[][] inputs = randomInputs(worldSize, length, 31L * worldSize + length);
                List<float[]> results = RankThreads.runAll(worldSize, rank -> {
                    float[] data = inputs[rank].clone();
                    ring.rank(rank).sumInPlace(data);
                    return data;
                });
                float[] expected = ringOrderSum(inputs);
                for (int rank = 0; rank < worldSize; rank++) {
                    assertBitsEqual(expected, results.get(rank), "rank " + rank + ", length " + length);
                }
                assertCloseToExactSum(inputs, results.get(0));
            }
        }
    }

    @Test
    void averageIsTheSumTimesTheReciprocalOnEveryRank() throws Exception {
        int worldSize = 3;
        float[][] inputs = randomInputs(worldSize, 10_001, 7);
        try (LocalRing ring = LocalRing.form(worldSize, SMALL_CHUNK, GENEROUS)) {
            List<float[]> results = RankThreads.runAll(worldSize, rank -> {
                float[] data = inputs[rank].clone();
                ring.rank(rank).averageInPlace(data);
                return data;
            });
            float[] expected = ringOrderSum(inputs);
            for (int i = 0; i < expected.length; i++) {
                expected[i] *= 1f / worldSize;
            }
            for (int rank = 0; rank < worldSize; rank++) {
                assertBitsEqual(expected, results.get(rank), "rank " + rank);
            }
        }
    }

    /**
     * Each range reported final already holds its final mean when it is reported (a copy taken then equals the
     * result), and the ranges cover the array exactly once.
     */
    @ParameterizedTest(name = "world size {0}")
    @ValueSource(ints = {1, 2, 3})
    void rangesReportedFinalHoldTheirMeanAlreadyAndCoverTheArrayOnce(int worldSize) throws Exception {
        float[][] inputs = randomInputs(worldSize, 50_021, 13);
        try (LocalRing ring = LocalRing.form(worldSize, SMALL_CHUNK, GENEROUS)) {
            List<float[][]> results = RankThreads.runAll(worldSize, rank -> {
                float[] data = inputs[rank].clone();
                float[] seenWhenReported = new float[data.length];
                int[] reports = new int[data.length];
                ring.rank(rank).averageInPlace(data, (offset, length) -> {
                    System.arraycopy(data, offset, seenWhenReported, offset, length);
                    for (int i = offset; i < offset + length; i++) {
                        reports[i]++;
                    }
                });
                float[] counts = new float[data.length];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = reports[i];
                }
                return new float[][] {data, seenWhenReported, counts};
            });
            float[] once = new float[inputs[0].length];
            java.util.Arrays.fill(once, 1f);
            for (int rank = 0; rank < worldSize; rank++) {
                float[][] r = results.get(rank);
                assertBitsEqual(r[0], r[1], "rank " + rank + ": values when reported final");
                assertBitsEqual(once, r[2], "rank " + rank + ": times each element was reported");
            }
        }
    }

    @Test
    void resultDoesNotDependOnTheChunkSize() throws Exception {
        int worldSize = 3;
        float[][] inputs = randomInputs(worldSize, 300_007, 11);
        float[] first = null;
        for (int chunkBytes : new int[] {4096, 12_292, RingSettings.DEFAULT_CHUNK_BYTES}) {
            try (LocalRing ring = LocalRing.form(worldSize, chunkBytes, GENEROUS)) {
                float[] result = RankThreads.runAll(worldSize, rank -> {
                            float[] data = inputs[rank].clone();
                            ring.rank(rank).sumInPlace(data);
                            return data;
                        })
                        .get(1);
                if (first == null) {
                    first = result;
                } else {
                    assertBitsEqual(first, result, "chunk " + chunkBytes);
                }
            }
        }
    }

    @Test
    void aPeerThatClosesMakesTheOthersFailFastNamingRankAndPeer() throws Exception {
        int worldSize = 3;
        try (LocalRing ring = LocalRing.form(worldSize, SMALL_CHUNK, GENEROUS)) {
            List<Outcome<Void>> outcomes = RankThreads.run(worldSize, rank -> {
                float[] data = new float[2_000_000];
                ring.rank(rank).sumInPlace(data); // all three complete one call
                if (rank == 2) {
                    ring.rank(2).close(); // then rank 2 dies
                    ring.rank(2).close(); // (idempotent)
                    return null;
                }
                ring.rank(rank).sumInPlace(data); // the others are in the second call
                return null;
            });
            for (int rank = 0; rank < 2; rank++) {
                Outcome<Void> outcome = outcomes.get(rank);
                IOException failure = assertInstanceOf(IOException.class, outcome.failure(), "rank " + rank);
                assertTrue(failure.getMessage().startsWith("rank " + rank + " of 3: "), failure.getMessage());
                assertTrue(failure.getMessage().matches(".*rank [0-2] at .*"), failure.getMessage());
                assertFalse(
                        failure.getMessage().contains("no progress for"),
                        "detected through the closed connection, not by waiting for the time-out: "
                                + failure.getMessage());
            }
            assertThrows(IOException.class, () -> ring.rank(0).sumInPlace(new float[1]), "a failed ring stays closed");
        }
    }

    /**
     * A peer that died between two calls (an executor killed while its replica computed): the next call fails
     * at once. Before the fix, the send that call submitted was dropped unstarted by the ring's close and the
     * call waited for it forever, in about 4 of 10 tries; 30 tries leave such a hang unseen with odds below 1e-6.
     */
    @Test
    void aCallAfterThePeerClosedFailsAndDoesNotWaitForItsDroppedSend() throws Exception {
        for (int attempt = 0; attempt < 30; attempt++) {
            try (LocalRing ring = LocalRing.form(2, SMALL_CHUNK, GENEROUS)) {
                RankThreads.runAll(2, rank -> {
                    ring.rank(rank).sumInPlace(new float[10]); // both sending threads started and idle
                    return null;
                });
                ring.rank(1).close();
                Outcome<Void> outcome = RankThreads.<Void>run(1, rank -> {
                            ring.rank(0).sumInPlace(new float[10]);
                            return null;
                        })
                        .get(0);
                IOException failure = assertInstanceOf(IOException.class, outcome.failure(), "attempt " + attempt);
                assertTrue(failure.getMessage().startsWith("rank 0 of 2: "), failure.getMessage());
            }
        }
    }

    @Test
    void aPeerThatStopsTakingPartMakesTheOthersTimeOut() throws Exception {
        int worldSize = 3;
        try (LocalRing ring = LocalRing.form(worldSize, SMALL_CHUNK, Duration.ofSeconds(2))) {
            CountDownLatch othersDone = new CountDownLatch(2);
            List<Outcome<Void>> outcomes = RankThreads.run(worldSize, rank -> {
                if (rank == 2) { // connected, alive, but never calls: a hung rank
                    othersDone.await(30, TimeUnit.SECONDS);
                    return null;
                }
                try {
                    ring.rank(rank).sumInPlace(new float[3_000_000]);
                } finally {
                    othersDone.countDown();
                }
                return null;
            });
            String messages = "";
            for (int rank = 0; rank < 2; rank++) {
                Outcome<Void> outcome = outcomes.get(rank);
                assertInstanceOf(IOException.class, outcome.failure(), "rank " + rank);
                messages += outcome.failure().getMessage() + "\n";
            }
            assertTrue(messages.contains("no progress for 2000 ms"), messages);
        }
    }

    @Test
    void closeFromAnotherThreadAbortsACallInProgress() throws Exception {
        try (LocalRing ring = LocalRing.form(2, SMALL_CHUNK, GENEROUS)) {
            Thread closer = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ring.rank(0).close();
            });
            closer.start();
            IOException failure =
                    assertThrows(IOException.class, () -> ring.rank(0).sumInPlace(new float[1000]));
            assertFalse(
                    failure.getMessage().contains("no progress for"),
                    "aborted by close, not by the time-out: " + failure.getMessage());
            assertTrue(failure.getMessage().startsWith("rank 0 of 2: "), failure.getMessage());
            closer.join();
        }
    }

    @Test
    void anInterruptEndsACallAndKeepsTheInterruptFlag() throws Exception {
        try (LocalRing ring = LocalRing.form(2, SMALL_CHUNK, GENEROUS)) {
            Thread caller = Thread.currentThread();
            Thread interrupter = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                caller.interrupt();
            });
            interrupter.start();
            IOException failure =
                    assertThrows(IOException.class, () -> ring.rank(0).sumInPlace(new float[1000]));
            boolean interrupted = Thread.interrupted(); // also clears the flag for the next tests
            assertTrue(interrupted, "the interrupt flag stays set");
            assertInstanceOf(InterruptedIOException.class, failure.getCause(), failure.toString());
            interrupter.join();
        }
    }

    @Test
    void closingStopsTheSendingThreads() throws Exception {
        try (LocalRing ring = LocalRing.form(3, SMALL_CHUNK, GENEROUS)) {
            RankThreads.runAll(3, rank -> {
                ring.rank(rank).sumInPlace(new float[100]);
                return null;
            });
            assertTrue(senderThreads() >= 3, "one sending thread per connected rank");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (senderThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, senderThreads());
    }

    private static long senderThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("ring-allreduce-sender-") && thread.isAlive())
                .count();
    }

    @Test
    void callsWithDifferentLengthsFailWithBothLengthsNamed() throws Exception {
        try (LocalRing ring = LocalRing.form(2, SMALL_CHUNK, GENEROUS)) {
            List<Outcome<Void>> outcomes = RankThreads.run(2, rank -> {
                ring.rank(rank).sumInPlace(new float[10 + rank]);
                return null;
            });
            String messages = outcomes.get(0).failure() + "\n" + outcomes.get(1).failure();
            assertNotNull(outcomes.get(0).failure());
            assertNotNull(outcomes.get(1).failure());
            // the rank that reads the other's header first names both lengths; the other may then only see
            // the closed connection, before or after its own header check
            assertTrue(
                    messages.contains("rank 0 called sumInPlace with 10 floats as FP32 but this rank called"
                                    + " sumInPlace with 11 floats as FP32")
                            || messages.contains("rank 1 called sumInPlace with 11 floats as FP32 but this rank called"
                                    + " sumInPlace with 10 floats as FP32"),
                    messages);
        }
    }

    /**
     * The connecting side gets the reason; the first rank to fail can only have failed on it, while the other
     * may find that rank gone first and then fail by its time-out (the accepting side never fails on what a
     * connection sends).
     */
    @Test
    void handshakeRefusesAnotherJobToken() throws Exception {
        List<RingSettings> settings = List.of(
                new RingSettings(0, 2, SMALL_CHUNK, MISMATCH_TIMEOUT),
                new RingSettings(1, 2, SMALL_CHUNK, MISMATCH_TIMEOUT));
        List<RingEndpoint> endpoints = LocalRing.listen(settings, List.of("job-a/attempt-0", "job-a/attempt-1"));
        List<String> introductions = LocalRing.introductions(endpoints);
        List<Outcome<RingAllReduce>> outcomes =
                RankThreads.run(2, rank -> endpoints.get(rank).connect(introductions));
        assertEveryRankFailedOneNaming(outcomes, "refused the connection from rank [01]: job token differs");
    }

    @Test
    void handshakeRefusesAnotherWorldSize() throws Exception {
        List<RingSettings> settings = List.of(
                new RingSettings(0, 2, SMALL_CHUNK, MISMATCH_TIMEOUT),
                new RingSettings(1, 3, SMALL_CHUNK, MISMATCH_TIMEOUT));
        List<RingEndpoint> endpoints = LocalRing.listen(settings, List.of());
        String a = endpoints.get(0).introduction();
        String b = endpoints.get(1).introduction();
        List<Outcome<RingAllReduce>> outcomes =
                RankThreads.run(2, rank -> endpoints.get(rank).connect(rank == 0 ? List.of(a, b) : List.of(a, b, a)));
        assertEveryRankFailedOneNaming(
                outcomes, "refused the connection from rank [01]: world size [23] differs from [23]");
    }

    private static void assertEveryRankFailedOneNaming(List<Outcome<RingAllReduce>> outcomes, String reason) {
        String messages = "";
        for (Outcome<RingAllReduce> outcome : outcomes) {
            assertInstanceOf(IOException.class, outcome.failure());
            messages += outcome.failure().getMessage() + "\n";
        }
        assertTrue(messages.matches("(?s).*" + reason + ".*"), messages);
    }

    @Test
    void aWorldOfOneOpensNoSocketAndLeavesTheDataAsItIs() throws Exception {
        try (RingEndpoint endpoint = RingAllReduce.listen(RingSettings.of(0, 1), "127.0.0.1", LocalRing.TOKEN)) {
            assertEquals("127.0.0.1:0", endpoint.address());
            assertNull(endpoint.listeningAddress());
            try (RingAllReduce ring = endpoint.connect(List.of(endpoint.introduction()))) {
                float[] data = {1.5f, -2f, Float.MIN_VALUE};
                ring.sumInPlace(data);
                ring.averageInPlace(data);
                assertArrayEquals(new float[] {1.5f, -2f, Float.MIN_VALUE}, data);
            }
        }
    }

    @Test
    void addressesMustBeIndexedByRank() throws Exception {
        List<RingSettings> settings = List.of(RingSettings.of(0, 2), RingSettings.of(1, 2));
        List<RingEndpoint> endpoints = LocalRing.listen(settings, List.of());
        try {
            List<String> swapped =
                    List.of(endpoints.get(1).introduction(), endpoints.get(0).introduction());
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> endpoints.get(0).connect(swapped));
            assertTrue(e.getMessage().contains("addresses must be indexed by rank"), e.getMessage());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> endpoints.get(1).connect(List.of(endpoints.get(1).introduction())));
        } finally {
            for (RingEndpoint endpoint : endpoints) {
                endpoint.close();
            }
        }
    }

    /** Inputs with magnitudes from 1e-3 to 1e3, so that the summation order shows in the low bits. */
    static float[][] randomInputs(int worldSize, int length, long seed) {
        Random random = new Random(seed);
        float[][] inputs = new float[worldSize][length];
        for (float[] input : inputs) {
            for (int i = 0; i < length; i++) {
                input[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
            }
        }
        return inputs;
    }

    /** The documented order: element of segment k = ((x[k] + x[k+1]) + ...) + x[k+n-1], ranks mod n. */
    private static float[] ringOrderSum(float[][] inputs) {
        return ringOrderResult(inputs, WirePrecision.FP32, false);
    }

    /**
     * The documented order with what the wire does: {@code w} = rounding to the wire's precision (none for
     * FP32); element of segment k = w(...w(w(x[k]) + x[k+1]) + ... + x[k+n-1]), the last sum times 1/n when
     * {@code average}, ranks mod n. One rank sends nothing, so its data stays as it is.
     */
    static float[] ringOrderResult(float[][] inputs, WirePrecision wire, boolean average) {
        int n = inputs.length;
        int length = inputs[0].length;
        if (n == 1) {
            return inputs[0].clone();
        }
        float[] result = new float[length];
        int base = length / n;
        int longer = length % n;
        for (int k = 0, start = 0; k < n; k++) {
            int end = start + base + (k < longer ? 1 : 0);
            for (int i = start; i < end; i++) {
                float acc = onWire(inputs[k][i], wire);
                for (int j = 1; j < n; j++) {
                    acc += inputs[(k + j) % n][i];
                    if (j == n - 1 && average) {
                        acc *= 1f / n;
                    }
                    acc = onWire(acc, wire);
                }
                result[i] = acc;
            }
            start = end;
        }
        return result;
    }

    private static float onWire(float value, WirePrecision wire) {
        return wire == WirePrecision.BF16 ? Bfloat16.roundToFloat(value) : value;
    }

    /** Recursive float summation of n terms is within (n - 1) * 2^-24 * sum|x| of the exact sum. */
    private static void assertCloseToExactSum(float[][] inputs, float[] result) {
        for (int i = 0; i < result.length; i++) {
            double exact = 0;
            double magnitude = 0;
            for (float[] input : inputs) {
                exact += input[i];
                magnitude += Math.abs(input[i]);
            }
            double bound = inputs.length * Math.ulp(1f) * magnitude + Float.MIN_NORMAL;
            if (Math.abs(result[i] - exact) > bound) {
                throw new AssertionError("element " + i + ": " + result[i] + " vs exact " + exact);
            }
        }
    }

    static void assertBitsEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }
}
