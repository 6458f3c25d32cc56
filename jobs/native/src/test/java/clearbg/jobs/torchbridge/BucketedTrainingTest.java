package clearbg.jobs.torchbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import clearbg.jobs.allreduce.FinalRanges;
import clearbg.jobs.allreduce.RingAllReduce;
import clearbg.jobs.allreduce.RingEndpoint;
import clearbg.jobs.allreduce.RingSettings;
import clearbg.model.io.HostTensor;
import clearbg.model.io.StateDict;
import clearbg.model.nn.Arch;
import clearbg.model.nn.U2NetModel;
import clearbg.model.optim.AdamSettings;
import clearbg.model.train.BatchNormMode;
import clearbg.model.train.StepResult;
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
import org.junit.jupiter.api.Test;

/**
 * Data-parallel U²-Net† training on three replicas joined by the ring: with the gradients exchanged in buckets
 * during backward, every replica's weights after two steps equal, bit for bit, those of the same training with the
 * exchange after backward.
 */
class BucketedTrainingTest {

    private static final int REPLICAS = 3;
    private static final int BATCH = 2;
    private static final int SIZE = 32;
    private static final long BUCKET_BYTES = 256 * 1024;

    @Test
    void weightsAfterTwoStepsEqualTheExchangeAfterBackwardBitForBit() throws Exception {
        TorchBridge bridge = BuiltBridge.load();
        List<RingEndpoint> endpoints = new ArrayList<>();
        for (int rank = 0; rank < REPLICAS; rank++) {
            endpoints.add(RingAllReduce.listen(RingSettings.of(rank, REPLICAS), "127.0.0.1", "bucketed-training"));
        }
        List<String> introductions =
                endpoints.stream().map(RingEndpoint::introduction).toList();
        ExecutorService threads = Executors.newFixedThreadPool(REPLICAS);
        try {
            List<Future<StateDict[]>> futures = new ArrayList<>();
            for (int rank = 0; rank < REPLICAS; rank++) {
                int r = rank;
                futures.add(threads.submit(() -> train(bridge, endpoints.get(r), introductions, r)));
            }
            List<StateDict[]> results = new ArrayList<>();
            for (Future<StateDict[]> future : futures) {
                results.add(future.get(5, TimeUnit.MINUTES));
            }
            for (int rank = 0; rank < REPLICAS; rank++) {
                StateDict afterBackward = results.get(rank)[0];
                StateDict duringBackward = results.get(rank)[1];
                assertEquals(afterBackward, duringBackward, "rank " + rank + ": bucketed during backward");
                assertEquals(
                        trainable(results.get(0)[1]),
                        trainable(duringBackward),
                        "rank " + rank + "'s weights as rank 0's (BatchNorm statistics are per replica)");
                assertNotEquals(results.get(rank)[2], duringBackward, "the steps changed the weights");
            }
        } finally {
            threads.shutdownNow();
            for (RingEndpoint endpoint : endpoints) {
                endpoint.close();
            }
        }
    }

    /** Weights after two steps with the exchange after backward, the same during backward, and the start. */
    private static StateDict[] train(TorchBridge bridge, RingEndpoint endpoint, List<String> introductions, int rank)
            throws Exception {
        try (RingAllReduce ring = endpoint.connect(introductions)) {
            StateDict afterBackward;
            StateDict initial;
            try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), 3);
                    U2NetTrainer trainer = new U2NetTrainer(
                            model,
                            AdamSettings.U2NET_RECIPE,
                            BatchNormMode.BATCH_STATISTICS,
                            (flat, ready) -> ring.averageInPlace(flat, ready::ready))) {
                initial = model.stateDict();
                twoSteps(model, trainer, rank);
                afterBackward = model.stateDict();
            }
            try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), 3);
                    U2NetTrainer trainer = new U2NetTrainer(
                            model,
                            AdamSettings.U2NET_RECIPE,
                            BatchNormMode.BATCH_STATISTICS,
                            parameters -> new BucketedExchange(
                                    bridge,
                                    parameters,
                                    BUCKET_BYTES,
                                    (flat, from, to) -> ring.averageInPlace(flat, from, to, FinalRanges.NONE)))) {
                twoSteps(model, trainer, rank);
                return new StateDict[] {afterBackward, model.stateDict(), initial};
            }
        }
    }

    /** The weights and biases, without BatchNorm's running statistics. */
    private static StateDict trainable(StateDict state) {
        Map<String, HostTensor> weights = new LinkedHashMap<>(state.asMap());
        weights.keySet().removeIf(key -> key.contains(".running_") || key.endsWith(".num_batches_tracked"));
        return StateDict.of(weights);
    }

    private static void twoSteps(U2NetModel model, U2NetTrainer trainer, int rank) {
        for (int step = 0; step < 2; step++) {
            SplittableRandom random = new SplittableRandom(100L * rank + step);
            float[] images = new float[BATCH * 3 * SIZE * SIZE];
            float[] labels = new float[BATCH * SIZE * SIZE];
            for (int i = 0; i < images.length; i++) {
                images[i] = (float) random.nextGaussian();
            }
            for (int i = 0; i < labels.length; i++) {
                labels[i] = random.nextBoolean() ? 1f : 0f;
            }
            try (NDManager scratch = model.manager().newSubManager()) {
                StepResult result = trainer.step(
                        scratch.create(images, new Shape(BATCH, 3, SIZE, SIZE)),
                        scratch.create(labels, new Shape(BATCH, 1, SIZE, SIZE)),
                        1e-3);
                assertTrue(Double.isFinite(result.total()), "a finite loss");
            }
        }
    }
}
