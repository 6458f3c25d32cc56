package clearbg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import clearbg.model.io.HostTensor;
import clearbg.model.io.PthReader;
import clearbg.model.io.SafetensorsReader;
import clearbg.model.io.SafetensorsWriter;
import clearbg.model.io.StateDict;
import clearbg.model.io.Weights;
import clearbg.model.predict.EngineChoice;
import clearbg.model.predict.FusedMapNetwork;
import clearbg.model.predict.InferenceEngine;
import clearbg.model.predict.NetworkLoader;
import clearbg.model.predict.Precision;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryAndConvertTest {

    @TempDir
    Path dir;

    @Test
    void summaryPrintsThePublishedParameterCounts() throws Exception {
        CliRun full = CliRun.of("summary", "--arch", "u2net", "--json", "--height", "64", "--width", "96");
        assertEquals(0, full.exitCode(), full.err());
        JsonNode json = new ObjectMapper().readTree(full.out());
        assertEquals(44_009_869L, json.get("parameters").asLong());
        assertEquals(798, json.get("stateDictKeys").asInt());
        assertEquals(7, json.get("outputs").size());
        assertEquals("[1,1,64,96]", json.get("outputs").get(0).toString());

        CliRun isnet = CliRun.of("summary", "--arch", "isnet", "--json", "--height", "64", "--width", "96");
        assertEquals(0, isnet.exitCode(), isnet.err());
        JsonNode isnetJson = new ObjectMapper().readTree(isnet.out());
        assertEquals(44_046_790L, isnetJson.get("parameters").asLong());
        assertEquals(6, isnetJson.get("outputs").size());
        assertEquals("[1,1,64,96]", isnetJson.get("outputs").get(0).toString());
        assertEquals("side1", isnetJson.get("outputNames").get(0).asText());
        assertEquals(
                2, CliRun.of("summary", "--arch", "isnet", "--height", "32").exitCode(), "IS-Net needs 64");
        CliRun encoder =
                CliRun.of("summary", "--arch", "isnet-gt-encoder", "--json", "--height", "64", "--width", "96");
        assertEquals(0, encoder.exitCode(), encoder.err());
        JsonNode encoderJson = new ObjectMapper().readTree(encoder.out());
        assertEquals(6_877_734L, encoderJson.get("parameters").asLong());
        assertEquals("[1,1,64,96]", encoderJson.get("input").toString());

        CliRun small = CliRun.of("summary", "--arch", "u2netp");
        assertEquals(0, small.exitCode(), small.err());
        assertTrue(small.out().contains("1,131,181"), small.out());
        assertTrue(small.out().contains("(1, 1, 320, 320)"), small.out());
    }

    @Test
    void usageErrorsExitWithTwo() {
        CliRun unknownArch = CliRun.of("summary", "--arch", "resnet");
        assertEquals(2, unknownArch.exitCode());
        assertTrue(
                unknownArch.err().contains("expected one of [u2net, u2netp, isnet, isnet-gt-encoder]"),
                unknownArch.err());
        assertEquals(
                2, CliRun.of("summary", "--arch", "u2netp", "--height", "16").exitCode());
        assertEquals(2, CliRun.of("frobnicate").exitCode());
        assertEquals(0, CliRun.of("remove", "--help").exitCode());
    }

    @Test
    void convertGoesFromSafetensorsToPthAndBackUnchanged() throws Exception {
        Path initial = dir.resolve("init.safetensors");
        assertEquals(
                0,
                CliRun.of("init", "--arch", "u2netp", "--seed", "5", initial.toString())
                        .exitCode());
        Path pth = dir.resolve("w.pth");
        CliRun toPth = CliRun.of("convert", initial.toString(), pth.toString());
        assertEquals(0, toPth.exitCode(), toPth.err());
        Path back = dir.resolve("back.safetensors");
        assertEquals(0, CliRun.of("convert", pth.toString(), back.toString()).exitCode());

        StateDict original = SafetensorsReader.read(initial);
        assertEquals(original, PthReader.read(pth));
        assertEquals(original, Weights.read(back));
        assertEquals(798, original.size());
    }

    @Test
    void convertRefusesToOverwriteAndNamesBadInput() throws Exception {
        Path text = dir.resolve("notes.pth");
        Files.writeString(text, "these are not weights");
        CliRun bad = CliRun.of(
                "convert", text.toString(), dir.resolve("x.safetensors").toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("notes.pth"), bad.err());

        Path existing = dir.resolve("exists.safetensors");
        Files.writeString(existing, "keep me");
        CliRun refused = CliRun.of("convert", text.toString(), existing.toString());
        assertEquals(2, refused.exitCode());
        assertEquals("keep me", Files.readString(existing));
        assertEquals(
                2,
                CliRun.of("convert", text.toString(), dir.resolve("x.bin").toString())
                        .exitCode());
    }

    @Test
    void convertWritesTheOnnxGraphThatGivesTheLibtorchNetworksMap() throws Exception {
        Path initial = seededSmallWeights();
        Path graph = dir.resolve("u2netp.onnx");
        CliRun convert = CliRun.of("convert", "--size", "64", initial.toString(), graph.toString());
        assertEquals(0, convert.exitCode(), convert.err());
        assertTrue(convert.out().contains("u2netp inference graph for 64x64"), convert.out());

        int side = 64;
        float[] image = new float[2 * 3 * side * side];
        Random random = new Random(3);
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) random.nextGaussian();
        }
        float[] expected;
        try (FusedMapNetwork libtorch = NetworkLoader.open(
                initial, null, side, EngineChoice.onThisMachine(InferenceEngine.PYTORCH, Precision.FP32), 1)) {
            expected = libtorch.fusedMaps(image, 2, side);
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(graph.toString(), new OrtSession.SessionOptions());
                OnnxTensor input =
                        OnnxTensor.createTensor(environment, FloatBuffer.wrap(image), new long[] {2, 3, side, side});
                OrtSession.Result result = session.run(Map.of("image", input))) {
            FloatBuffer fused = ((OnnxTensor) result.get("fused").orElseThrow()).getFloatBuffer();
            assertEquals(expected.length, fused.remaining());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], fused.get(i), 1e-4, "pixel " + i);
            }
        }
    }

    @Test
    void convertToOnnxRefusesOtherWeightsAndWritesNothing() throws Exception {
        Path initial = seededSmallWeights();
        Path graph = dir.resolve("u2net.onnx");
        CliRun wrongArch = CliRun.of("convert", "--arch", "u2net", initial.toString(), graph.toString());
        assertEquals(1, wrongArch.exitCode());
        assertTrue(wrongArch.err().contains("holds u2netp weights, but --arch u2net was given"), wrongArch.err());
        assertEquals(
                2,
                CliRun.of("convert", "--size", "16", initial.toString(), graph.toString())
                        .exitCode());

        StateDict weights = Weights.read(initial);
        Path partial = dir.resolve("partial.safetensors");
        Map<String, HostTensor> tensors = new LinkedHashMap<>(weights.asMap());
        tensors.remove("outconv.weight");
        SafetensorsWriter.write(StateDict.of(tensors), partial, Map.of());
        CliRun missing = CliRun.of("convert", partial.toString(), graph.toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("outconv.weight"), missing.err());
        try (var left = Files.list(dir)) {
            assertTrue(
                    left.noneMatch(p -> p.getFileName().toString().contains("u2net.onnx")),
                    "no graph or temporary file left");
        }
    }

    private Path seededSmallWeights() {
        Path weights = dir.resolve("init.safetensors");
        assertEquals(
                0,
                CliRun.of("init", "--arch", "u2netp", "--seed", "9", weights.toString())
                        .exitCode());
        return weights;
    }
}
