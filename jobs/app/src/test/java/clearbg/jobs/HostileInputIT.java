package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.cli.ClearBg;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input on a 1 GB heap: a PNG of under 1 MB that decodes to 9999 x 10000 16-bit RGBA (800 MB of
 * raster, under the default 100-megapixel limit), a file over the byte cap, an empty file and a truncated
 * JPEG, among twelve good photos. RemoveBackgroundJob, IngestJob and EvalJob (spark-submit on local[2] with
 * {@code --driver-memory 1g}) and {@code clearbg remove} (a JVM with {@code -Xmx1g}) each finish, report
 * every bad file with its reason and do every good one.
 */
class HostileInputIT {

    private static final int GOOD = 12;
    private static final List<String> SUBMIT_1G = List.of("--driver-memory", "1g");
    private static final String CAP = "2m";

    @TempDir
    static Path dir;

    static Path photos;
    static Path masks;
    static Path weights;

    @BeforeAll
    static void plantInputs() throws IOException {
        photos = dir.resolve("data/DUTS-TR/DUTS-TR-Image");
        masks = dir.resolve("data/DUTS-TR/DUTS-TR-Mask");
        Files.createDirectories(photos);
        Files.createDirectories(masks);
        for (int i = 0; i < GOOD; i++) {
            Files.write(
                    photos.resolve("good" + i + ".jpg"),
                    HostileImages.encode(HostileImages.photo(160 + i, 120, i), "jpg"));
            ImageIO.write(
                    HostileImages.mask(160 + i, 120),
                    "png",
                    masks.resolve("good" + i + ".png").toFile());
        }
        Files.write(photos.resolve("bomb.png"), HostileImages.bombPng(9999, 10000));
        Files.write(photos.resolve("big.png"), HostileImages.noisePng(1000, 1000, 5));
        Files.write(photos.resolve("empty.jpg"), new byte[0]);
        Files.write(photos.resolve("truncated.jpg"), HostileImages.truncatedJpeg());
        for (String bad : List.of("bomb", "big", "empty", "truncated")) {
            ImageIO.write(
                    HostileImages.mask(160, 120),
                    "png",
                    masks.resolve(bad + ".png").toFile());
        }
        assertTrue(Files.size(photos.resolve("bomb.png")) < 1 << 20, "the bomb is under 1 MB");
        assertTrue(Files.size(photos.resolve("big.png")) > 2 << 20, "the big file is over the cap");
        weights = dir.resolve("w.safetensors");
        assertEquals(
                0,
                ClearBg.execute(
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(new StringWriter()),
                        "init",
                        "--arch",
                        "u2netp",
                        "--seed",
                        "4",
                        weights.toString()));
    }

    @Test
    void removeBackgroundJobReportsEachBadImage() throws Exception {
        Path out = dir.resolve("removed");
        SparkSubmit.Result run = SparkSubmit.run(
                "local[2]",
                "clearbg.jobs.RemoveBackgroundJob",
                600,
                dir.resolve("remove.log"),
                SUBMIT_1G,
                "--input",
                photos.toUri().toString(),
                "--output",
                out.toUri().toString(),
                "--weights",
                weights.toUri().toString(),
                "--size",
                "64",
                "--batch",
                "2",
                "--max-file-bytes",
                CAP,
                "--run-id",
                "hostile");
        assertEquals(RemoveBackgroundJob.SOME_FAILED, run.exitCode(), run.output());
        JsonNode summary = new ObjectMapper()
                .readTree(out.resolve("_reports/hostile/summary.json").toFile());
        assertEquals(GOOD, summary.get("done").asInt(), run.output());
        assertEquals(4, summary.get("failed").asInt(), run.output());
        assertBadOnesNamed(run.output());
        for (int i = 0; i < GOOD; i++) {
            assertEquals(
                    160 + i,
                    ImageIO.read(out.resolve("good" + i + ".png").toFile()).getWidth());
        }
    }

    @Test
    void ingestJobRejectsEachBadPairWithItsReason() throws Exception {
        Path table = dir.resolve("table");
        SparkSubmit.Result run = SparkSubmit.run(
                "local[2]",
                "clearbg.jobs.IngestJob",
                600,
                dir.resolve("ingest.log"),
                SUBMIT_1G,
                "--source",
                dir.resolve("data").toUri().toString(),
                "--out",
                table.toUri().toString(),
                "--max-file-bytes",
                CAP);
        assertEquals(0, run.exitCode(), run.output());
        JsonNode manifest =
                new ObjectMapper().readTree(table.resolve("manifest.json").toFile());
        assertEquals(GOOD, manifest.get("rows").asInt(), run.output());
        JsonNode reasons = manifest.get("rejects_by_reason");
        assertEquals(1, reasons.path("over the image memory budget").asInt(), reasons.toString());
        assertEquals(1, reasons.path("over the file size limit").asInt(), reasons.toString());
        assertEquals(1, reasons.path("empty file").asInt(), reasons.toString());
        assertEquals(1, reasons.path("undecodable").asInt(), reasons.toString());
    }

    @Test
    void evalJobScoresTheGoodPhotosAndNamesTheBadOnes() throws Exception {
        Path out = dir.resolve("eval");
        SparkSubmit.Result run = SparkSubmit.run(
                "local[2]",
                "clearbg.jobs.EvalJob",
                600,
                dir.resolve("eval.log"),
                SUBMIT_1G,
                "--weights",
                weights.toUri().toString(),
                "--images",
                photos.toUri().toString(),
                "--gt",
                masks.toUri().toString(),
                "--size",
                "64",
                "--name",
                "hostile",
                "--out",
                out.toUri().toString(),
                "--max-file-bytes",
                CAP);
        assertEquals(0, run.exitCode(), run.output());
        JsonNode metrics =
                new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(GOOD, metrics.get("hostile").get("images").asInt(), metrics.toString());
        assertBadOnesNamed(run.output());
    }

    @Test
    void clearbgRemoveOnOneGigabyteHeap() throws Exception {
        Path out = dir.resolve("cli");
        Path log = dir.resolve("cli.log");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx1g",
                        "-Dai.djl.offline=true",
                        "-jar",
                        SparkSubmit.appJar().toString(),
                        "remove",
                        "--weights",
                        weights.toString(),
                        "--size",
                        "64",
                        "--max-file-bytes",
                        CAP,
                        "--out",
                        out.toString(),
                        photos.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "clearbg remove finished");
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        assertBadOnesNamed(output);
        try (Stream<Path> written = Files.list(out)) {
            assertEquals(GOOD, written.count(), output);
        }
    }

    @Test
    void clearbgRemoveAndRemoveBackgroundJobWriteTheSameMasks() throws Exception {
        Path jobOut = dir.resolve("job-masks");
        SparkSubmit.Result run = SparkSubmit.run(
                "local[2]",
                "clearbg.jobs.RemoveBackgroundJob",
                600,
                dir.resolve("job-masks.log"),
                SUBMIT_1G,
                "--input",
                photos.toUri().toString(),
                "--output",
                jobOut.toUri().toString(),
                "--format",
                "mask",
                "--weights",
                weights.toUri().toString(),
                "--size",
                "64",
                "--batch",
                "1",
                "--run-id",
                "masks");
        assertEquals(RemoveBackgroundJob.SOME_FAILED, run.exitCode(), run.output());
        Path cliOut = dir.resolve("cli-masks");
        assertEquals(
                0,
                ClearBg.execute(
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(new StringWriter()),
                        "remove",
                        "--weights",
                        weights.toString(),
                        "--size",
                        "64",
                        "--mask-only",
                        "--workers",
                        "2",
                        "--out",
                        cliOut.toString(),
                        photos.toString()));
        for (int i = 0; i < GOOD; i++) {
            byte[] fromJob = Files.readAllBytes(jobOut.resolve("good" + i + ".mask.png"));
            byte[] fromCli = Files.readAllBytes(cliOut.resolve("good" + i + ".png"));
            assertArrayEquals(fromJob, fromCli, "good" + i + ": the same mask PNG from both");
        }
    }

    private static void assertBadOnesNamed(String output) {
        assertTrue(
                output.matches("(?s).*bomb\\.png: the 9999x10000 PNG, 8 bytes per pixel image needs"
                        + " about [0-9.]+ GiB of memory,"
                        + " over the image memory budget.*"),
                output);
        assertTrue(output.contains("big.png: file is "), output);
        assertTrue(output.contains("over the limit of 2097152 bytes"), output);
        assertTrue(output.contains("empty.jpg: empty file"), output);
        assertTrue(output.contains("truncated.jpg: truncated JPEG"), output);
    }
}
