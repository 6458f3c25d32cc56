package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.cli.ClearBg;
import clearbg.jobs.files.LocalFileStore;
import clearbg.jobs.files.Sha256;
import clearbg.jobs.options.OfflineEngine;
import clearbg.jobs.remove.RunManifest;
import clearbg.jobs.spark.OutputVerifier;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output records of RemoveBackgroundJob: which re-runs redo what (the six runs of issue #30 on 12 photos, in one
 * local[2] Spark session through {@link RemoveBackgroundJob#run}), {@code --verify} against a tampered, a deleted and
 * an unrecorded output, and a run killed part-way (spark-submit over a real S3 server) whose re-run leaves complete
 * records and a manifest whose checksums hold.
 */
class RemoveRecordsIT {

    private static final int PHOTOS = 12;

    @Test
    void reRunsRedoExactlyWhatChangedAndVerifyFindsTampering(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in");
        for (int i = 0; i < PHOTOS; i++) {
            write(in.resolve("shop" + (i % 2) + "/p" + i + ".jpg"), photo(i));
        }
        Path weightsA = weights(dir.resolve("a.safetensors"), 9);
        Path weightsB = weights(dir.resolve("b.safetensors"), 10);
        Path out = dir.resolve("out");
        OfflineEngine.applyDefaults();
        try (SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .appName("remove-records-it")
                .config("spark.ui.enabled", "false")
                .getOrCreate()) {
            assertEquals(12, run(spark, in, out, weightsA, "r1"), "first run");
            Map<String, String> afterFirst = hashes(out);
            assertEquals(0, run(spark, in, out, weightsA, "r2"), "same weights again");
            assertEquals(afterFirst, hashes(out));
            assertEquals(12, run(spark, in, out, weightsB, "r3"), "new weights");
            Map<String, String> afterNewWeights = hashes(out);
            assertNotEquals(afterFirst.get("shop0/p0.png"), afterNewWeights.get("shop0/p0.png"));
            assertEquals(12, run(spark, in, out, weightsB, "r4", "--size", "288"), "new weights and size");
            Map<String, String> afterSize = hashes(out);
            assertNotEquals(afterNewWeights.get("shop0/p0.png"), afterSize.get("shop0/p0.png"));
            assertEquals(0, run(spark, in, out, weightsB, "r5", "--size", "288"), "the same again");
            assertEquals(afterSize, hashes(out));

            Path replaced = in.resolve("shop1/p3.jpg");
            FileTime before = Files.getLastModifiedTime(replaced);
            write(replaced, photo(40));
            Files.setLastModifiedTime(replaced, FileTime.fromMillis(before.toMillis() - TimeUnit.DAYS.toMillis(30)));
            assertEquals(1, run(spark, in, out, weightsB, "r6", "--size", "288"), "an input replaced by an older one");
            Map<String, String> afterReplace = hashes(out);
            assertNotEquals(afterSize.get("shop1/p3.png"), afterReplace.get("shop1/p3.png"));
            assertNotEquals(afterSize.get("shop1/p3.mask.png"), afterReplace.get("shop1/p3.mask.png"));
            for (String key : List.of("shop1/p3.png", "shop1/p3.mask.png")) {
                afterReplace.remove(key);
                afterSize.remove(key);
            }
            assertEquals(afterSize, afterReplace, "nothing else is rewritten");

            long runs = spark.read()
                    .parquet(out.resolve("_reports/records.parquet").toUri().toString())
                    .select("run_id")
                    .distinct()
                    .count();
            assertEquals(6, runs, "one records partition per run");
            Row replacedRecord = spark.read()
                    .parquet(out.resolve("_reports/records.parquet").toUri().toString())
                    .filter("run_id = 'r6' and input_key = 'shop1/p3.jpg'")
                    .select("outcome", "output_sha256", "settings")
                    .first();
            assertEquals("done", replacedRecord.getString(0));
            assertEquals(
                    Sha256.of(Files.readAllBytes(out.resolve("shop1/p3.png"))),
                    replacedRecord.getList(1).get(0));
            assertTrue(replacedRecord.getString(2).contains("size=288"), replacedRecord.getString(2));
            assertManifestHolds(out, "r6");

            assertEquals(0, verify(spark, out).code(), "untouched outputs verify");
            Files.write(out.resolve("shop0/p0.png"), photo(41));
            Files.delete(out.resolve("shop1/p1.png"));
            write(out.resolve("stray/x.png"), photo(42));
            Verification tampered = verify(spark, out);
            assertEquals(OutputVerifier.DISAGREES, tampered.code(), tampered.output());
            assertTrue(tampered.output().contains("checksum differs: shop0/p0.png"), tampered.output());
            assertTrue(tampered.output().contains("missing: shop1/p1.png"), tampered.output());
            assertTrue(tampered.output().contains("no record: stray/x.png"), tampered.output());
            assertTrue(tampered.output().contains(": 2 disagree; 1 outputs without a record"), tampered.output());
        }
    }

    @Test
    void aKilledRunCostsOnlyReworkAndItsReRunCompletesRecordsAndManifest(@TempDir Path dir) throws Exception {
        try (LocalS3Server s3 = new LocalS3Server(dir, "photos")) {
            Path bucket = s3.dataDir().resolve("photos");
            for (int i = 0; i < 4 * PHOTOS; i++) {
                write(bucket.resolve("in/p" + i + ".jpg"), photo(i));
            }
            Path weights = weights(dir.resolve("w.safetensors"), 9);
            String[] args = {
                "--input",
                "s3a://photos/in",
                "--output",
                "s3a://photos/out",
                "--weights",
                weights.toUri().toString(),
                "--batch",
                "1",
                "--partitions",
                "2",
                "--run-id",
                "killed"
            };
            Process killed = SparkSubmit.start(
                    "local[2]", "clearbg.jobs.RemoveBackgroundJob", dir.resolve("killed.log"), s3, args);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (pngs(bucket.resolve("out")) < 4 && System.nanoTime() < deadline && killed.isAlive()) {
                Thread.sleep(100);
            }
            killed.descendants().forEach(ProcessHandle::destroyForcibly);
            killed.destroyForcibly().waitFor();
            int partial = pngs(bucket.resolve("out"));
            assertTrue(partial > 0 && partial < 4 * PHOTOS, "killed part-way: " + partial + " outputs");

            args[args.length - 1] = "resumed";
            SparkSubmit.Result resumed = SparkSubmit.run(
                    "local[2]", "clearbg.jobs.RemoveBackgroundJob", 600, dir.resolve("resumed.log"), s3, args);
            assertEquals(0, resumed.exitCode(), resumed.output());
            var summary = new ObjectMapper()
                    .readTree(
                            bucket.resolve("out/_reports/resumed/summary.json").toFile());
            assertEquals(4 * PHOTOS, summary.get("done").asInt(), "outputs without a record are redone");
            assertTrue(summary.get("started").asText().endsWith("Z"), summary.toString());
            assertEquals(4 * PHOTOS, pngs(bucket.resolve("out")));
            assertManifestHolds(bucket.resolve("out"), "resumed");
            try (Stream<Path> files = Files.walk(bucket.resolve("out/_reports/records.parquet/run_id=resumed"))) {
                assertTrue(files.anyMatch(f -> f.toString().endsWith(".parquet")));
            }
        }
    }

    /** Every file the run's manifest names has the size and SHA-256 it says, and its records and report are named. */
    private static void assertManifestHolds(Path out, String runId) throws IOException {
        List<RunManifest.Entry> entries = RunManifest.read(
                new LocalFileStore(),
                out.resolve("_reports/" + runId + "/manifest.json").toString());
        List<String> keys = new ArrayList<>();
        for (RunManifest.Entry entry : entries) {
            byte[] bytes = Files.readAllBytes(out.resolve(entry.key()));
            assertEquals(entry.size(), bytes.length, entry.key());
            assertEquals(entry.sha256(), Sha256.of(bytes), entry.key());
            keys.add(entry.key());
        }
        assertTrue(keys.contains("_reports/" + runId + "/summary.json"), keys.toString());
        assertTrue(
                keys.stream().anyMatch(k -> k.startsWith("_reports/" + runId + "/report.parquet/part-")),
                keys.toString());
        assertTrue(
                keys.stream().anyMatch(k -> k.startsWith("_reports/records.parquet/run_id=" + runId + "/part-")),
                keys.toString());
    }

    /** Runs the job in {@code spark}; returns how many inputs it did (rewrote). */
    private static int run(SparkSession spark, Path in, Path out, Path weights, String runId, String... more)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--input", in.toUri().toString(),
                "--output", out.toUri().toString(),
                "--weights", weights.toUri().toString(),
                "--format", "both",
                "--run-id", runId));
        args.addAll(List.of(more));
        assertEquals(0, RemoveBackgroundJob.run(spark, RemoveBackgroundJob.parse(args.toArray(String[]::new))));
        var summary = new ObjectMapper()
                .readTree(out.resolve("_reports/" + runId + "/summary.json").toFile());
        assertEquals(
                PHOTOS, summary.get("done").asInt() + summary.get("skipped").asInt(), summary.toString());
        return summary.get("done").asInt();
    }

    private record Verification(int code, String output) {}

    private static Verification verify(SparkSession spark, Path out) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int code;
        try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = RemoveBackgroundJob.run(
                    spark, RemoveBackgroundJob.parse("--output", out.toUri().toString(), "--verify"));
        } finally {
            System.setOut(saved);
        }
        return new Verification(code, bytes.toString(StandardCharsets.UTF_8));
    }

    private static Path weights(Path file, int seed) {
        assertEquals(
                0,
                ClearBg.execute(
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(new StringWriter()),
                        "init",
                        "--arch",
                        "u2netp",
                        "--seed",
                        Integer.toString(seed),
                        file.toString()));
        return file;
    }

    private static byte[] photo(int seed) throws IOException {
        return HostileImages.encode(HostileImages.photo(64, 48, seed), "jpg");
    }

    /** SHA-256 of every cut-out and mask under {@code out}, by key. */
    private static Map<String, String> hashes(Path out) throws IOException {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".png")).toList()) {
                String key = out.relativize(file).toString();
                if (!key.startsWith("_") && !file.getFileName().toString().startsWith(".")) {
                    hashes.put(key, Sha256.of(Files.readAllBytes(file)));
                }
            }
        }
        return hashes;
    }

    private static int pngs(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return (int) files.filter(f -> f.getFileName().toString().endsWith(".png")
                            && !f.getFileName().toString().startsWith("."))
                    .count();
        }
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}
