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
