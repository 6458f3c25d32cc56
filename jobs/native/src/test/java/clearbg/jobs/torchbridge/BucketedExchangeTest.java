package clearbg.jobs.torchbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import clearbg.jobs.allreduce.FinalRanges;
import clearbg.jobs.allreduce.RingAllReduce;
import clearbg.jobs.allreduce.RingEndpoint;
import clearbg.jobs.allreduce.RingSettings;
import clearbg.model.nn.Arch;
import clearbg.model.nn.ThreadGradMode;
import clearbg.model.nn.U2NetModel;
import clearbg.model.optim.FlatGradients;
import clearbg.model.train.GradientExchange;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Three U²-Net† replicas on threads of this JVM, joined by the ring on 127.0.0.1: the buckets exchanged during
 * backward give every replica the same mean, bit for bit, as averaging the whole flat array after backward.
 */
class BucketedExchangeTest {

    private static final int REPLICAS = 3;
    private static final long BUCKET_BYTES = 512 * 1024;

    /** What one replica saw. */
    private record Replica(
            float[] bucketed, float[] wholeAfterBackward, int buckets, int launchedInBackward, int[] reportedTimes) {}

    @Test
    void bucketsExchangedDuringBackwardEqualTheWholeExchangeAfterItBitForBit() throws Exception {
        TorchBridge bridge = BuiltBridge.load();
        List<RingEndpoint> endpoints = new ArrayList<>();
        for (int rank = 0; rank < REPLICAS; rank++) {
            endpoints.add(RingAllReduce.listen(RingSettings.of(rank, REPLICAS), "127.0.0.1", "bucketed-test"));
        }
        List<String> introductions =
                endpoints.stream().map(RingEndpoint::introduction).toList();
        ExecutorService threads = Executors.newFixedThreadPool(REPLICAS);
        try {
            List<Future<Replica>> futures = new ArrayList<>();
            for (int rank = 0; rank < REPLICAS; rank++) {
                int r = rank;
                futures.add(threads.submit(() -> replica(bridge, endpoints.get(r), introductions, r)));
            }
            List<Replica> replicas = new ArrayList<>();
            for (Future<Replica> future : futures) {
                replicas.add(future.get(5, TimeUnit.MINUTES));
            }
            for (int rank = 0; rank < REPLICAS; rank++) {
                Replica replica = replicas.get(rank);
                assertTrue(replica.buckets() > 3, "several buckets: " + replica.buckets());
                assertEquals(replica.buckets(), replica.launchedInBackward(), "every bucket started during backward");
                assertTrue(nonZero(replica.wholeAfterBackward()) > 0, "the replicas had gradients");
                assertBitsEqual(replica.wholeAfterBackward(), replica.bucketed(), "rank " + rank);
                assertBitsEqual(replicas.get(0).bucketed(), replica.bucketed(), "rank " + rank + " as rank 0");
                for (int i = 0; i < replica.reportedTimes().length; i++) {
                    if (replica.reportedTimes()[i] != 1) {
                        throw new AssertionError("rank " + rank + ": element " + i + " was reported averaged "
                                + replica.reportedTimes()[i] + " times, not once");
                    }
                }
            }
        } finally {
            threads.shutdownNow();
            for (RingEndpoint endpoint : endpoints) {
                endpoint.close();
            }
        }
    }

    /** One replica: a training step's backward with the bucketed exchange, then the whole exchange of a copy. */
    private static Replica replica(TorchBridge bridge, RingEndpoint endpoint, List<String> introductions, int rank)
            throws Exception {
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), 11);
                NDManager batch = model.manager().newSubManager();
                RingAllReduce ring = endpoint.connect(introductions)) {
            List<Parameter> parameters = model.trainableParameters();
            parameters.forEach(p -> p.getArray().setRequiresGradient(true));
            float[] flat = new float[FlatGradients.size(parameters)];
            float[] before = new float[flat.length]; // each window as it went into the exchange
            NDArray images = batch.create(noise(2 * 3 * 32 * 32, rank), new Shape(2, 3, 32, 32));
            int launchedInBackward;
            int[] reportedTimes = new int[flat.length];
            GradientExchange.ReadyRanges averaged = (offset, length) -> {
                for (int i = offset; i < offset + length; i++) {
                    reportedTimes[i]++; // on the exchange thread only
                }
            };
            try (BucketedExchange exchange =
                    new BucketedExchange(bridge, parameters, BUCKET_BYTES, (data, from, to) -> {
                        System.arraycopy(data, from, before, from, to - from);
                        ring.averageInPlace(data, from, to, FinalRanges.NONE);
                    })) {
                exchange.begin(flat, averaged);
                try (ThreadGradMode recording = ThreadGradMode.recording()) {
                    NDArray loss = model.forward(images, true).get(0).mean();
                    try (NDArray seed = loss.onesLike()) {
                        JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, false, false);
                    }
                }
                launchedInBackward = exchange.launched();
                exchange.finish();
                float[] whole = before.clone();
                ring.averageInPlace(whole);
                return new Replica(flat, whole, exchange.bucketCount(), launchedInBackward, reportedTimes);
            }
        }
    }

    private static float[] noise(int length, long seed) {
        Random random = new Random(seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static int nonZero(float[] values) {
        int count = 0;
        for (float value : values) {
            count += value != 0f ? 1 : 0;
        }
        return count;
    }

    private static void assertBitsEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(
                    Float.floatToRawIntBits(expected[i]),
                    Float.floatToRawIntBits(actual[i]),
                    what + ": element " + i + " differs");
        }
    }
}
