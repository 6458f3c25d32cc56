package clearbg.model.io;

import static clearbg.model.io.PthReaderTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsTest {
    @TempDir
    Path dir;

    /** A header length whose low byte is 0x80 (like a pickle's first byte) still reads as safetensors. */
    @Test
    void aSafetensorsFileWhoseHeaderLengthStartsWithThePickleByteReadsAsSafetensors() throws IOException {
        StateDict weights =
                StateDict.of(java.util.Map.of("w", HostTensor.ofFloats(new long[] {2}, new float[] {1, 2})));
        Path file = dir.resolve("w.safetensors");
        for (int pad = 0; ; pad++) {
            SafetensorsWriter.write(weights, file, java.util.Map.of("note", "x".repeat(pad)));
            if ((Files.readAllBytes(file)[0] & 0xff) == 0x80) {
                break;
            }
        }
        assertEquals(weights, Weights.read(file));
        try (InputStream in = Files.newInputStream(file)) {
            assertEquals(weights, Weights.read(in, "w.safetensors"));
        }
    }

    @Test
    void detectsFormatByContentNotByName() throws IOException {
        Path pthNamedSafetensors = Files.copy(Fixtures.path("tiny.pth"), dir.resolve("tiny.safetensors"));
        assertEquals(PthReader.read(Fixtures.path("tiny.pth")), Weights.read(pthNamedSafetensors));
        Path safetensorsNamedPth = Files.copy(Fixtures.path("python.safetensors"), dir.resolve("python.pth"));
        assertEquals(SafetensorsReader.read(Fixtures.path("python.safetensors")), Weights.read(safetensorsNamedPth));
    }

    @Test
    void readsStreamsOfBothFormats() throws IOException {
        for (String name : new String[] {"tiny.pth", "python.safetensors"}) {
            try (InputStream in = Files.newInputStream(Fixtures.path(name))) {
                assertEquals(Weights.read(Fixtures.path(name)), Weights.read(in, name));
            }
        }
    }

    @Test
    void emptyTextAndLegacyFilesGetClearErrors() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.bin"));
        assertContains(
                assertThrows(WeightsFormatException.class, () -> Weights.read(empty))
                        .getMessage(),
                empty.toString(),
                "empty");
        Path text = Files.writeString(dir.resolve("readme.txt"), "these are not weights\n");
        assertContains(
                assertThrows(WeightsFormatException.class, () -> Weights.read(text))
                        .getMessage(),
                text.toString(),
                "neither a PyTorch checkpoint",
                "nor a safetensors file");
        Path legacy = Fixtures.path("legacy.pth");
        assertContains(
                assertThrows(WeightsFormatException.class, () -> Weights.read(legacy))
                        .getMessage(),
                legacy.toString(),
                "legacy");
    }
}
