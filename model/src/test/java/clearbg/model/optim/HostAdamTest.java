package clearbg.model.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused host Adam gives the device Adam's numbers bit for bit without weight decay (the recipe's: the same
 * float32 operations in the same order); with it libtorch may fuse {@code g + wd p} into one multiply-add depending
 * on the CPU, which moves the moments by an ulp and so each step's update by a few ulps of the update (at most
 * the learning rate in size): the weights agree within 2 ulps of the weight plus 4 ulps of the learning rate per
 * step taken. It zeroes the gradients, writes the weights in place, and its state round-trips.
 */
class HostAdamTest {

    private static final long[][] SHAPES = {{64, 3, 3, 3}, {64}, {1, 7}, {1000}};

    @Test
    void hostAndDeviceAdamAgreeBitForBitOverStepsWithAndWithoutWeightDecay() {
        for (double weightDecay : new double[] {0, 1e-2}) {
            AdamSettings settings = new AdamSettings(1e-3, 0.9, 0.999, 1e-8, weightDecay);
            try (NDManager manager = NDManager.newBaseManager()) {
                List<Parameter> onHost = parameters(manager, 3);
                List<Parameter> onDevice = parameters(manager, 3);
                try (Adam host = Adam.create(settings, onHost);
                        Adam device = new DeviceAdam(settings, onDevice)) {
                    assertInstanceOf(HostAdam.class, host, "parameters on the CPU get the host Adam");
                    Random random = new Random(11);
                    for (int step = 1; step <= 4; step++) {
                        for (int i = 0; i < SHAPES.length; i++) {
                            float[] gradient =
                                    randoms(random, onHost.get(i).getArray().size(), step == 2 ? 1e-9 : 1);
                            setGradient(onHost.get(i), gradient);
                            setGradient(onDevice.get(i), gradient);
                        }
                        host.step(step == 3 ? 5e-4 : 1e-3);
                        device.step(step == 3 ? 5e-4 : 1e-3);
                        for (int i = 0; i < SHAPES.length; i++) {
                            float[] expected = onDevice.get(i).getArray().toFloatArray();
                            float[] actual = onHost.get(i).getArray().toFloatArray();
                            String what = "weight " + i + " after step " + step + ", weight decay " + weightDecay;
                            if (weightDecay == 0) {
                                assertArrayEquals(expected, actual, what);
                            } else {
                                assertWithinUpdateUlps(expected, actual, 4 * step * Math.ulp(1e-3f), what);
                            }
                            assertEquals(
                                    0f,
                                    onHost.get(i)
                                            .getArray()
                                            .getGradient()
                                            .abs()
                                            .max()
                                            .getFloat());
                        }
                    }
                    AdamState hostState = host.state();
                    AdamState deviceState = device.state();
                    assertEquals(deviceState.step(), hostState.step());
                    for (int i = 0; i < SHAPES.length && weightDecay == 0; i++) {
                        assertArrayEquals(
                                deviceState.firstMoments().get(i),
                                hostState.firstMoments().get(i));
                        assertArrayEquals(
                                deviceState.secondMoments().get(i),
                                hostState.secondMoments().get(i));
                    }
                }
            }
        }
    }

    @Test
    void aRestoredHostAdamContinuesExactlyAndAStateOfAnotherShapeIsRefused() {
        AdamSettings settings = new AdamSettings(1e-3, 0.9, 0.999, 1e-8, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Parameter> first = parameters(manager, 5);
            List<Parameter> second = parameters(manager, 5);
            try (Adam a = Adam.create(settings, first);
                    Adam b = Adam.create(settings, second)) {
                Random random = new Random(3);
                float[][] gradients = new float[SHAPES.length][];
                for (int i = 0; i < SHAPES.length; i++) {
                    gradients[i] = randoms(random, first.get(i).getArray().size(), 1);
                    setGradient(first.get(i), gradients[i]);
                    setGradient(second.get(i), gradients[i]);
                }
                a.step(1e-3);
                b.step(1e-3);
                b.restore(a.state());
                for (int i = 0; i < SHAPES.length; i++) {
                    setGradient(first.get(i), gradients[i]);
                    setGradient(second.get(i), gradients[i]);
                }
                a.step(1e-3);
                b.step(1e-3);
                for (int i = 0; i < SHAPES.length; i++) {
                    assertArrayEquals(
                            first.get(i).getArray().toFloatArray(),
                            second.get(i).getArray().toFloatArray());
                }
                AdamState state = a.state();
                List<float[]> wrong = new ArrayList<>(state.firstMoments());
                wrong.set(1, new float[3]);
                IllegalArgumentException e = assertThrows(
                        IllegalArgumentException.class,
                        () -> b.restore(new AdamState(1, wrong, state.secondMoments())));
                assertEquals("optimiser state of parameter 1 has the wrong size (expected 64)", e.getMessage());
            }
        }
    }

    private static void assertWithinUpdateUlps(float[] expected, float[] actual, float allowed, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            float weightUlps = 2 * Math.ulp(Math.max(Math.abs(expected[i]), Math.abs(actual[i])));
            assertEquals(expected[i], actual[i], weightUlps + allowed, what + " at " + i);
        }
    }

    private static List<Parameter> parameters(NDManager manager, long seed) {
        Random random = new Random(seed);
        List<Parameter> parameters = new ArrayList<>();
        for (int i = 0; i < SHAPES.length; i++) {
            NDArray array = manager.create(randoms(random, new Shape(SHAPES[i]).size(), 0.5), new Shape(SHAPES[i]));
            Parameter parameter = Parameter.builder()
                    .setName("p" + i)
                    .setType(Parameter.Type.WEIGHT)
                    .optArray(array)
                    .build();
            parameter.getArray().setRequiresGradient(true);
            parameters.add(parameter);
        }
        return parameters;
    }

    private static void setGradient(Parameter parameter, float[] values) {
        NDArray gradient = parameter.getArray().getGradient();
        try (NDManager scratch = gradient.getManager().newSubManager()) {
            gradient.set(new NDIndex("..."), scratch.create(values, gradient.getShape()));
        }
    }

    private static float[] randoms(Random random, long count, double scale) {
        float[] values = new float[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * scale);
        }
        return values;
    }
}
