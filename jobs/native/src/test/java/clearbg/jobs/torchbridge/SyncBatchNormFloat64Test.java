package clearbg.jobs.torchbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import clearbg.model.loss.MultiOutputBce;
import clearbg.model.nn.Arch;
import clearbg.model.nn.ThreadGradMode;
import clearbg.model.nn.U2NetModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SyncBatchNorm is exact: in float64, two U²-Net† replicas of batch 2 whose SyncBatchNorm statistics are summed
 * between them, their gradients averaged, compute what one replica computes on the 4 samples with per-batch
 * BatchNorm: one training-mode step's outputs, running statistics and <em>every</em> gradient within 1e-4 (relative,
 * per tensor).
 *
 * <p>Why float64: in float32 no two summation orders agree on this network's gradients. PyTorch 2.7.1 itself, the
 * original U²-Net† code on one batch of 4 at 64 px, gives gradients 1.9% (norm-wise over all; 3.3% for the worst
 * tensor) away from the same step in float64 (2026-12-07, AVX2 EPYC; 5.0% at 128 px): BatchNorm over small
 * statistics sets amplifies float32 rounding, so the float32 comparison of {@link SyncBatchNormTest} cannot reach
 * 1e-4 whatever the implementation. The biases of the convolutions in front of a BatchNorm have a gradient of
 * exactly zero (the normalisation removes any constant): computed, they are rounding noise (about 1e-17 in float64),
 * so for them, and any tensor whose reference gradient is below 1e-9 of the whole gradient's norm, the check is
 * absolute: the difference below 1e-9 of that norm.
 */
class SyncBatchNormFloat64Test {

    private static final int REPLICAS = 2;
    private static final int PER_REPLICA = 2;
    private static final int SIZE = 64;
    private static final long SEED = 7;
    private static final double TOLERANCE = 1e-4;
    private static final double ZERO = 1e-9;

    /** One step: side outputs, running statistics and gradients by parameter name. */
    private record Step(List<double[]> outputs, Map<String, double[]> statistics, Map<String, double[]> gradients) {}

    @Test
    void everyGradientOfOneStepOfTwoReplicasEqualsOneReplicaOnTheWholeBatch() throws Exception {
        TorchBridge bridge = BuiltBridge.load();
        Step whole = step(null, 0, REPLICAS * PER_REPLICA);
        ReplicaSum sum = new ReplicaSum();
        ExecutorService threads = Executors.newFixedThreadPool(REPLICAS);
        List<Step> replicas = new ArrayList<>();
        try {
            List<Future<Step>> futures = new ArrayList<>();
            for (int rank = 0; rank < REPLICAS; rank++) {
                int r = rank;
                futures.add(threads.submit(() -> {
                    try (SyncBatchNorm sync = new SyncBatchNorm(bridge, sum.forRank(r))) {
                        return step(sync, r * PER_REPLICA, PER_REPLICA);
                    }
                }));
            }
            for (Future<Step> future : futures) {
                replicas.add(future.get(10, TimeUnit.MINUTES));
            }
        } finally {
            threads.shutdownNow();
        }

        Map<String, double[]> averaged = new LinkedHashMap<>();
        whole.gradients().keySet().forEach(name -> {
            double[] a = replicas.get(0).gradients().get(name);
            double[] b = replicas.get(1).gradients().get(name);
            double[] mean = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                mean[i] = (a[i] + b[i]) / 2;
            }
            averaged.put(name, mean);
        });
        double total = norm(whole.gradients().values());
        double worst = 0;
        String worstName = "";
        int exactZeros = 0;
        for (Map.Entry<String, double[]> entry : whole.gradients().entrySet()) {
            double[] expected = entry.getValue();
            double difference = norm(List.of(difference(expected, averaged.get(entry.getKey()))));
            double size = norm(List.of(expected));
            if (size < ZERO * total) {
                exactZeros++;
                assertTrue(
                        difference <= ZERO * total,
                        entry.getKey() + ": a zero gradient off by " + difference / total + " of the whole norm");
            } else {
                double relative = difference / size;
                assertTrue(relative <= TOLERANCE, "the gradient of " + entry.getKey() + ": " + relative + " relative");
                if (relative > worst) {
                    worst = relative;
                    worstName = entry.getKey();
                }
            }
        }
        assertTrue(exactZeros > 0, "the biases in front of BatchNorm have zero gradients");
        for (int rank = 0; rank < REPLICAS; rank++) {
            Step replica = replicas.get(rank);
            for (Map.Entry<String, double[]> entry : whole.statistics().entrySet()) {
                double[] actual = replica.statistics().get(entry.getKey());
                double relative = norm(List.of(difference(entry.getValue(), actual))) / norm(List.of(entry.getValue()));
                assertTrue(relative <= TOLERANCE, entry.getKey() + " of rank " + rank + ": " + relative);
            }
            for (int k = 0; k < whole.outputs().size(); k++) {
                double[] all = whole.outputs().get(k);
                int per = all.length / REPLICAS;
                double[] mine = replica.outputs().get(k);
                assertEquals(per, mine.length);
                double squared = 0;
                double reference = 0;
                for (int i = 0; i < per; i++) {
                    double d = all[rank * per + i] - mine[i];
                    squared += d * d;
                    reference += all[rank * per + i] * all[rank * per + i];
                }
                assertTrue(Math.sqrt(squared / reference) <= TOLERANCE, "output " + k + " of rank " + rank);
            }
        }
        System.out.printf(
                "SyncBatchNormFloat64Test: worst gradient %s %.3g relative; %d exact-zero gradients%n",
                worstName, worst, exactZeros);
    }

    /** A float64 network's training-mode step on samples {@code [first, first + count)} of the global batch. */
    private static Step step(SyncBatchNorm sync, int first, int count) throws Exception {
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), SEED, DataType.FLOAT64);
                NDManager scratch = model.manager().newSubManager()) {
            Map<String, Parameter> trainable = new LinkedHashMap<>();
            Map<String, Parameter> statistics = new LinkedHashMap<>();
            model.namedParameters().forEach((name, parameter) -> {
                if (parameter.requiresGradient()) {
                    trainable.put(name, parameter);
                    parameter.getArray().setRequiresGradient(true);
                } else if (name.contains(".running_")) {
                    statistics.put(name, parameter);
                }
            });
            SplittableRandom random = new SplittableRandom(1000L);
            int n = REPLICAS * PER_REPLICA;
            double[] images = new double[n * 3 * SIZE * SIZE];
            double[] labels = new double[n * SIZE * SIZE];
            for (int i = 0; i < images.length; i++) {
                images[i] = random.nextGaussian();
            }
            for (int i = 0; i < labels.length; i++) {
                labels[i] = random.nextBoolean() ? 1 : 0;
            }
            double[] myImages = new double[count * 3 * SIZE * SIZE];
            System.arraycopy(images, first * 3 * SIZE * SIZE, myImages, 0, myImages.length);
            double[] myLabels = new double[count * SIZE * SIZE];
            System.arraycopy(labels, first * SIZE * SIZE, myLabels, 0, myLabels.length);
            List<double[]> outputs = new ArrayList<>();
            try (ThreadGradMode recording = ThreadGradMode.recording()) {
                NDList out = model.forward(scratch.create(myImages, new Shape(count, 3, SIZE, SIZE)), true, sync);
                NDArray loss = MultiOutputBce.compute(out, scratch.create(myLabels, new Shape(count, 1, SIZE, SIZE)))
                        .get(0);
                try (NDArray seed = loss.onesLike()) {
                    JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, false, false);
                }
                for (NDArray output : out) {
                    outputs.add(output.toDoubleArray());
                }
            }
            Map<String, double[]> gradients = new LinkedHashMap<>();
            trainable.forEach((name, parameter) -> {
                try (NDArray gradient = parameter.getArray().getGradient()) {
                    gradients.put(name, gradient.toDoubleArray());
                }
            });
            Map<String, double[]> running = new LinkedHashMap<>();
            statistics.forEach(
                    (name, parameter) -> running.put(name, parameter.getArray().toDoubleArray()));
            return new Step(outputs, running, gradients);
        }
    }

    /**
     * The replicas' {@link SyncBatchNorm.Sum} on threads of this JVM, in float64: each deposits its values, every one
     * adds them in rank order (so all get the same bits), and none deposits again before all have read.
     */
    private static final class ReplicaSum {

        private final CyclicBarrier barrier = new CyclicBarrier(REPLICAS);
        private final double[][] deposits = new double[REPLICAS][];

        SyncBatchNorm.Sum forRank(int rank) {
            return values -> {
                deposits[rank] = values.clone();
                await();
                double[] total = new double[values.length];
                for (double[] deposit : deposits) {
                    for (int i = 0; i < total.length; i++) {
                        total[i] += deposit[i];
                    }
                }
                await();
                System.arraycopy(total, 0, values, 0, values.length);
            };
        }

        private void await() throws java.io.IOException {
            try {
                barrier.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException | BrokenBarrierException | java.util.concurrent.TimeoutException e) {
                throw new java.io.IOException("the other replica did not arrive", e);
            }
        }
    }

    private static double[] difference(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static double norm(Iterable<double[]> parts) {
        double sum = 0;
        for (double[] part : parts) {
            for (double v : part) {
                sum += v * v;
            }
        }
        return Math.sqrt(sum);
    }
}
