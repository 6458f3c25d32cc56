package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.jobs.spark.HadoopFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --since}: an instant, or an earlier run's start from its summary; anything else is named in the error. */
class SinceTest {

    @Test
    void takesAnInstantOrARunsStart(@TempDir Path out) throws Exception {
        HadoopFiles files = new HadoopFiles(new Configuration());
        String root = out.toUri().toString();
        assertEquals(
                Instant.parse("2026-01-31T02:15:00Z").toEpochMilli(),
                Since.millis(files, root, "2026-01-31T02:15:00Z"));
        Files.createDirectories(out.resolve("_reports/night1"));
        Files.writeString(
                out.resolve("_reports/night1/summary.json"),
                "{\"run_id\": \"night1\", \"started\": \"2026-02-01T00:00:01Z\"}");
        assertEquals(Instant.parse("2026-02-01T00:00:01Z").toEpochMilli(), Since.millis(files, root, "night1"));

        IllegalArgumentException unknown =
                assertThrows(IllegalArgumentException.class, () -> Since.millis(files, root, "night2"));
        assertTrue(
                unknown.getMessage().startsWith("--since night2: neither an ISO-8601 instant"), unknown.getMessage());
        Files.createDirectories(out.resolve("_reports/old"));
        Files.writeString(out.resolve("_reports/old/summary.json"), "{\"run_id\": \"old\"}");
        IllegalArgumentException old =
                assertThrows(IllegalArgumentException.class, () -> Since.millis(files, root, "old"));
        assertTrue(old.getMessage().contains("has no start time"), old.getMessage());
    }
}
