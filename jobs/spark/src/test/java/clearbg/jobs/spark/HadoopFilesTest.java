package clearbg.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HadoopFilesTest {

    @TempDir
    Path dir;

    private final HadoopFiles files = new HadoopFiles(new Configuration());

    @Test
    void localListingWalksNestedFoldersWithModificationTimesSorted() throws IOException {
        write("b.jpg", 1_600_000_000_000L);
        write("a/z.png", 1_600_000_100_000L);
        write("a/deeper/still/x.jpg", 1_600_000_200_000L);
        Files.createDirectories(dir.resolve("empty/folder"));

        List<HadoopFiles.Entry> entries = files.listEntries(dir.toUri().toString());

        List<String> relative = entries.stream().map(e -> relativize(e.uri())).toList();
        assertEquals(List.of("a/deeper/still/x.jpg", "a/z.png", "b.jpg"), relative);
        assertEquals(1_600_000_200_000L, entries.get(0).modified());
        assertEquals(1_600_000_100_000L, entries.get(1).modified());
        assertEquals(1_600_000_000_000L, entries.get(2).modified());
        assertTrue(entries.get(0).uri().startsWith("file:"), entries.get(0).uri());
        assertEquals(
                files.listFiles(dir.toString()),
                entries.stream().map(HadoopFiles.Entry::uri).toList());
    }

    @Test
    void aSymbolicLinkToAnAncestorEndsTheWalkInsteadOfLoopingAndNoFileIsListedTwice() throws IOException {
        write("a/x.jpg", 1_600_000_000_000L);
        write("b/y.jpg", 1_600_000_000_000L);
        Files.createSymbolicLink(dir.resolve("a/loop"), dir);
        Files.createSymbolicLink(dir.resolve("again"), dir.resolve("b"));

        List<String> relative = files.listEntries(dir.toUri().toString()).stream()
                .map(e -> relativize(e.uri()))
                .toList();

        assertEquals(
                List.of("x.jpg", "y.jpg"),
                relative.stream()
                        .map(r -> r.substring(r.lastIndexOf('/') + 1))
                        .sorted()
                        .toList(),
                "each file once, whichever way it was reached: " + relative);
    }

    @Test
    void missingFolderIsNamed() {
        String missing = dir.resolve("nothing-here").toUri().toString();
        IOException error = assertThrows(IOException.class, () -> files.listEntries(missing));
        assertTrue(
                error.getMessage().contains("nothing-here")
                        && error.getMessage().contains("no such folder"),
                error.getMessage());
    }

    @Test
    void aWriteReplacesTheTargetWholeAndLeavesNoTemporaryFileEvenWhenItFails() throws IOException {
        String target = dir.resolve("out/model.bin").toUri().toString();
        files.write(target, "first".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        files.write(target, "second".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("second", Files.readString(dir.resolve("out/model.bin")));
        assertEquals("second", new String(files.read(target), java.nio.charset.StandardCharsets.UTF_8));
        String qualified = files.qualified(target);
        files.write(qualified, "third".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("third", new String(files.read(target), java.nio.charset.StandardCharsets.UTF_8));
        try (var listing = Files.list(dir.resolve("out"))) {
            assertEquals(
                    List.of("model.bin"),
                    listing.map(p -> p.getFileName().toString()).sorted().toList());
        }

        Files.writeString(dir.resolve("blocker"), "a file where a folder should be");
        String impossible = dir.resolve("blocker/model.bin").toUri().toString();
        assertThrows(IOException.class, () -> files.write(impossible, new byte[] {1}));
        assertEquals("a file where a folder should be", Files.readString(dir.resolve("blocker")));
        try (var listing = Files.list(dir)) {
            assertTrue(listing.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void aRenameNeverReplacesAnExistingFile() throws IOException {
        write("a.bin", 1_600_000_000_000L);
        write("b.bin", 1_600_000_000_000L);
        assertThrows(
                IOException.class,
                () -> files.rename(
                        dir.resolve("a.bin").toUri().toString(),
                        dir.resolve("b.bin").toUri().toString()));
        assertEquals("b.bin", Files.readString(dir.resolve("b.bin")));
        files.rename(
                dir.resolve("a.bin").toUri().toString(),
                dir.resolve("c.bin").toUri().toString());
        assertEquals("a.bin", Files.readString(dir.resolve("c.bin")));
    }

    @Test
    void aKeyIsRelativeOnlyToAPrefixItLiesUnderAfterItsDotDotSegmentsAreResolved() throws IOException {
        String in = dir.resolve("in").toUri().toString();
        assertEquals("a/b.jpg", files.relativize(in, in + "/a/b.jpg"));
        assertEquals("b.jpg", files.relativize(in + "/", in + "/a/../b.jpg"));
        IOException outside = assertThrows(IOException.class, () -> files.relativize(in, in + "/../x.jpg"));
        assertTrue(outside.getMessage().contains("is not under"), outside.getMessage());
        assertThrows(IOException.class, () -> files.relativize(in, in + "2/x.jpg"), "a sibling sharing the prefix");
    }

    @Test
    void sensitiveSettingsNeverTravelInATask() throws Exception {
        Configuration configuration = new Configuration(false);
        configuration.set("fs.s3a.secret.key", "PLANTED-S3-SECRET");
        configuration.set("fs.s3a.bucket.photos.secret.key", "PLANTED-BUCKET-SECRET");
        configuration.set("fs.azure.account.key.acct.blob.core.windows.net", "PLANTED-AZURE-KEY");
        configuration.set("fs.s3a.endpoint", "http://127.0.0.1:9000");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(new HadoopFiles(configuration));
        }
        String serialized = bytes.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String secret : List.of("PLANTED-S3-SECRET", "PLANTED-BUCKET-SECRET", "PLANTED-AZURE-KEY")) {
            assertTrue(!serialized.contains(secret), secret + " is in the serialized task data");
        }
        try (java.io.ObjectInputStream in =
                new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            Configuration rebuilt = ((HadoopFiles) in.readObject()).configuration();
            assertEquals("http://127.0.0.1:9000", rebuilt.get("fs.s3a.endpoint"));
            assertEquals(null, rebuilt.get("fs.s3a.secret.key"));
        }
    }

    private void write(String relative, long modifiedMillis) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, relative);
        Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedMillis));
    }

    private String relativize(String uri) {
        try {
            return files.relativize(dir.toUri().toString(), uri);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
