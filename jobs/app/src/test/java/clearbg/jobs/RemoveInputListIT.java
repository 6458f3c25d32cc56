package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.cli.ClearBg;
import clearbg.jobs.files.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RemoveBackgroundJob with {@code --input-list} over a real S3 server (spark-submit, local[2]): S3 Inventory reports
 * in CSV and Parquet, written by scripts/s3-inventory.py in S3 Inventory's layout, drive runs equal to the listing
 * run (the CSV run into a fresh prefix writes the same bytes and the same records, but for the input versions: S3Proxy
 * lists objects without ETags, so the listing's versions are size and time, the inventory's ETags; the Parquet run
 * after it finds every record current, so both formats give the same versions), and an inventoried key outside the
 * input prefix is refused with its reason.
 */
class RemoveInputListIT {

    private static final int PHOTOS = 12;

    @Test
    void inventoriesDriveTheSameRunAsTheListing(@TempDir Path dir) throws Exception {
        try (LocalS3Server s3 = new LocalS3Server(dir, "photos")) {
            Path bucket = s3.dataDir().resolve("photos");
            for (int i = 0; i < PHOTOS; i++) {
                write(bucket.resolve("in/s" + (i % 3) + "/p" + i + ".jpg"), photo(i));
            }
            Path weights = dir.resolve("w.safetensors");
            assertEquals(
                    0,
                    ClearBg.execute(
                            new PrintWriter(new StringWriter()),
                            new PrintWriter(new StringWriter()),
                            "init",
                            "--arch",
                            "u2netp",
                            "--seed",
                            "9",
                            weights.toString()));
            String csv = inventory(dir, bucket, "CSV");
            String parquet = inventory(dir, bucket, "Parquet");

            assertEquals(0, submit(dir, s3, weights, "out", "listed").exitCode());
            assertEquals(PHOTOS, summary(bucket, "out", "listed").get("done").asInt());

            SparkSubmit.Result fromCsv = submit(dir, s3, weights, "out2", "csv", "--input-list", csv);
            assertEquals(RemoveBackgroundJob.SOME_FAILED, fromCsv.exitCode(), fromCsv.output());
            JsonNode csvSummary = summary(bucket, "out2", "csv");
            assertEquals(PHOTOS, csvSummary.get("done").asInt());
            assertEquals(1, csvSummary.get("failed").asInt());
            assertTrue(
                    fromCsv.output().contains("other/outside.jpg: refused: the key lies outside the input prefix"),
                    fromCsv.output());
            assertEquals(hashes(bucket.resolve("out")), hashes(bucket.resolve("out2")), "the same outputs");
            try (SparkSession spark = SparkSession.builder()
                    .master("local[1]")
                    .config("spark.ui.enabled", "false")
                    .getOrCreate()) {
                assertEquals(
                        records(spark, bucket.resolve("out"), "listed"),
                        records(spark, bucket.resolve("out2"), "csv"),
                        "the same records (but the input versions: S3Proxy lists no ETags, an inventory has them)");
            }

            SparkSubmit.Result fromParquet = submit(dir, s3, weights, "out2", "parquet", "--input-list", parquet);
            assertEquals(RemoveBackgroundJob.SOME_FAILED, fromParquet.exitCode(), fromParquet.output());
            JsonNode parquetSummary = summary(bucket, "out2", "parquet");
            assertEquals(0, parquetSummary.get("done").asInt(), "the Parquet inventory's versions equal the CSV's");
            assertEquals(PHOTOS, parquetSummary.get("skipped").asInt());
            assertEquals(1, parquetSummary.get("failed").asInt());
        }
    }

    private static List<String> records(SparkSession spark, Path out, String runId) {
        return spark.read()
                .parquet(out.resolve("_reports/records.parquet").toUri().toString())
                .filter("run_id = '" + runId + "'")
                .selectExpr("concat_ws(' ', input_key, array_join(output_keys, ','),"
                        + " array_join(output_sha256, ','), weights_sha256, settings_fingerprint, outcome)")
                .orderBy("input_key")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
    }

    /** Writes an S3 Inventory of in/ (and one key outside it) into the bucket; returns its manifest's URI. */
    private static String inventory(Path dir, Path bucket, String format) throws Exception {
        Path python = Paths.get(System.getProperty("clearbg.sparkSubmit", "../../scripts/spark-submit"))
                .toAbsolutePath()
                .getParent()
                .resolveSibling(".venv/bin/python");
        Path script = python.getParent().getParent().resolveSibling("scripts/s3-inventory.py");
        Process process = new ProcessBuilder(
                        python.toString(),
                        script.toString(),
                        "--source",
                        bucket.resolve("in").toString(),
                        "--bucket",
                        "photos",
                        "--key-prefix",
                        "in/",
                        "--dest",
                        bucket.toString(),
                        "--dest-bucket",
                        "photos",
                        "--config-id",
                        format.toLowerCase(java.util.Locale.ROOT),
                        "--format",
                        format,
                        "--extra",
                        "other/outside.jpg")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("inventory-" + format + ".log").toFile())
                .start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String log = Files.readString(dir.resolve("inventory-" + format + ".log"), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), log);
        return "s3a://photos/" + log.strip();
    }

    private static SparkSubmit.Result submit(
            Path dir, LocalS3Server s3, Path weights, String output, String runId, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--input",
                "s3a://photos/in",
                "--output",
                "s3a://photos/" + output,
                "--weights",
                weights.toUri().toString(),
                "--run-id",
                runId));
        args.addAll(List.of(more));
        return SparkSubmit.run(
                "local[2]",
                "clearbg.jobs.RemoveBackgroundJob",
                600,
                dir.resolve(runId + ".log"),
                s3,
                args.toArray(String[]::new));
    }

    private static JsonNode summary(Path bucket, String output, String runId) throws IOException {
        return new ObjectMapper()
                .readTree(bucket.resolve(output + "/_reports/" + runId + "/summary.json")
                        .toFile());
    }

    private static Map<String, String> hashes(Path out) throws IOException {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".png"))
                    .toList()) {
                hashes.put(out.relativize(file).toString(), Sha256.of(Files.readAllBytes(file)));
            }
        }
        return hashes;
    }

    private static byte[] photo(int seed) throws IOException {
        return HostileImages.encode(HostileImages.photo(64, 48, seed), "jpg");
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}
