package clearbg.jobs.remove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** S3 Inventory manifests and CSV rows as S3 writes them. */
class InventoryManifestTest {

    private static final String MANIFEST = """
            {"sourceBucket": "photos", "destinationBucket": "arn:aws:s3:::reports", "version": "2016-11-30",
             "creationTimestamp": "1700000000000", "fileFormat": "CSV",
             "fileSchema": "Bucket, Key, Size, LastModifiedDate, ETag",
             "files": [{"key": "inv/photos/nightly/data/a.csv.gz", "size": 120, "MD5checksum": "ABC123"}]}
            """;

    @Test
    void readsTheManifest() throws IOException {
        InventoryManifest manifest = InventoryManifest.parse("m.json", MANIFEST.getBytes(StandardCharsets.UTF_8));
        assertEquals("photos", manifest.sourceBucket());
        assertEquals("reports", manifest.destinationBucket());
        assertEquals("CSV", manifest.fileFormat());
        assertEquals(List.of("Bucket", "Key", "Size", "LastModifiedDate", "ETag"), manifest.fileSchema());
        assertEquals(
                List.of(new InventoryManifest.DataFile("inv/photos/nightly/data/a.csv.gz", 120, "abc123")),
                manifest.files());
    }

    @Test
    void readsARowWithAnEncodedKey() throws IOException {
        InventoryManifest manifest = InventoryManifest.parse("m.json", MANIFEST.getBytes(StandardCharsets.UTF_8));
        InventoryManifest.Row row = manifest.parseCsvLine(
                "\"photos\",\"in/a%20b%2Bc/%C3%A9t%C3%A9.jpg\",\"1234\",\"2026-01-31T02:15:00.000Z\",\"d41d8cd9\"",
                "a.csv.gz line 1");
        assertEquals(
                new InventoryManifest.Row(
                        "photos",
                        "in/a b+c/\u00e9t\u00e9.jpg",
                        1234,
                        Instant.parse("2026-01-31T02:15:00Z").toEpochMilli(),
                        "d41d8cd9"),
                row);
    }

    @Test
    void refusesWhatItCannotRead() {
        IOException orc = assertThrows(
                IOException.class,
                () -> InventoryManifest.parse(
                        "s3a://r/m.json", MANIFEST.replace("\"CSV\"", "\"ORC\"").getBytes(StandardCharsets.UTF_8)));
        assertTrue(orc.getMessage().startsWith("s3a://r/m.json: fileFormat 'ORC' is not supported"), orc.getMessage());
        IOException shortRow = assertThrows(
                IOException.class,
                () -> InventoryManifest.parse("m.json", MANIFEST.getBytes(StandardCharsets.UTF_8))
                        .parseCsvLine("\"photos\",\"k\"", "a.csv.gz line 7"));
        assertTrue(shortRow.getMessage().startsWith("a.csv.gz line 7: 2 fields"), shortRow.getMessage());
    }
}
