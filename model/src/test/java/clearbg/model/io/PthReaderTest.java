package clearbg.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PthReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsConvBatchNormStateDictWithPyTorchValues() throws IOException {
        StateDict sd = PthReader.read(Fixtures.path("tiny.pth"));
        Fixtures.assertMatches("tiny", sd);
        HostTensor tracked = sd.get("bn_s1.num_batches_tracked");
        assertEquals(TensorType.INT64, tracked.type());
        assertEquals(1L, tracked.longs()[0]);
    }

    @Test
    void materialisesViewsAndConvertsDtypes() throws IOException {
        StateDict sd = PthReader.read(Fixtures.path("mixed.pth"));
        Fixtures.assertMatches("mixed", sd);
        assertEquals(0, sd.get("scalar").shape().length);
    }

    @Test
    void transposedViewIsTheTransposeOfItsSharedStorage() throws IOException {
        StateDict sd = PthReader.read(Fixtures.path("mixed.pth"));
        float[] t = sd.get("transposed").floats();
        float[] s = sd.get("sliced").floats(); // base[1:, ::2]: shape [2, 3]
        // base has shape [3, 5]; transposed[j][i] == base[i][j], sliced[r][c] == base[r + 1][2c]
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(t[(2 * c) * 3 + (r + 1)], s[r * 3 + c]);
            }
        }
    }

    @Test
    void readsFromAStreamLikeFromAFile() throws IOException {
        try (InputStream in = Files.newInputStream(Fixtures.path("tiny.pth"))) {
            assertEquals(PthReader.read(Fixtures.path("tiny.pth")), PthReader.read(in, "stream"));
        }
    }

    @Test
    void stripsDataParallelPrefix() throws IOException {
        assertEquals(PthReader.read(Fixtures.path("tiny.pth")), PthReader.read(Fixtures.path("dataparallel.pth")));
    }

    @Test
    void unwrapsCheckpointDicts() throws IOException {
        StateDict plain = PthReader.read(Fixtures.path("tiny.pth"));
        assertEquals(plain, PthReader.read(Fixtures.path("wrapped_state_dict.pth")));
        assertEquals(plain, PthReader.read(Fixtures.path("wrapped_model.pth")));
    }

    @Test
    void unsupportedDtypeNamesFileKeyAndDtype() {
        Path file = Fixtures.path("bool.pth");
        String message = assertThrows(WeightsFormatException.class, () -> PthReader.read(file))
                .getMessage();
        assertContains(message, file.toString(), "'flags'", "BoolStorage");
    }

    @Test
    void legacyFormatIsRejectedWithAHint() {
        Path file = Fixtures.path("legacy.pth");
        String message = assertThrows(WeightsFormatException.class, () -> PthReader.read(file))
                .getMessage();
        assertContains(message, file.toString(), "legacy");
    }

    @Test
    void truncatedArchiveIsAFormatError() throws IOException {
        byte[] whole = Files.readAllBytes(Fixtures.path("tiny.pth"));
        Path file = dir.resolve("truncated.pth");
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));
        String message = assertThrows(WeightsFormatException.class, () -> PthReader.read(file))
                .getMessage();
        assertContains(message, file.toString());
    }

    @Test
    void emptyAndTextFilesAreFormatErrors() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.pth"));
        assertContains(
                assertThrows(WeightsFormatException.class, () -> PthReader.read(empty))
                        .getMessage(),
                empty.toString(),
                "empty");
        Path text = Files.writeString(dir.resolve("notes.pth"), "hello, weights", StandardCharsets.UTF_8);
        assertContains(
                assertThrows(WeightsFormatException.class, () -> PthReader.read(text))
                        .getMessage(),
                text.toString(),
                "not a zip archive");
    }

    static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "'" + part + "' not in: " + message);
        }
    }
}
