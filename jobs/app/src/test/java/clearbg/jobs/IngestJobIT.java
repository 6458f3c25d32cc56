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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IngestJob through spark-submit on local[2]: a generated DUTS set with planted bad files, read from
 * file:// and from the S3 server (s3a://) into identical tables; rejects with their reasons; the flip doubles
 * the training split exactly; a second run rewrites nothing; the secret never reaches the output.
 */
class IngestJobIT {

    private static final int TRAIN = 12;
    private static final int TEST = 4;

    @Test
    void ingestsFromFilesAndFromS3IdenticallyAndRejectsBadPairs(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src");
        assertEquals(
                0,
                ClearBg.execute(
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(new StringWriter()),
                        "synth",
                        "--layout",
                        "duts",
                        "--out",
                        src.toString(),
                        "--train",
                        "" + TRAIN,
                        "--test",
                        "" + TEST,
                        "--size",
                        "96x72",
                        "--seed",
                        "2"));
        Path images = src.resolve("DUTS-TR/DUTS-TR-Image");
        Path masks = src.resolve("DUTS-TR/DUTS-TR-Mask");
        byte[] goodJpeg = Files.readAllBytes(images.resolve("synth_duts_tr_000001.jpg"));
        byte[] goodMask = Files.readAllBytes(masks.resolve("synth_duts_tr_000001.png"));
        Files.write(images.resolve("bad_truncated.jpg"), Arrays.copyOf(goodJpeg, goodJpeg.length / 2));
        Files.write(masks.resolve("bad_truncated.png"), goodMask);
        Files.write(images.resolve("bad_empty.jpg"), new byte[0]);
        Files.write(masks.resolve("bad_empty.png"), goodMask);
        Files.write(images.resolve("bad_nomask.jpg"), goodJpeg);
        Files.write(masks.resolve("bad_orphan.png"), goodMask);
        Files.write(images.resolve("bad_size.jpg"), goodJpeg);
        BufferedImage small = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(small, "png", masks.resolve("bad_size.png").toFile());
        byte[] huge = goodMask.clone();
        ByteBuffer.wrap(huge).putInt(16, 5000).putInt(20, 5000);
        Files.write(images.resolve("bad_huge.png"), huge);
        Files.write(masks.resolve("bad_huge.png"), goodMask);
        Files.write(images.resolve("dup.jpg"), goodJpeg);
        Files.write(images.resolve("dup.png"), goodMask);
        Files.write(masks.resolve("dup.png"), goodMask);
        Files.writeString(images.resolve("notes.txt"), "not an image");
        Files.writeString(masks.resolve(".DS_Store"), "not an image");
        int planted = 9; // six bad pairs, two photos with one stem, the mask left without a photo by them

        Path out = dir.resolve("table");
        String[] args = {
            "--source", src.toUri().toString(), "--out", out.toUri().toString(), "--flip", "--max-pixels", "1000000"
        };
        SparkSubmit.Result first =
                SparkSubmit.run("local[2]", "clearbg.jobs.IngestJob", 600, dir.resolve("first.log"), args);
        assertEquals(0, first.exitCode(), first.output());
        JsonNode manifest =
                new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals(2 * TRAIN + TEST, manifest.get("rows").asInt(), "flip doubles the training split exactly");
        assertEquals(2 * TRAIN, manifest.get("counts").get("DUTS/DUTS-TR").asInt());
        assertEquals(TEST, manifest.get("counts").get("DUTS/DUTS-TE").asInt());
        assertEquals(planted, manifest.get("rejected").asInt());
        assertEquals(
                TRAIN + TEST + planted,
                manifest.get("rows").asInt() - TRAIN + manifest.get("rejected").asInt(),
                "ingested + rejected = input pairs");
        JsonNode reasons = manifest.get("rejects_by_reason");
        assertEquals(1, reasons.get("undecodable").asInt());
        assertEquals(1, reasons.get("empty file").asInt());
        assertEquals(1, reasons.get("mask missing").asInt());
        assertEquals(2, reasons.get("image missing").asInt());
        assertEquals(2, manifest.get("ignored_files").asInt(), "notes.txt and .DS_Store are counted");
        assertEquals(2, reasons.get("duplicate stem").asInt(), "both photos named dup are refused");
        assertTrue(first.output().contains("rejected DUTS/DUTS-TR/dup: duplicate stem"), first.output());
        String version = manifest.get("version").asText();
        assertEquals(version + "/images", manifest.get("table").asText(), "the manifest names its version relatively");
        for (String named : List.of("version", "table", "rejects")) {
            assertFalse(manifest.get(named).asText().contains(":"), named + " is relative: " + manifest.get(named));
        }
        assertEquals(1, reasons.get("mask size differs from image").asInt());
        assertEquals(1, reasons.get("over the pixel limit").asInt());
        assertTrue(first.output().contains("rejected DUTS/DUTS-TR/bad_truncated: undecodable"), first.output());
        assertTrue(first.output().contains("rejected DUTS/DUTS-TR/bad_nomask: mask missing"), first.output());
        assertTrue(
                first.output().contains("rejected DUTS/DUTS-TR/bad_size: mask size differs from image"),
                first.output());
        assertTrue(first.output().contains("rejected DUTS/DUTS-TR/bad_huge: over the pixel limit"), first.output());

        SparkSubmit.Result second =
                SparkSubmit.run("local[2]", "clearbg.jobs.IngestJob", 300, dir.resolve("second.log"), args);
        assertEquals(0, second.exitCode(), second.output());
        assertTrue(second.output().contains("nothing rewritten"), second.output());
        assertEquals(
                manifest,
                new ObjectMapper().readTree(out.resolve("manifest.json").toFile()));

        Files.write(images.resolve("added.jpg"), goodJpeg);
        Files.write(masks.resolve("added.png"), goodMask);
        SparkSubmit.Result changed =
                SparkSubmit.run("local[2]", "clearbg.jobs.IngestJob", 300, dir.resolve("changed.log"), args);
        assertEquals(0, changed.exitCode(), changed.output());
        JsonNode newer =
                new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals(manifest.get("rows").asInt() + 2, newer.get("rows").asInt(), "the added pair, flipped too");
        assertEquals(version, newer.get("previous_version").asText());
        assertTrue(
                Files.isDirectory(out.resolve(version + "/images")),
                "the previous version stays for a job that read the old manifest");

        Files.write(images.resolve("raced.jpg"), goodJpeg);
        Files.write(masks.resolve("raced.png"), goodMask);
        Process racerA =
                SparkSubmit.start("local[1]", "clearbg.jobs.IngestJob", dir.resolve("racer-a.log"), null, args);
        Process racerB =
                SparkSubmit.start("local[1]", "clearbg.jobs.IngestJob", dir.resolve("racer-b.log"), null, args);
        for (Process racer : List.of(racerA, racerB)) {
            assertTrue(racer.waitFor(600, TimeUnit.SECONDS), "a concurrent ingest finished");
        }
        assertEquals(0, racerA.exitValue(), Files.readString(dir.resolve("racer-a.log")));
        assertEquals(0, racerB.exitValue(), Files.readString(dir.resolve("racer-b.log")));
        JsonNode raced =
                new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals(
                newer.get("rows").asInt() + 2, raced.get("rows").asInt(), "the last of two concurrent ingests wins");
        assertTrue(
                Files.isRegularFile(out.resolve(raced.get("table").asText()).resolve("_SUCCESS")),
                "the manifest names a complete version after two concurrent ingests");
        assertTrue(
                Files.isDirectory(
                        out.resolve(raced.get("previous_version").asText()).resolve("images")),
                "the version the winner replaced stays for its readers");
        manifest = raced;

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
                        "3",
                        weights.toString()));
        Path report = dir.resolve("eval");
        SparkSubmit.Result eval = SparkSubmit.run(
                "local[2]",
                "clearbg.jobs.EvalJob",
                600,
                dir.resolve("eval.log"),
                "--weights",
                weights.toUri().toString(),
                "--table",
                out.toUri().toString(),
                "--datasets",
                "DUTS-TE",
                "--out",
                report.toUri().toString(),
                "--batch",
                "2");
        assertEquals(0, eval.exitCode(), eval.output());
        JsonNode metrics =
                new ObjectMapper().readTree(report.resolve("metrics.json").toFile());
        assertEquals(TEST, metrics.get("DUTS-TE").get("images").asInt(), "EvalJob reads the ingested test split");

        try (LocalS3Server s3 = new LocalS3Server(dir, "data")) {
            copyTree(src, s3.dataDir().resolve("data").resolve("duts"));
            SparkSubmit.Result fromS3 = SparkSubmit.run(
                    "local[2]",
                    "clearbg.jobs.IngestJob",
                    600,
                    dir.resolve("s3.log"),
                    s3,
                    "--source",
                    "s3a://data/duts",
                    "--out",
                    "s3a://data/table",
                    "--flip",
                    "--max-pixels",
                    "1000000");
            assertEquals(0, fromS3.exitCode(), fromS3.output());
            assertFalse(fromS3.output().contains(s3.secretKey()), "the secret never appears in the output");
            JsonNode s3Manifest = new ObjectMapper()
                    .readTree(s3.dataDir().resolve("data/table/manifest.json").toFile());
            assertEquals(
                    manifest.get("content_hash").asText(),
                    s3Manifest.get("content_hash").asText(),
                    "file:// and s3a:// give identical tables");
            assertEquals(manifest.get("rejects_by_reason"), s3Manifest.get("rejects_by_reason"));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
    }
}
