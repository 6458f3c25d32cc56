package clearbg.model.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Randomly damaged copies of a genuine checkpoint (seeded, so every run tries the same ones): each must either
 * read or fail with a {@link WeightsFormatException} naming the file, never any other exception or error.
 */
class MutatedPthTest {
    private static final int MUTATIONS = 300;

    @TempDir
    Path dir;

    @Test
    void damagedPicklesFailOnlyWithFormatErrors() throws IOException {
        Map<String, byte[]> records = records(Fixtures.path("tiny.pth"));
        byte[] pickle = records.get("tiny/data.pkl");
        Random random = new Random(16);
        Path file = dir.resolve("damaged-pickle.pth");
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] damaged = pickle.clone();
            StringBuilder what = new StringBuilder("data.pkl with");
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                int at = random.nextInt(damaged.length);
                damaged[at] = (byte) random.nextInt(256);
                what.append(" byte ").append(at).append(" = ").append(damaged[at] & 0xff);
            }
            records.put("tiny/data.pkl", damaged);
            try (RawZip zip = new RawZip(file)) {
                for (Map.Entry<String, byte[]> r : records.entrySet()) {
                    zip.stored(r.getKey(), r.getValue());
                }
            }
            readsOrFailsCleanly(file, what.toString());
        }
    }

    @Test
    void damagedArchivesFailOnlyWithFormatErrors() throws IOException {
        byte[] whole = Files.readAllBytes(Fixtures.path("tiny.pth"));
        Random random = new Random(61);
        Path file = dir.resolve("damaged-archive.pth");
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] damaged = whole.clone();
            int at = random.nextInt(damaged.length);
            damaged[at] = (byte) random.nextInt(256);
            Files.write(file, damaged);
            readsOrFailsCleanly(file, "archive byte " + at + " = " + (damaged[at] & 0xff));
        }
    }

    private static void readsOrFailsCleanly(Path file, String what) {
        try {
            PthReader.read(file);
        } catch (WeightsFormatException e) {
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        } catch (IOException | RuntimeException | Error e) {
            throw new AssertionError(what + ": escaped as " + e, e);
        }
    }

    private static Map<String, byte[]> records(Path pth) throws IOException {
        Map<String, byte[]> records = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(pth.toFile())) {
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry entry = en.nextElement();
                try (InputStream in = zip.getInputStream(entry)) {
                    records.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        return records;
    }
}
