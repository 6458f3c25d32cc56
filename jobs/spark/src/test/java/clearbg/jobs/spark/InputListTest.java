package clearbg.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clearbg.jobs.remove.RemoveOutcome;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain CSV key lists (no Spark needed): one key per line, or a header with a key column, gzipped or not. */
class InputListTest {

    @Test
    void readsKeysRelativeToTheInputWithTheirStatus(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in/a"));
        Files.write(in.resolve("x.jpg"), new byte[] {1, 2, 3});
        Files.write(in.resolve("y.jpg"), new byte[] {4});
        HadoopFiles files = new HadoopFiles(new Configuration());
        String root = dir.resolve("in").toUri().toString().replaceAll("/+$", "");

        Files.writeString(dir.resolve("plain.csv"), "a/x.jpg\na/y.jpg\n\na/gone.jpg\n");
        InputList.Objects plain =
                InputList.read(null, files, dir.resolve("plain.csv").toUri().toString(), root);
        assertEquals(
                List.of("a/x.jpg:3", "a/y.jpg:1"),
                plain.entries().stream()
                        .map(e -> e.uri().substring(e.uri().indexOf("/in/") + 4) + ":" + e.length())
                        .toList());
        assertEquals(
                List.of(RemoveOutcome.failedKey("a/gone.jpg", "a/gone.jpg: listed in --input-list but no such object")),
                plain.refused());

        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write("size,key\n3,\"a/x.jpg\"\n".getBytes(StandardCharsets.UTF_8));
        }
        Files.write(dir.resolve("keys.csv.gz"), gz.toByteArray());
        InputList.Objects headed =
                InputList.read(null, files, dir.resolve("keys.csv.gz").toUri().toString(), root);
        assertEquals(1, headed.entries().size());
        assertEquals(3, headed.entries().get(0).length());
        assertEquals(
                Files.getLastModifiedTime(in.resolve("x.jpg")).toMillis(),
                headed.entries().get(0).modified());
    }
}
