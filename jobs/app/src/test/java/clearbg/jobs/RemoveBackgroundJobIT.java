package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.cli.ClearBg;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RemoveBackgroundJob through spark-submit on local[2] against a real S3 server (S3Proxy, s3a://): nested
 * prefixes with good and bad objects, a re-run that skips everything, and an interrupted run followed by a
 * re-run that completes with nothing missing and nothing duplicated. Secrets never reach the output.
 */
class RemoveBackgroundJobIT {

    private static final int GOOD = 300;
    private static final String BUCKET = "photos";

    @Test
    void removesBackgroundsSafelyAndReRuns(@TempDir Path dir) throws Exception {
        try (LocalS3Server s3 = new LocalS3Server(dir, BUCKET)) {
            Path bucket = s3.dataDir().resolve(BUCKET);
            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < GOOD; i++) {
                String key = "in/shop" + (i % 3) + "/day" + (i % 4) + "/p" + i + (i % 2 == 0 ? ".jpg" : ".png");
                write(
                        bucket.resolve(key),
                        HostileImages.encode(
                                HostileImages.photo(48 + i % 17, 40 + i % 13, i), i % 2 == 0 ? "jpg" : "png"));
                expected.add("out/" + key.substring(3, key.lastIndexOf('.')) + ".png");
            }
            byte[] jpeg = HostileImages.encode(HostileImages.photo(64, 64, 1), "jpg");
            write(bucket.resolve("in/bad/truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
            write(bucket.resolve("in/bad/empty.png"), new byte[0]);
            write(bucket.resolve("in/bad/huge.png"), hugeHeaderPng());
            write(bucket.resolve("in/bad/notes.txt"), "not an image".getBytes());
            write(bucket.resolve("in/bad/text.jpg"), "plain text".getBytes());
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
            TreeMap<String, String> inputsBefore = hashes(bucket.resolve("in"));

            String[] args = {
                "--input",
                "s3a://" + BUCKET + "/in",
                "--output",
                "s3a://" + BUCKET + "/out",
                "--weights",
                weights.toUri().toString(),
                "--batch",
                "4",
                "--size",
                "160",
                "--max-pixels",
                "4000000",
                "--run-id",
                "first"
            };
            SparkSubmit.Result first = SparkSubmit.run(
                    "local[2]", "clearbg.jobs.RemoveBackgroundJob", 600, dir.resolve("first.log"), s3, args);
            assertEquals(RemoveBackgroundJob.SOME_FAILED, first.exitCode(), first.output());
            assertFalse(first.output().contains(s3.secretKey()), "the secret never appears in the output");
            assertEquals(expected, outputs(bucket));
            for (String key : expected) {
                BufferedImage cutout = ImageIO.read(bucket.resolve(key).toFile());
                assertTrue(cutout.getColorModel().hasAlpha(), key);
            }
            JsonNode summary = new ObjectMapper()
                    .readTree(bucket.resolve("out/_reports/first/summary.json").toFile());
            assertEquals(GOOD, summary.get("done").asInt());
            assertEquals(4, summary.get("failed").asInt());
            assertEquals(1, summary.get("skipped").asInt());
            assertTrue(summary.get("time_split_ms").get("predict").asDouble() > 0);
            assertTrue(first.output().contains("bad/truncated.jpg: truncated JPEG"), first.output());
            assertTrue(first.output().contains("bad/empty.png: empty file"), first.output());
            assertTrue(first.output().contains("bad/huge.png: image is 30000x20000"), first.output());
            assertTrue(first.output().contains("bad/text.jpg: not an image"), first.output());
            assertTrue(Files.isDirectory(bucket.resolve("out/_reports/first/report.parquet")));
            assertEquals(inputsBefore, hashes(bucket.resolve("in")), "inputs are never modified");

            args[args.length - 1] = "second";
            SparkSubmit.Result second = SparkSubmit.run(
                    "local[2]", "clearbg.jobs.RemoveBackgroundJob", 600, dir.resolve("second.log"), s3, args);
            assertEquals(RemoveBackgroundJob.SOME_FAILED, second.exitCode(), second.output());
            JsonNode again = new ObjectMapper()
                    .readTree(bucket.resolve("out/_reports/second/summary.json").toFile());
            assertEquals(0, again.get("done").asInt(), "a second run skips every done image");
            assertEquals(GOOD + 1, again.get("skipped").asInt());

            SparkSubmit.Result reused = SparkSubmit.run(
                    "local[2]", "clearbg.jobs.RemoveBackgroundJob", 300, dir.resolve("reused.log"), s3, args);
            assertEquals(1, reused.exitCode(), reused.output());
            assertTrue(
                    reused.output().contains("--run-id second: a run with this id already reported"), reused.output());
            String[] escaping = args.clone();
            escaping[escaping.length - 1] = "../escape";
            SparkSubmit.Result refused = SparkSubmit.run(
                    "local[2]", "clearbg.jobs.RemoveBackgroundJob", 300, dir.resolve("escape.log"), s3, escaping);
            assertEquals(2, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains("--run-id '../escape' must be"), refused.output());
            assertFalse(Files.exists(bucket.resolve("out/escape")), "nothing written outside the reports");

            String[] fresh = args.clone();
            fresh[3] = "s3a://" + BUCKET + "/out2";
            fresh[fresh.length - 1] = "interrupted";
            Process interrupted = SparkSubmit.start(
                    "local[2]", "clearbg.jobs.RemoveBackgroundJob", dir.resolve("interrupted.log"), s3, fresh);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (countPngs(bucket.resolve("out2")) < GOOD / 4
                    && System.nanoTime() < deadline
                    && interrupted.isAlive()) {
                Thread.sleep(200);
            }
            interrupted.descendants().forEach(ProcessHandle::destroyForcibly);
            interrupted.destroyForcibly().waitFor();
            int partial = countPngs(bucket.resolve("out2"));
            assertTrue(partial > 0 && partial < GOOD, "interrupted part-way: " + partial + " outputs");

            fresh[fresh.length - 1] = "resumed";
            SparkSubmit.Result resumed = SparkSubmit.run(
                    "local[2]", "clearbg.jobs.RemoveBackgroundJob", 600, dir.resolve("resumed.log"), s3, fresh);
            assertEquals(RemoveBackgroundJob.SOME_FAILED, resumed.exitCode(), resumed.output());
            Set<String> expected2 = new TreeSet<>();
            expected.forEach(key -> expected2.add(key.replaceFirst("^out/", "out2/")));
            assertEquals(
                    expected2,
                    outputs(bucket).stream()
                            .filter(k -> k.startsWith("out2/"))
                            .collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
            JsonNode resumedSummary = new ObjectMapper()
                    .readTree(
                            bucket.resolve("out2/_reports/resumed/summary.json").toFile());
            assertEquals(
                    GOOD,
                    resumedSummary.get("done").asInt()
                            + resumedSummary.get("skipped").asInt()
                            - 1);
            for (String key : expected2) {
                assertTrue(ImageIO.read(bucket.resolve(key).toFile()).getWidth() > 0, "whole output " + key);
            }
        }
    }

    private static Set<String> outputs(Path bucket) throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> files = Files.walk(bucket)) {
            files.filter(Files::isRegularFile)
                    .map(f -> bucket.relativize(f).toString())
                    .filter(k -> !k.startsWith("in/") && !k.contains("/_reports/") && k.endsWith(".png"))
                    .forEach(keys::add);
        }
        return keys;
    }

    private static int countPngs(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return (int) files.filter(
                            f -> f.toString().endsWith(".png") && !f.toString().contains("_reports"))
                    .count();
        }
    }

    /** A valid small PNG whose header claims 30000 x 20000 pixels (refused before decoding). */
    private static byte[] hugeHeaderPng() throws IOException {
        byte[] png = HostileImages.encode(HostileImages.photo(8, 8, 3), "png");
        ByteBuffer header = ByteBuffer.wrap(png);
        header.putInt(16, 30000);
        header.putInt(20, 20000);
        return png;
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private static TreeMap<String, String> hashes(Path root) throws Exception {
        TreeMap<String, String> hashes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                hashes.put(
                        root.relativize(file).toString(),
                        HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
            }
        }
        return hashes;
    }
}
