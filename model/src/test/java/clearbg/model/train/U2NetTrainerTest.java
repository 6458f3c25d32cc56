package clearbg.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import clearbg.model.io.StateDict;
import clearbg.model.nn.Arch;
import clearbg.model.nn.U2NetModel;
import clearbg.model.optim.AdamSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class U2NetTrainerTest {

    private static final int SIZE = 32;
    private static final int BATCH = 2;

    @Test
    void restoredWeightsAndOptimizerStateContinueExactlyLikeTheOriginal() throws Exception {
        StateDict weights;
        StateDict optimizer;
        StateDict continued;
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), 3);
                U2NetTrainer trainer = trainer(model, BatchNormMode.BATCH_STATISTICS)) {
            step(model, trainer, 1);
            step(model, trainer, 2);
            weights = model.stateDict();
            optimizer = trainer.optimizerState();
            step(model, trainer, 3);
            continued = model.stateDict();
        }
        try (U2NetModel model = U2NetModel.fromStateDict(Arch.U2NETP, Device.cpu(), weights, "saved");
                U2NetTrainer trainer = trainer(model, BatchNormMode.BATCH_STATISTICS)) {
            trainer.restoreOptimizerState(optimizer, "saved");
            step(model, trainer, 3);
            assertEquals(continued, model.stateDict(), "a restored replica must take the identical third step");
        }
    }

    @Test
    void restoringWithoutOptimizerStateNamesTheMissingEntry() {
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), 3);
                U2NetTrainer trainer = trainer(model, BatchNormMode.BATCH_STATISTICS)) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> trainer.restoreOptimizerState(model.stateDict(), "weights-only.safetensors"));
            assertTrue(
                    e.getMessage().contains("weights-only.safetensors")
                            && e.getMessage().contains("optimizer.step"),
                    e.getMessage());
        }
    }

    @Test
    void frozenBatchNormKeepsRunningStatisticsButLearnsTheRest() {
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), 4);
                U2NetTrainer trainer = trainer(model, BatchNormMode.FROZEN)) {
            StateDict before = model.stateDict();
            step(model, trainer, 1);
            StateDict after = model.stateDict();
            String stats = "stage1.rebnconvin.bn_s1.running_mean";
            String weight = "stage1.rebnconvin.conv_s1.weight";
            assertArrayEquals(before.get(stats).floats(), after.get(stats).floats());
            assertEquals(0, model.batchesTracked());
            assertNotEquals(before.get(weight), after.get(weight));
        }
    }

    @Test
    void replicasOnTwoThreadsOfOneJvmTrainLikeOneAfterTheOther() throws Exception {
        List<StateDict> sequential = new ArrayList<>();
        for (int seed = 0; seed < 2; seed++) {
            sequential.add(trainTwoSteps(seed));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<StateDict>> parallel = new ArrayList<>();
            for (int seed = 0; seed < 2; seed++) {
                int s = seed;
                parallel.add(pool.submit(() -> trainTwoSteps(s)));
            }
            for (int i = 0; i < 2; i++) {
                assertEquals(sequential.get(i), parallel.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void adamAppliedRangeByRangeWhileTheExchangeRunsGivesTheWeightsOfOneStepAfterIt() {
        // an exchange of one replica (the mean is the values themselves) that reports small ranges in reverse order
        GradientExchange reversedRanges = (flat, ready) -> {
            int chunk = 997;
            for (int end = flat.length; end > 0; end -= chunk) {
                ready.ready(Math.max(0, end - chunk), Math.min(chunk, end));
            }
        };
        StateDict expected;
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), 5);
                U2NetTrainer trainer = trainer(model, BatchNormMode.BATCH_STATISTICS)) {
            step(model, trainer, 1);
            step(model, trainer, 2);
            expected = model.stateDict();
        }
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), 5);
                U2NetTrainer trainer = new U2NetTrainer(
                        model, AdamSettings.U2NET_RECIPE, BatchNormMode.BATCH_STATISTICS, reversedRanges)) {
            step(model, trainer, 1);
            step(model, trainer, 2);
            assertEquals(expected, model.stateDict(), "overlapped Adam must equal Adam after the exchange");
            StateDict optimizer = trainer.optimizerState();
            assertEquals(2, optimizer.get("optimizer.step").longs()[0]);
        }
    }

    private static StateDict trainTwoSteps(int seed) {
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), seed);
                U2NetTrainer trainer = trainer(model, BatchNormMode.BATCH_STATISTICS)) {
            step(model, trainer, 10 + seed);
            step(model, trainer, 20 + seed);
            return model.stateDict();
        }
    }

    private static U2NetTrainer trainer(U2NetModel model, BatchNormMode mode) {
        return new U2NetTrainer(model, AdamSettings.U2NET_RECIPE, mode, GradientExchange.SINGLE_REPLICA);
    }

    /** One step on a batch drawn from {@code dataSeed}: noise images, half-plane labels. */
    private static StepResult step(U2NetModel model, U2NetTrainer trainer, long dataSeed) {
        SplittableRandom random = new SplittableRandom(dataSeed);
        float[] images = new float[BATCH * 3 * SIZE * SIZE];
        float[] labels = new float[BATCH * SIZE * SIZE];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i % SIZE) < SIZE / 2 ? 1f : 0f;
        }
        try (NDManager scratch = model.manager().newSubManager()) {
            StepResult result = trainer.step(
                    scratch.create(images, new Shape(BATCH, 3, SIZE, SIZE)),
                    scratch.create(labels, new Shape(BATCH, 1, SIZE, SIZE)),
                    1e-3);
            assertTrue(result.forwardBackwardNanos() > 0 && result.optimizerNanos() > 0);
            return result;
        }
    }
}
