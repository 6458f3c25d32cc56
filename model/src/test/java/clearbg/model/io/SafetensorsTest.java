package clearbg.model.io;

import static clearbg.model.io.PthReaderTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void readsFileWrittenByPythonSafetensors() throws IOException {
        Path file = Fixtures.path("python.safetensors");
        StateDict sd = SafetensorsReader.read(file);
        assertEquals(Fixtures.expectedKeys("safetensors").size(), sd.size());
        // the Python package orders the header itself; compare by key
        Map<String, HostTensor> byExpectedOrder = new LinkedHashMap<>();
        Fixtures.expectedKeys("safetensors").forEach(k -> byExpectedOrder.put(k, sd.get(k)));
        Fixtures.assertMatches("safetensors", StateDict.of(byExpectedOrder));
        assertEquals(Map.of("format", "pt", "note", "written by safetensors"), SafetensorsReader.readMetadata(file));
    }

    @Test
    void roundTripKeepsOrderValuesAndMetadata() throws IOException {
        StateDict original = PthReader.read(Fixtures.path("mixed.pth"));
        Path file = dir.resolve("mixed.safetensors");
        Map<String, String> metadata = Map.of("source", "mixed.pth", "format", "pt");
        SafetensorsWriter.write(original, file, metadata);
        StateDict back = SafetensorsReader.read(file);
        assertEquals(original, back);
        assertEquals(List.copyOf(original.keys()), List.copyOf(back.keys()));
        assertEquals(metadata, SafetensorsReader.readMetadata(file));
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getLong();
        assertEquals(0, headerLength % 8, "header padded to 8 bytes");
    }

    @Test
    void theMetadataOrderDoesNotChangeTheBytes() throws IOException {
        StateDict original = PthReader.read(Fixtures.path("tiny.pth"));
        Map<String, String> forwards = new LinkedHashMap<>();
        Map<String, String> backwards = new LinkedHashMap<>();
        for (String key : List.of("arch", "init", "seed", "source")) {
            forwards.put(key, key + "-value");
        }
        for (String key : List.of("source", "seed", "init", "arch")) {
            backwards.put(key, key + "-value");
        }
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        SafetensorsWriter.write(original, first, forwards);
        SafetensorsWriter.write(original, second, backwards);
        assertArrayEquals(first.toByteArray(), second.toByteArray());
    }

    @Test
    void streamWriterAndReaderAgreeWithoutMetadata() throws IOException {
        StateDict original = PthReader.read(Fixtures.path("tiny.pth"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafetensorsWriter.write(original, out, Map.of());
        assertEquals(original, SafetensorsReader.read(new ByteArrayInputStream(out.toByteArray()), "bytes"));
    }

    @Test
    void failedWriteLeavesTargetUntouchedAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("weights.safetensors");
        Files.writeString(file, "previous content");
        StateDict bad = StateDict.of(Map.of("__metadata__", HostTensor.ofFloats(new long[] {1}, new float[] {1})));
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(bad, file, Map.of()));
        assertEquals("previous content", Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void tensorsLeftOutByTheFilterAreSkippedUnreadButAStreamEndingInsideOneIsStillTruncated() throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("w", HostTensor.ofFloats(new long[] {2}, new float[] {1, 2}));
        tensors.put("optimizer.exp_avg.w", HostTensor.ofFloats(new long[] {2}, new float[] {3, 4}));
        tensors.put("b", HostTensor.ofFloats(new long[] {1}, new float[] {5}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafetensorsWriter.write(StateDict.of(tensors), out, Map.of());
        byte[] bytes = out.toByteArray();
        StateDict weights =
                SafetensorsReader.read(new ByteArrayInputStream(bytes), "ckpt", name -> !name.startsWith("optimizer."));
        assertEquals(List.of("w", "b"), List.copyOf(weights.keys()));
        assertArrayEquals(new float[] {5}, weights.get("b").floats());
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 8); // ends inside the skipped tensor
        assertContains(
                assertThrows(
                                WeightsFormatException.class,
                                () -> SafetensorsReader.read(
                                        new ByteArrayInputStream(cut), "ckpt", name -> !name.startsWith("optimizer.")))
                        .getMessage(),
                "ckpt",
                "truncated");
    }

    @Test
    void overlappingOffsetsAreRejected() {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertContains(readError(header, 12), "bytes.safetensors", "'b'", "overlap");
    }

    @Test
    void offsetsOutsideTheBufferMeanTruncation() {
        String header = "{\"a\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        assertContains(readError(header, 10), "bytes.safetensors", "truncated", "16");
    }

    @Test
    void offsetsThatDisagreeWithShapeAreRejected() {
        String header = "{\"a\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        assertContains(readError(header, 8), "'a'", "6 bytes");
    }

    @Test
    void gapsAndTrailingBytesAreRejected() {
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertContains(readError(gap, 8), "[0, 4)", "no tensor");
        String trailing = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertContains(readError(trailing, 8), "4 bytes after the last tensor");
    }

    @Test
    void unsupportedDtypeIsNamed() {
        String header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
        assertContains(readError(header, 1), "'a'", "unsupported dtype U8");
    }

    @Test
    void readsHalfPrecisionAndNarrowIntegersFromHandWrittenBytes() throws IOException {
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort((short) 0x3c00)
                .putShort((short) 0xc000)
                .putShort((short) 0x0001)
                .putShort((short) 0x7c00);
        data.putInt(-5);
        StateDict sd = SafetensorsReader.read(new ByteArrayInputStream(file(header, data.array())), "hand");
        assertArrayEquals(
                new float[] {1f, -2f, 0x1p-24f, Float.POSITIVE_INFINITY},
                sd.get("h").floats());
        assertArrayEquals(new long[] {-5}, sd.get("i").longs());
    }

    private static String readError(String header, int bufferBytes) {
        byte[] bytes = file(header, new byte[bufferBytes]);
        return assertThrows(
                        WeightsFormatException.class,
                        () -> SafetensorsReader.read(new ByteArrayInputStream(bytes), "bytes.safetensors"))
                .getMessage();
    }

    private static byte[] file(String header, byte[] buffer) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + buffer.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length)
                .put(json)
                .put(buffer)
                .array();
    }
}
