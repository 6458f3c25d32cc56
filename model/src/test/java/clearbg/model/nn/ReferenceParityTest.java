package clearbg.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import clearbg.model.io.HostTensor;
import clearbg.model.io.PthReader;
import clearbg.model.io.SafetensorsReader;
import clearbg.model.io.StateDict;
import clearbg.model.optim.AdamSettings;
import clearbg.model.train.BatchNormMode;
import clearbg.model.train.StepResult;
import clearbg.model.train.U2NetTrainer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the Java U²-Net† against the original PyTorch code through the fixture written by
 * {@code scripts/reference/make_parity_fixture.py}: the same seeded weights, input and target give
 *
 * <ul>
 *   <li>every output, in inference and in training mode, within 1e-4 (absolute);
 *   <li>the seven losses and their sum within 1e-5 (relative);
 *   <li>the gradients within 2% of the reference gradient's norm (all parameters together);
 *   <li>the weights and BatchNorm statistics after one Adam step within 1e-5 (relative to the tensor's
 *       largest magnitude) wherever the sign of the gradient is decided, i.e. the reference gradient is
 *       larger than twice the tensor's largest Java-vs-reference gradient difference.
 * </ul>
 *
 * <p>Why the last rule: Adam's first step moves a weight by {@code lr g / (|g| + eps)}, i.e. by
 * {@code ±lr} whatever |g|, so where |g| is at the level of float32 rounding (the conv biases in front of
 * a BatchNorm have a true gradient of 0) the sign is noise and two correct implementations differ by up to
 * {@code 2 lr}. Measured: PyTorch against itself (MKL-DNN on and off, or float32 against float64) differs
 * by up to 26% of a tensor's largest gradient on this untrained network, more than Java against PyTorch.
 * Those undecided elements are only required to have moved by at most {@code lr}.
 *
 * <p>The training-mode references depend on the CPU's kind, because PyTorch's own float32 kernels do: the same
 * script with the same seed and torch 2.7.1 gives, on an AVX2-only AMD EPYC, gradients 5.6% (of the norm)
 * and training-mode outputs up to 9.7e-5 away from its run on an AVX-512 CPU (this untrained network's
 * BatchNorm layers over a few pixels amplify rounding). So the fixture holds both runs: {@code parity/} (made on
 * an AVX-512 CPU, with the seeded weights and the input) and {@code parity-avx2/} (the outputs, gradients and
 * step of the same script on an AVX2-only CPU); a CPU without AVX-512 is checked against the latter, where the
 * Java side's gradients are 0.30% from PyTorch's (against 5.6% from the AVX-512 run).
 */
class ReferenceParityTest {

    private static final double OUTPUT_TOLERANCE = 1e-4;
    private static final double LOSS_TOLERANCE = 1e-5;
    private static final double WEIGHT_TOLERANCE = 1e-5;

    private static StateDict seeded;
    private static StateDict io;
    private static final double GRADIENT_TOLERANCE = 2e-2;

    private static StateDict afterStep;
    private static StateDict referenceGradients;
    private static JsonNode expected;

    @BeforeAll
    static void readFixture() throws IOException, URISyntaxException {
        Path common = fixture("/parity/expected.json");
        Path dir = hasAvx512() ? common : fixture("/parity-avx2/expected.json");
        seeded = PthReader.read(common.resolve("u2netp_seeded.pth"));
        io = SafetensorsReader.read(dir.resolve("io.safetensors"));
        afterStep = SafetensorsReader.read(dir.resolve("after_step.safetensors"));
        referenceGradients = SafetensorsReader.read(dir.resolve("gradients.safetensors"));
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
    }

    private static Path fixture(String resource) throws URISyntaxException {
        return Paths.get(ReferenceParityTest.class.getResource(resource).toURI())
                .getParent();
    }

    /** Whether this CPU has AVX-512 (the kernels libtorch and oneDNN pick depend on it); true off Linux. */
    private static boolean hasAvx512() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return true;
        }
        return Files.readAllLines(cpuinfo).stream()
                .filter(line -> line.startsWith("flags"))
                .findFirst()
                .map(line -> List.of(line.split("\\s+")).contains("avx512f"))
                .orElse(true);
    }

    @Test
    void inferenceOutputsMatchTheOriginal() throws IOException {
        try (U2NetModel model = U2NetModel.fromStateDict(Arch.U2NETP, Device.cpu(), seeded, "u2netp_seeded.pth");
                NDManager batch = model.manager().newSubManager()) {
            NDList outputs = model.forward(array(batch, io.get("input")), false);
            assertEquals(U2Net.OUTPUTS, outputs.size());
            for (int k = 0; k < U2Net.OUTPUTS; k++) {
                assertClose("eval_out" + k, io.get("eval_out" + k), outputs.get(k), OUTPUT_TOLERANCE);
            }
        }
    }

    @Test
    void oneTrainingStepMatchesTheOriginal() throws IOException {
        JsonNode adam = expected.get("adam");
        AdamSettings settings = new AdamSettings(
                adam.get("lr").asDouble(),
                adam.get("betas").get(0).asDouble(),
                adam.get("betas").get(1).asDouble(),
                adam.get("eps").asDouble(),
                adam.get("weight_decay").asDouble());
        Map<String, float[]> gradients = new HashMap<>();
        try (U2NetModel model = U2NetModel.fromStateDict(Arch.U2NETP, Device.cpu(), seeded, "u2netp_seeded.pth");
                U2NetTrainer trainer =
                        new U2NetTrainer(model, settings, BatchNormMode.BATCH_STATISTICS, (flat, ready) -> {
                            capture(model, flat, gradients);
                            ready.ready(0, flat.length); // through the flat, overlapped optimiser path
                        });
                NDManager batch = model.manager().newSubManager()) {
            NDArray input = array(batch, io.get("input"));
            NDArray target = array(batch, io.get("target"));
            StepResult result = trainer.step(input, target, settings.learningRate());

            assertRelative("loss_total", expected.get("loss_total").asDouble(), result.total(), LOSS_TOLERANCE);
            for (int k = 0; k < U2Net.OUTPUTS; k++) {
                assertRelative(
                        "loss_" + k,
                        expected.get("loss_per_output").get(k).asDouble(),
                        result.perOutput()[k],
                        LOSS_TOLERANCE);
            }
            assertGradientsClose(gradients);
            StateDict actual = model.stateDict();
            assertEquals(afterStep.keys(), actual.keys());
            long decided = 0;
            long total = 0;
            for (String key : afterStep.keys()) {
                HostTensor want = afterStep.get(key);
                if (key.endsWith(ParameterNames.BATCHES_TRACKED)) {
                    assertEquals(want.longs()[0], actual.get(key).longs()[0], key);
                } else if (gradients.containsKey(key)) {
                    decided += assertUpdateClose(
                            key,
                            want.floats(),
                            actual.get(key).floats(),
                            referenceGradients.get(key).floats(),
                            gradients.get(key),
                            settings.learningRate());
                    total += want.numel();
                } else {
                    assertMaxRelative(key, want.floats(), actual.get(key).floats(), WEIGHT_TOLERANCE);
                }
            }
            // 76.7% measured; most undecided elements have an exactly zero gradient (taps that only see
            // the zero padding of the small deep stages), where both sides do not move at all.
            assertTrue(decided > 0.7 * total, "decided elements " + decided + " of " + total);
        }
    }

    /** Splits the trainer's flat gradients (trainable parameters in order) by parameter name. */
    private static void capture(U2NetModel model, float[] flat, Map<String, float[]> into) {
        int offset = 0;
        for (Map.Entry<String, Parameter> entry : model.namedParameters().entrySet()) {
            if (entry.getValue().requiresGradient()) {
                int size = Math.toIntExact(entry.getValue().getArray().size());
                into.put(entry.getKey(), java.util.Arrays.copyOfRange(flat, offset, offset + size));
                offset += size;
            }
        }
    }

    private static void assertGradientsClose(Map<String, float[]> gradients) {
        double error = 0;
        double norm = 0;
        for (Map.Entry<String, float[]> entry : gradients.entrySet()) {
            float[] want = referenceGradients.get(entry.getKey()).floats();
            float[] got = entry.getValue();
            for (int i = 0; i < want.length; i++) {
                error += (got[i] - want[i]) * (double) (got[i] - want[i]);
                norm += want[i] * (double) want[i];
            }
        }
        double relative = Math.sqrt(error / norm);
        System.out.printf("gradient error %.3g of the reference norm%n", relative);
        assertTrue(relative <= GRADIENT_TOLERANCE, "gradient error " + relative + " of the reference norm");
    }

    /** Checks one updated tensor; returns how many of its elements had a decided gradient sign. */
    private static long assertUpdateClose(
            String key, float[] want, float[] got, float[] referenceGradient, float[] gradient, double learningRate) {
        double noise = 0;
        double scale = 0;
        for (int i = 0; i < want.length; i++) {
            noise = Math.max(noise, Math.abs(gradient[i] - referenceGradient[i]));
            scale = Math.max(scale, Math.abs(want[i]));
        }
        long decided = 0;
        for (int i = 0; i < want.length; i++) {
            double difference = Math.abs(got[i] - want[i]);
            if (Math.abs(referenceGradient[i]) > 2 * noise) {
                decided++;
                assertTrue(
                        difference <= WEIGHT_TOLERANCE * scale,
                        key + "[" + i + "]: " + got[i] + " vs " + want[i] + " (scale " + scale + ")");
            } else {
                assertTrue(
                        difference <= 2 * learningRate * (1 + 1e-3),
                        key + "[" + i + "]: undecided element moved by more than lr: " + got[i] + " vs " + want[i]);
            }
        }
        return decided;
    }

    @Test
    void trainingModeOutputsMatchTheOriginal() throws IOException {
        try (U2NetModel model = U2NetModel.fromStateDict(Arch.U2NETP, Device.cpu(), seeded, "u2netp_seeded.pth");
                NDManager batch = model.manager().newSubManager()) {
            NDList outputs = model.forward(array(batch, io.get("input")), true);
            for (int k = 0; k < U2Net.OUTPUTS; k++) {
                assertClose("train_out" + k, io.get("train_out" + k), outputs.get(k), OUTPUT_TOLERANCE);
            }
        }
    }

    private static NDArray array(NDManager manager, HostTensor tensor) {
        return manager.create(tensor.floats(), new Shape(tensor.shape()));
    }

    private static void assertClose(String name, HostTensor want, NDArray got, double tolerance) {
        assertEquals(new Shape(want.shape()), got.getShape(), name);
        float[] expectedValues = want.floats();
        float[] actual = got.toFloatArray();
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expectedValues[i]));
        }
        assertTrue(worst <= tolerance, name + ": max abs difference " + worst + " > " + tolerance);
    }

    private static void assertRelative(String name, double want, double got, double tolerance) {
        double relative = Math.abs(got - want) / Math.abs(want);
        assertTrue(relative <= tolerance, name + ": " + got + " vs " + want + " (relative " + relative + ")");
    }

    private static void assertMaxRelative(String name, float[] want, float[] got, double tolerance) {
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            worst = Math.max(worst, Math.abs(got[i] - want[i]));
        }
        double relative = scale == 0 ? worst : worst / scale;
        assertTrue(
                relative <= tolerance, name + ": max difference " + worst + " relative to " + scale + " = " + relative);
    }
}
