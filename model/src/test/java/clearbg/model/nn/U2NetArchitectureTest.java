package clearbg.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import clearbg.model.io.StateDict;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Structure of the network: parameter counts, state_dict keys, output shapes, initialisation. */
class U2NetArchitectureTest {

    @Test
    void parameterCountsAreThePublishedOnes() {
        try (U2NetModel full = U2NetModel.create(Arch.U2NET, Device.cpu(), 1);
                U2NetModel small = U2NetModel.create(Arch.U2NETP, Device.cpu(), 1)) {
            assertEquals(44_009_869L, full.parameterCount());
            assertEquals(1_131_181L, small.parameterCount());
            assertEquals(798, full.stateDictShapes().size());
            assertEquals(798, small.stateDictShapes().size());
        }
    }

    @Test
    void keysFollowTheOriginalStateDict() {
        try (U2NetModel model = U2NetModel.create(Arch.U2NET, Device.cpu(), 1)) {
            var keys = model.stateDictShapes().keySet().stream().toList();
            assertEquals("stage1.rebnconvin.conv_s1.weight", keys.get(0));
            assertEquals("stage1.rebnconvin.bn_s1.num_batches_tracked", keys.get(6));
            assertTrue(keys.contains("stage5d.rebnconv1d.bn_s1.running_var"));
            assertTrue(keys.contains("stage4.rebnconv4.conv_s1.weight"));
            assertTrue(keys.contains("stage6.rebnconv3d.conv_s1.bias"));
            assertEquals("outconv.bias", keys.get(keys.size() - 1));
            assertEquals("side1.weight", keys.get(keys.size() - 14));
            assertArrayEquals(
                    new long[] {64, 3, 3, 3}, model.stateDictShapes().get("stage1.rebnconvin.conv_s1.weight"));
            assertArrayEquals(new long[] {1, 6, 1, 1}, model.stateDictShapes().get("outconv.weight"));
            assertArrayEquals(new long[] {1, 512, 3, 3}, model.stateDictShapes().get("side6.weight"));
        }
    }

    private static void assertArrayEquals(long[] want, long[] got) {
        assertEquals(Arrays.toString(want), Arrays.toString(got));
    }

    @ParameterizedTest
    @CsvSource({"32,32", "33,47", "67,93", "128,96"})
    void sevenOutputsAtTheInputSizeForAnySize(int height, int width) {
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), 3);
                NDManager batch = model.manager().newSubManager()) {
            NDList out = model.forward(batch.randomNormal(new Shape(2, 3, height, width)), false);
            assertEquals(U2Net.OUTPUTS, out.size());
            for (NDArray map : out) {
                assertEquals(new Shape(2, 1, height, width), map.getShape());
                assertTrue(map.min().getFloat() >= 0 && map.max().getFloat() <= 1, "probabilities");
            }
        }
    }

    @Test
    void tooSmallInputIsAClearError() {
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), 3);
                NDManager batch = model.manager().newSubManager()) {
            var error = assertThrows(
                    IllegalArgumentException.class, () -> model.forward(batch.zeros(new Shape(1, 3, 31, 64)), false));
            assertTrue(error.getMessage().contains("at least 32x32"), error.getMessage());
        }
    }

    @Test
    void glorotInitialisationIsSeededAndBounded() {
        try (U2NetModel a = U2NetModel.create(Arch.U2NETP, Device.cpu(), 7);
                U2NetModel b = U2NetModel.create(Arch.U2NETP, Device.cpu(), 7);
                U2NetModel c = U2NetModel.create(Arch.U2NETP, Device.cpu(), 8)) {
            StateDict sa = a.stateDict();
            StateDict sb = b.stateDict();
            String key = "stage2.rebnconv3.conv_s1.weight";
            float[] wa = sa.get(key).floats();
            assertEquals(Arrays.toString(wa), Arrays.toString(sb.get(key).floats()));
            assertTrue(!Arrays.equals(wa, c.stateDict().get(key).floats()), "another seed gives other weights");
            double bound = Math.sqrt(6.0 / (16 * 9 + 16 * 9));
            double max = 0;
            for (float w : wa) {
                max = Math.max(max, Math.abs(w));
            }
            assertTrue(max <= bound && max > 0.9 * bound, "uniform in (-a, a), a = " + bound + ", max " + max);
            assertTrue(Arrays.stream(
                            toDoubles(sa.get("stage2.rebnconv3.bn_s1.weight").floats()))
                    .allMatch(v -> v == 1));
        }
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    @Test
    void trainingModeUpdatesRunningStatisticsAndCount() {
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), 3);
                NDManager batch = model.manager().newSubManager()) {
            String key = "stage1.rebnconvin.bn_s1.running_mean";
            float[] before = model.stateDict().get(key).floats();
            model.forward(batch.randomNormal(new Shape(2, 3, 40, 40)), false);
            assertEquals(
                    Arrays.toString(before),
                    Arrays.toString(model.stateDict().get(key).floats()),
                    "inference keeps them");
            model.forward(batch.randomNormal(new Shape(2, 3, 40, 40)), true);
            assertTrue(!Arrays.equals(before, model.stateDict().get(key).floats()), "training updates them");
            assertEquals(
                    1L,
                    model.stateDict()
                            .get("stage1.rebnconvin.bn_s1.num_batches_tracked")
                            .longs()[0]);
        }
    }
}
