package clearbg.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import clearbg.model.io.HostTensor;
import clearbg.model.io.PthReader;
import clearbg.model.io.SafetensorsReader;
import clearbg.model.io.StateDict;
import clearbg.model.io.WeightsMismatchException;
import clearbg.model.nn.Arch;
import clearbg.model.nn.U2NetModel;
import clearbg.model.predict.DjlFusedMapNetwork;
import clearbg.model.predict.OrtFusedMapNetwork;
import clearbg.model.predict.Precision;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The exported ONNX graph run by ONNX Runtime against the original PyTorch code (the parity fixture of
 * {@code scripts/reference/make_parity_fixture.py}: seeded U²-Net†, a 2 x 3 x 67 x 93 input, odd sizes
 * so that ceil-mode pooling and non-integer resizes are exercised) and against the DJL network, each
 * within 1e-4 absolute on the fused probability map.
 */
class U2NetOnnxExportTest {

    private static final double TOLERANCE = 1e-4;

    private static StateDict seeded;
    private static StateDict io;

    @BeforeAll
    static void readFixture() throws IOException, URISyntaxException {
        Path dir = Paths.get(U2NetOnnxExportTest.class
                        .getResource("/parity/expected.json")
                        .toURI())
                .getParent();
        seeded = PthReader.read(dir.resolve("u2netp_seeded.pth"));
        io = SafetensorsReader.read(dir.resolve("io.safetensors"));
    }

    @Test
    void fusedMapMatchesTheOriginal() throws IOException, OrtException {
        HostTensor input = io.get("input");
        long[] shape = input.shape();
        byte[] graph = export(seeded, (int) shape[2], (int) shape[3]);
        float[] actual = run(graph, input.floats(), shape);
        float[] expected = io.get("eval_out0").floats();
        assertEquals(expected.length, actual.length);
        assertTrue(
                maxAbsDifference(expected, actual) <= TOLERANCE,
                "max |ONNX - PyTorch| = " + maxAbsDifference(expected, actual));
    }

    @Test
    void squareNetworkMatchesTheDjlNetwork() throws IOException {
        int side = 64;
        float[] input = new float[2 * 3 * side * side];
        Random random = new Random(3);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
        float[] expected;
        try (DjlFusedMapNetwork djl = DjlFusedMapNetwork.of(
                U2NetModel.fromStateDict(Arch.U2NETP, Device.cpu(), seeded, "u2netp_seeded.pth"), Precision.FP32)) {
            expected = djl.fusedMaps(input, 2, side);
        }
        try (OrtFusedMapNetwork ort = OrtFusedMapNetwork.open(seeded, Arch.U2NETP, side, 1, "u2netp_seeded.pth")) {
            float[] actual = ort.fusedMaps(input, 2, side);
            assertEquals(expected.length, actual.length);
            assertTrue(
                    maxAbsDifference(expected, actual) <= TOLERANCE,
                    "max |ONNX - DJL| = " + maxAbsDifference(expected, actual));
            assertThrows(IllegalArgumentException.class, () -> ort.fusedMaps(input, 2, side * 2));
        }
    }

    @Test
    void weightsOfAnotherShapeAreRefusedByKey() {
        Map<String, HostTensor> tensors = new LinkedHashMap<>(seeded.asMap());
        tensors.remove("outconv.bias");
        tensors.put("side1.weight", HostTensor.ofFloats(new long[] {1, 2, 3, 3}, new float[18]));
        WeightsMismatchException e =
                assertThrows(WeightsMismatchException.class, () -> export(StateDict.of(tensors), 64, 64));
        assertEquals(java.util.List.of("outconv.bias"), e.missingKeys());
        assertEquals(java.util.List.of("side1.weight"), e.misshapedKeys());
        assertTrue(e.getMessage().startsWith("test.pth"), e.getMessage());
    }

    private static byte[] export(StateDict weights, int height, int width) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        U2NetOnnxExport.write(weights, Arch.U2NETP, height, width, "test.pth", bytes);
        return bytes.toByteArray();
    }

    private static float[] run(byte[] graph, float[] input, long[] shape) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(graph, new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input), shape);
                OrtSession.Result result = session.run(Map.of(U2NetOnnxExport.INPUT, x))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        }
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
