package clearbg.jobs.remove;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clearbg.jobs.files.LocalFileStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run manifest names each file with its size and SHA-256 (known values), and reads back as written. */
class RunManifestTest {

    @Test
    void namesEachFileWithSizeAndChecksum(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("_reports/r1"));
        Files.writeString(root.resolve("_reports/r1/summary.json"), "abc", StandardCharsets.UTF_8);
        Files.write(root.resolve("_reports/r1/empty"), new byte[0]);
        LocalFileStore store = new LocalFileStore();
        List<RunManifest.Entry> written = RunManifest.write(
                store, root.toString(), "_reports", "r1", List.of("_reports/r1/summary.json", "_reports/r1/empty"));
        assertEquals(
                List.of(
                        new RunManifest.Entry(
                                "_reports/r1/summary.json",
                                3,
                                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                        new RunManifest.Entry(
                                "_reports/r1/empty",
                                0,
                                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")),
                written);
        assertEquals(
                written,
                RunManifest.read(
                        store, root.resolve("_reports/r1/manifest.json").toString()));
    }
}
