package clearbg.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import clearbg.model.io.HostTensor;
import clearbg.model.io.SafetensorsReader;
import clearbg.model.io.StateDict;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java ground-truth encoder against the original {@code ISNetGTEncoder} (xuebinqin/DIS) through the fixture
 * written by {@code scripts/reference/make_isnet_gt_encoder_fixture.py}: the same parameter count (6,877,734) and
 * state_dict keys and shapes in order, the architecture detected from the weights, and, with the formula weights of
 * {@link IsNetFormulaWeights}, the six side outputs and the six stage features within 1e-5 absolute on a 67 x 71
 * mask in inference mode (measured: at most 2.1e-7 in the outputs, 6.3e-7 in the features, whose values reach 5.4).
 */
class IsNetGtEncoderReferenceTest {

    private static final double TOLERANCE = 1e-5;

    private static JsonNode expected;
    private static StateDict io;

    @BeforeAll
    static void readFixture() throws Exception {
        Path dir = Paths.get(IsNetGtEncoderReferenceTest.class
                        .getResource("/isnet-gt-encoder/expected.json")
                        .toURI())
                .getParent();
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        io = SafetensorsReader.read(dir.resolve("io.safetensors"));
    }

    @Test
    void parametersAndNamesEqualTheOriginals() {
        try (U2NetModel model = U2NetModel.create(Arch.ISNET_GT_ENCODER, Device.cpu(), 1)) {
            assertEquals(6_877_734L, model.parameterCount());
            assertEquals(expected.get("parameter_count").asLong(), model.parameterCount());
            List<String> names = new ArrayList<>();
            expected.get("state_dict").forEach(entry -> names.add(entry.get(0).asText()));
            assertEquals(names, List.copyOf(model.stateDict().keys()), "state_dict keys, in order");
            assertEquals(Arch.ISNET_GT_ENCODER, Arch.parse("isnet-gt-encoder"));
        }
    }

    @Test
    void outputsAndFeaturesEqualTheOriginalsAndTheWeightsAreDetected() throws Exception {
        StateDict weights = IsNetFormulaWeights.of(expected);
        assertEquals(Arch.ISNET_GT_ENCODER, ArchDetector.detect(weights, "formula weights"));
        try (U2NetModel model =
                        U2NetModel.fromStateDict(Arch.ISNET_GT_ENCODER, Device.cpu(), weights, "formula weights");
                NDManager batch = model.manager().newSubManager()) {
            HostTensor input = io.get("input");
            ForwardResult result =
                    model.forwardWithFeatures(batch.create(input.floats(), new Shape(input.shape())), false, null);
            assertEquals(6, result.outputs().size());
            assertEquals(6, result.features().size());
            compare("out", result.outputs());
            compare("feat", result.features());
            NDList plain = model.forward(batch.create(input.floats(), new Shape(input.shape())), false);
            assertEquals(6, plain.size(), "without asking, the outputs alone");
        }
    }

    private static void compare(String prefix, NDList got) {
        for (int k = 0; k < got.size(); k++) {
            String name = prefix + (k + 1);
            float[] want = io.get(name).floats();
            assertEquals(new Shape(io.get(name).shape()), got.get(k).getShape(), name);
            float[] values = got.get(k).toFloatArray();
            double worst = 0;
            for (int i = 0; i < values.length; i++) {
                worst = Math.max(worst, Math.abs(values[i] - want[i]));
            }
            System.out.printf("%s: max abs difference %.3g%n", name, worst);
            assertTrue(worst <= TOLERANCE, name + ": max abs difference " + worst);
        }
    }
}
