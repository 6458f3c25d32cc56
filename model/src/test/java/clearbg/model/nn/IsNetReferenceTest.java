package clearbg.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
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
 * The Java IS-Net against the original {@code ISNetDIS} (xuebinqin/DIS) through the fixture written by
 * {@code scripts/reference/make_isnet_fixture.py}: the same parameter count (44,046,790) and state_dict keys and
 * shapes in the same order, architecture detected from the weights, and, with the formula weights both sides
 * compute (see the script), the six side outputs on a 97 x 131 input in inference mode within 1e-4.
 */
class IsNetReferenceTest {

    private static final double OUTPUT_TOLERANCE = 1e-4;

    private static JsonNode expected;
    private static StateDict io;

    @BeforeAll
    static void readFixture() throws Exception {
        Path dir = Paths.get(IsNetReferenceTest.class
                        .getResource("/isnet/expected.json")
                        .toURI())
                .getParent();
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        io = SafetensorsReader.read(dir.resolve("io.safetensors"));
    }

    @Test
    void parametersAndNamesEqualTheOriginals() {
        try (U2NetModel model = U2NetModel.create(Arch.ISNET, Device.cpu(), 1)) {
            assertEquals(44_046_790L, model.parameterCount());
            assertEquals(expected.get("parameter_count").asLong(), model.parameterCount());
            List<String> names = new ArrayList<>();
            expected.get("state_dict").forEach(entry -> names.add(entry.get(0).asText()));
            assertEquals(names, List.copyOf(model.stateDict().keys()), "state_dict keys, in order");
        }
    }

    @Test
    void sideOutputsEqualTheOriginalsAndTheWeightsAreDetectedAsIsNet() throws Exception {
        StateDict weights = IsNetFormulaWeights.of(expected);
        assertEquals(Arch.ISNET, ArchDetector.detect(weights, "formula weights"));
        try (U2NetModel model = U2NetModel.fromStateDict(Arch.ISNET, Device.cpu(), weights, "formula weights");
                NDManager batch = model.manager().newSubManager()) {
            HostTensor input = io.get("input");
            NDList outputs = model.forward(batch.create(input.floats(), new Shape(input.shape())), false);
            assertEquals(6, outputs.size());
            for (int k = 0; k < outputs.size(); k++) {
                String name = "out" + (k + 1);
                float[] want = io.get(name).floats();
                NDArray got = outputs.get(k);
                assertEquals(new Shape(io.get(name).shape()), got.getShape(), name);
                float[] values = got.toFloatArray();
                double worst = 0;
                for (int i = 0; i < values.length; i++) {
                    worst = Math.max(worst, Math.abs(values[i] - want[i]));
                }
                System.out.printf("%s: max abs difference %.3g%n", name, worst);
                assertTrue(worst <= OUTPUT_TOLERANCE, name + ": max abs difference " + worst);
            }
        }
    }
}
