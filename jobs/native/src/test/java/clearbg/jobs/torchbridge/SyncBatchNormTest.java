package clearbg.jobs.torchbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import clearbg.jobs.allreduce.FinalRanges;
import clearbg.jobs.allreduce.RingAllReduce;
import clearbg.jobs.allreduce.RingEndpoint;
import clearbg.jobs.allreduce.RingSettings;
import clearbg.model.io.HostTensor;
import clearbg.model.io.StateDict;
import clearbg.model.loss.MultiOutputBce;
import clearbg.model.nn.Arch;
import clearbg.model.nn.ThreadGradMode;
import clearbg.model.nn.U2NetModel;
import clearbg.model.optim.AdamSettings;
import clearbg.model.optim.FlatGradients;
import clearbg.model.train.BatchNormMode;
import clearbg.model.train.GradientExchange;
import clearbg.model.train.U2NetTrainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code --batch-norm sync}: two U²-Net† replicas of batch 2 on threads of this JVM, joined by the ring on 127.0.0.1,
 * compute what one replica computes on the 4 samples with per-batch BatchNorm statistics: the outputs and running
 * statistics of one training-mode step within 1e-4 (relative, per tensor), and the gradients of the layers without
 * BatchNorm behind them in backward; the bucketed exchange during backward gives the same weights after 20 steps as
 * the exchange after it, bit for bit, on both replicas. Printed, not asserted: every gradient and the weights after 20
 * steps. In float32 they differ from the whole batch's by up to about 2% per tensor, as PyTorch's own float32 step
 * differs from its float64 step on this network (1.9% over all gradients): BatchNorm over small statistics sets
 * amplifies rounding, so no float32 computation in another summation order can reach 1e-4. {@link
 * SyncBatchNormFloat64Test} shows the function exact in float64 (every gradient within 1e-4; measured 3e-12).
 */
class SyncBatchNormTest {

    private static final int REPLICAS = 2;
    private static final int PER_REPLICA = 2;
    private static final int SIZE = 64;
    private static final long SEED = 7;
    private static final int STEPS = 20;
    private static final long BUCKET_BYTES = 256 * 1024;

    /** One step's outputs (7 maps), averaged gradients (flat) and state dict (running statistics). */
    private record Step(List<float[]> outputs, float[] gradients, StateDict state, List<String> names) {}

    @Test
    void oneStepOfTwoReplicasEqualsOneReplicaOnTheWholeBatch() throws Exception {
        TorchBridge bridge = BuiltBridge.load();
        Step whole = referenceStep();
        List<Step> replicas = onRing((ring, rank) -> syncStep(bridge, ring, rank));
        for (int k = 0; k < whole.outputs().size(); k++) {
            int per = whole.outputs().get(k).length / REPLICAS;
            for (int rank = 0; rank < REPLICAS; rank++) {
                float[] expected = new float[per];
                System.arraycopy(whole.outputs().get(k), rank * per, expected, 0, per);
                assertClose(expected, replicas.get(rank).outputs().get(k), 1e-4, "output " + k + " of rank " + rank);
            }
        }
        for (int rank = 0; rank < REPLICAS; rank++) {
            Step replica = replicas.get(rank);
            for (Map.Entry<String, HostTensor> entry : whole.state().asMap().entrySet()) {
                if (entry.getKey().contains(".running_")) {
                    assertClose(
                            entry.getValue().floats(),
                            replica.state().get(entry.getKey()).floats(),
                            1e-4,
                            entry.getKey() + " of rank " + rank);
                }
            }
            Map<String, Double> relative = gradientDifferences(whole, replica);
            relative.forEach((name, difference) -> {
                if (!name.startsWith("stage")) { // side outputs and the fusion: no BatchNorm behind them in backward
                    assertTrue(difference <= 1e-4, "the gradient of " + name + ": " + difference + " relative");
                }
            });
            Map.Entry<String, Double> worst = relative.entrySet().stream()
                    .filter(e -> !e.getKey().endsWith("conv_s1.bias"))
                    .max(Map.Entry.comparingByValue())
                    .orElseThrow();
            double all = norm(difference(whole.gradients(), replica.gradients())) / norm(whole.gradients());
            System.out.printf(
                    "SyncBatchNormTest: rank %d, one step: all gradients %.3g relative; worst tensor %s %.3g%n",
                    rank, all, worst.getKey(), worst.getValue());
        }
    }

    /** Each trainable tensor's gradient difference, norm-wise relative to the whole batch's. */
    private static Map<String, Double> gradientDifferences(Step whole, Step replica) {
        assertEquals(whole.gradients().length, replica.gradients().length);
        Map<String, Double> relative = new LinkedHashMap<>();
        int offset = 0;
        for (String name : whole.names()) {
            int size = whole.state().get(name).floats().length;
            float[] expected = new float[size];
            float[] actual = new float[size];
            System.arraycopy(whole.gradients(), offset, expected, 0, size);
            System.arraycopy(replica.gradients(), offset, actual, 0, size);
            relative.put(name, norm(difference(expected, actual)) / Math.max(norm(expected), 1e-30));
            offset += size;
        }
        return relative;
    }

    @Test
    void twentyStepsOfTwoReplicasEqualOneReplicaOnTheWholeBatch() throws Exception {
        TorchBridge bridge = BuiltBridge.load();
        StateDict whole;
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), SEED);
                U2NetTrainer trainer = new U2NetTrainer(
                        model,
                        AdamSettings.U2NET_RECIPE,
                        BatchNormMode.BATCH_STATISTICS,
                        GradientExchange.SINGLE_REPLICA)) {
            for (int step = 0; step < STEPS; step++) {
                train(model, trainer, step, 0, REPLICAS * PER_REPLICA);
            }
            whole = model.stateDict();
        }
        List<StateDict[]> replicas = onRing((ring, rank) -> syncTraining(bridge, ring, rank));
        for (int rank = 0; rank < REPLICAS; rank++) {
            StateDict afterBackward = replicas.get(rank)[0];
            StateDict bucketed = replicas.get(rank)[1];
            assertEquals(afterBackward, bucketed, "rank " + rank + ": the buckets during backward, bit for bit");
            assertEquals(replicas.get(0)[0], afterBackward, "rank " + rank + " as rank 0, running statistics too");
            double worst = 0;
            String worstName = "";
            List<float[]> expectedAll = new ArrayList<>();
            List<float[]> actualAll = new ArrayList<>();
            for (Map.Entry<String, HostTensor> entry : whole.asMap().entrySet()) {
                if (entry.getKey().endsWith(".num_batches_tracked")) {
                    continue;
                }
                float[] expected = entry.getValue().floats();
                float[] actual = afterBackward.get(entry.getKey()).floats();
                expectedAll.add(expected);
                actualAll.add(actual);
                double relative = norm(difference(expected, actual)) / Math.max(norm(expected), 1e-30);
                if (relative > worst) {
                    worst = relative;
                    worstName = entry.getKey();
                }
            }
            double relative = norm(difference(concat(expectedAll), concat(actualAll))) / norm(concat(expectedAll));
            System.out.printf(
                    "SyncBatchNormTest: rank %d after %d steps: all weights and statistics %.3g relative; worst tensor"
                            + " %s %.3g%n",
                    rank, STEPS, relative, worstName, worst);
            // printed, not asserted: float32 rounding, see the class comment and SyncBatchNormFloat64Test
        }
    }

    /** One replica, batch 4, per-batch statistics: one training-mode step's outputs, gradients and state. */
    private static Step referenceStep() throws Exception {
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), SEED)) {
            return step(model, null, 0, REPLICAS * PER_REPLICA, null);
        }
    }

    /** Rank {@code rank}'s step with SyncBatchNorm, its gradients averaged over the ring. */
    private static Step syncStep(TorchBridge bridge, RingAllReduce ring, int rank) throws Exception {
        SyncBatchNorm.Sum sum = SyncBatchNorm.inFloat32(ring::sumInPlace);
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), SEED);
                SyncBatchNorm sync = new SyncBatchNorm(bridge, sum)) {
            return step(model, sync, rank * PER_REPLICA, PER_REPLICA, ring);
        }
    }

    private static Step step(U2NetModel model, SyncBatchNorm sync, int first, int count, RingAllReduce ring)
            throws Exception {
        List<String> names = new ArrayList<>();
        List<Parameter> parameters = new ArrayList<>();
        model.namedParameters().forEach((name, parameter) -> {
            if (parameter.requiresGradient()) {
                names.add(name);
                parameters.add(parameter);
                parameter.getArray().setRequiresGradient(true);
            }
        });
        List<float[]> outputs = new ArrayList<>();
        try (NDManager scratch = model.manager().newSubManager()) {
            float[][] batch = batch(0);
            try (ThreadGradMode recording = ThreadGradMode.recording()) {
                NDList out = model.forward(
                        scratch.create(slice(batch[0], first, count), new Shape(count, 3, SIZE, SIZE)), true, sync);
                NDArray loss = MultiOutputBce.compute(
                                out, scratch.create(slice(batch[1], first, count), new Shape(count, 1, SIZE, SIZE)))
                        .get(0);
                try (NDArray seed = loss.onesLike()) {
                    JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, false, false);
                }
                for (NDArray output : out) {
                    outputs.add(output.toFloatArray());
                }
            }
        }
        float[] gradients = new float[FlatGradients.size(parameters)];
        FlatGradients.read(parameters, gradients);
        if (ring != null) {
            ring.averageInPlace(gradients);
        }
        return new Step(outputs, gradients, model.stateDict(), names);
    }

    /** Rank {@code rank}'s 20 SyncBatchNorm steps, with the exchange after backward and then during it. */
    private static StateDict[] syncTraining(TorchBridge bridge, RingAllReduce ring, int rank) throws Exception {
        StateDict afterBackward;
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), SEED);
                U2NetTrainer trainer = new U2NetTrainer(
                        model,
                        AdamSettings.U2NET_RECIPE,
                        BatchNormMode.SYNC,
                        (flat, ready) -> ring.averageInPlace(flat, ready::ready))) {
            trainer.useSyncBatchNorm(new SyncBatchNorm(bridge, SyncBatchNorm.inFloat32(ring::sumInPlace)));
            for (int step = 0; step < STEPS; step++) {
                train(model, trainer, step, rank * PER_REPLICA, PER_REPLICA);
            }
            afterBackward = model.stateDict();
        }
        AtomicReference<BucketedExchange> buckets = new AtomicReference<>();
        SyncBatchNorm.Sum sum = SyncBatchNorm.inFloat32(ring::sumInPlace);
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), SEED);
                U2NetTrainer trainer =
                        new U2NetTrainer(model, AdamSettings.U2NET_RECIPE, BatchNormMode.SYNC, parameters -> {
                            BucketedExchange exchange = new BucketedExchange(
                                    bridge,
                                    parameters,
                                    BUCKET_BYTES,
                                    (flat, from, to) -> ring.averageInPlace(flat, from, to, FinalRanges.NONE));
                            buckets.set(exchange);
                            return exchange;
                        })) {
            trainer.useSyncBatchNorm(
                    new SyncBatchNorm(bridge, values -> buckets.get().runInOrder(() -> sum.sumInPlace(values))));
            for (int step = 0; step < STEPS; step++) {
                train(model, trainer, step, rank * PER_REPLICA, PER_REPLICA);
            }
            return new StateDict[] {afterBackward, model.stateDict()};
        }
    }

    private static void train(U2NetModel model, U2NetTrainer trainer, int step, int first, int count) {
        float[][] batch = batch(step);
        try (NDManager scratch = model.manager().newSubManager()) {
            double loss = trainer.step(
                            scratch.create(slice(batch[0], first, count), new Shape(count, 3, SIZE, SIZE)),
                            scratch.create(slice(batch[1], first, count), new Shape(count, 1, SIZE, SIZE)),
                            1e-3)
                    .total();
            assertTrue(Double.isFinite(loss), "a finite loss");
        }
    }

    /** Step {@code step}'s global batch of 4: images and labels. */
    private static float[][] batch(int step) {
        SplittableRandom random = new SplittableRandom(1000L + step);
        int n = REPLICAS * PER_REPLICA;
        float[] images = new float[n * 3 * SIZE * SIZE];
        float[] labels = new float[n * SIZE * SIZE];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextBoolean() ? 1f : 0f;
        }
        return new float[][] {images, labels};
    }

    /** Samples {@code [first, first + count)} of a batch array. */
    private static float[] slice(float[] batch, int first, int count) {
        int per = batch.length / (REPLICAS * PER_REPLICA);
        float[] part = new float[count * per];
        System.arraycopy(batch, first * per, part, 0, part.length);
        return part;
    }

    @FunctionalInterface
    private interface Replica<T> {
        T run(RingAllReduce ring, int rank) throws Exception;
    }

    /** Runs {@code replica} on each rank's thread, joined by a ring on 127.0.0.1; the results by rank. */
    private static <T> List<T> onRing(Replica<T> replica) throws Exception {
        List<RingEndpoint> endpoints = new ArrayList<>();
        for (int rank = 0; rank < REPLICAS; rank++) {
            endpoints.add(RingAllReduce.listen(RingSettings.of(rank, REPLICAS), "127.0.0.1", "sync-batch-norm"));
        }
        List<String> introductions =
                endpoints.stream().map(RingEndpoint::introduction).toList();
        ExecutorService threads = Executors.newFixedThreadPool(REPLICAS);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int rank = 0; rank < REPLICAS; rank++) {
                int r = rank;
                futures.add(threads.submit(() -> {
                    try (RingAllReduce ring = endpoints.get(r).connect(introductions)) {
                        return replica.run(ring, r);
                    }
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(10, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            threads.shutdownNow();
            for (RingEndpoint endpoint : endpoints) {
                endpoint.close();
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        double relative = norm(difference(expected, actual)) / Math.max(norm(expected), 1e-30);
        assertTrue(relative <= tolerance, what + ": " + relative + " relative (norm-wise), above " + tolerance);
    }

    private static float[] difference(float[] a, float[] b) {
        float[] d = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static double norm(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }

    private static float[] concat(List<float[]> parts) {
        float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int offset = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, all, offset, part.length);
            offset += part.length;
        }
        return all;
    }
}
