package clearbg.jobs;

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
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault campaign of {@code bench/fault_campaign.sh} (not part of the test suite: failsafe's default includes
 * leave it out; the script runs it by name). Loopback only, bounded in time and count. Each scenario asserts its
 * invariant and adds a row to the results file ({@code clearbg.campaignResults}, default
 * {@code target/fault_campaign.md}):
 *
 * <ul>
 *   <li>TrainJob on a standalone cluster (master and two one-core workers on 127.0.0.1), one executor killed by
 *       SIGKILL at {@value #KILLS} random steps: the final weights equal an uninterrupted run's bit for bit;
 *   <li>RemoveBackgroundJob over the S3 server, the server restarted mid-run, then the same command again: no
 *       input without its output, no output twice or without an input, the inputs byte for byte as before;
 *   <li>RemoveBackgroundJob with speculation forced on: the report counts each object once, as done.
 * </ul>
 */
class FaultCampaign {

    private static final int KILLS = 5;
    private static final int STEPS = 60; // 24 images / (2 workers x batch 2): 6 steps per epoch, 10 epochs
    private static final int PHOTOS = 80;
    private static final String BUCKET = "photos";
    private static final List<String> ROWS = new ArrayList<>();

    @TempDir
    static Path dir;

    @AfterAll
    static void writeResults() throws IOException {
        Path results = Path.of(System.getProperty("clearbg.campaignResults", "target/fault_campaign.md"));
        Files.createDirectories(results.toAbsolutePath().getParent());
        List<String> lines =
                new ArrayList<>(List.of("| scenario | faults | outcome | wall time |", "|---|---|---|---|"));
        lines.addAll(ROWS);
        Files.write(results, lines, StandardCharsets.UTF_8);
    }

    @Test
    void trainJobKilledAtFiveRandomStepsEndsWithTheWeightsOfAnUninterruptedRun() throws Exception {
        String table = TrainJobFixture.ingestedTable(dir.resolve("train"), 24, 2);
        try (LocalSparkCluster cluster = LocalSparkCluster.start(dir.resolve("cluster"), 2, 1, "1g")) {
            Path uninterrupted = dir.resolve("uninterrupted");
            long start = System.nanoTime();
            SparkSubmit.Result first = SparkSubmit.run(
                    cluster.masterUrl(),
                    "clearbg.jobs.TrainJob",
                    1200,
                    dir.resolve("uninterrupted.log"),
                    TrainJobFixture.trainArgs(table, uninterrupted, "u2netp", 2, 2, STEPS, "batch"));
            assertEquals(0, first.exitCode(), first.output());
            double cleanSeconds = (System.nanoTime() - start) / 1e9;

            Random random = new Random(2026);
            TreeSet<Integer> killAt = new TreeSet<>();
            while (killAt.size() < KILLS) {
                killAt.add(3 + random.nextInt(STEPS - 6));
            }
            Path faulted = dir.resolve("faulted");
            Path log = dir.resolve("faulted.log");
            start = System.nanoTime();
            Process job = SparkSubmit.start(
                    cluster.masterUrl(),
                    "clearbg.jobs.TrainJob",
                    log,
                    null,
                    List.of("--conf", "spark.stage.maxConsecutiveAttempts=20"),
                    TrainJobFixture.trainArgs(table, faulted, "u2netp", 2, 2, STEPS, "batch"));
            List<String> kills = new ArrayList<>();
            try {
                for (int step : killAt) {
                    long reached = awaitCheckpoint(faulted.resolve("checkpoints"), step, job, log);
                    int worker = random.nextInt(2);
                    ProcessHandle executor = awaitExecutor(cluster, worker, job);
                    executor.destroyForcibly();
                    executor.onExit().get(60, TimeUnit.SECONDS);
                    kills.add("step " + reached + " (worker " + worker + ")");
                }
                assertTrue(job.waitFor(1800, TimeUnit.SECONDS), "the faulted run did not end in 30 min");
            } finally {
                job.destroyForcibly();
            }
            double faultedSeconds = (System.nanoTime() - start) / 1e9;
            assertEquals(0, job.exitValue(), Files.readString(log) + cluster.executorOutput());
            TrainJobFixture.assertSameWeights(uninterrupted, faulted, "after executors were killed at " + kills);
            ROWS.add(String.format(
                    Locale.ROOT,
                    "| TrainJob, 2 workers x batch 2, %d steps, standalone cluster | executor SIGKILL at %s |"
                            + " final weights equal the uninterrupted run's bit for bit |"
                            + " %.0f s (uninterrupted %.0f s) |",
                    STEPS,
                    String.join(", ", kills),
                    faultedSeconds,
                    cleanSeconds));
        }
    }

    @Test
    void removalThroughAnS3ServerRestartThenARerunLosesAndDuplicatesNothing() throws Exception {
        try (LocalS3Server s3 = new LocalS3Server(dir.resolve("s3"), BUCKET)) {
            Path bucket = s3.dataDir().resolve(BUCKET);
            TreeSet<String> expected = writePhotos(bucket);
            TreeMap<String, String> before = hashes(bucket.resolve("in"));
            Path weights = weights();
            String[] args = removalArgs(weights, "restart-1");
            long start = System.nanoTime();
            Process job = SparkSubmit.start(
                    "local[2]", "clearbg.jobs.RemoveBackgroundJob", dir.resolve("restart-1.log"), s3, args);
            int atRestart;
            try {
                atRestart = awaitOutputs(bucket.resolve("out"), PHOTOS / 4, job);
                s3.restart();
                assertTrue(job.waitFor(900, TimeUnit.SECONDS), "the run did not end in 15 min");
            } finally {
                job.destroyForcibly();
            }
            int firstExit = job.exitValue();
            args[args.length - 1] = "restart-2";
            SparkSubmit.Result again = SparkSubmit.run(
                    "local[2]", "clearbg.jobs.RemoveBackgroundJob", 900, dir.resolve("restart-2.log"), s3, args);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(0, again.exitCode(), again.output());
            assertEquals(expected, outputs(bucket.resolve("out")), "every input once, nothing else");
            assertEquals(before, hashes(bucket.resolve("in")), "the inputs are as they were");
            JsonNode summary = summary(bucket, "restart-2");
            ROWS.add(String.format(
                    Locale.ROOT,
                    "| RemoveBackgroundJob, %d photos over the S3 server, then the same command again | S3 server"
                            + " restarted after %d outputs (first run exit %d) | 0 lost, 0 duplicated, inputs"
                            + " byte-identical; the re-run did %d and skipped %d | %.0f s |",
                    PHOTOS,
                    atRestart,
                    firstExit,
                    summary.get("done").asInt(),
                    summary.get("skipped").asInt(),
                    seconds));
        }
    }

    @Test
    void withSpeculationTheReportCountsEachObjectOnceAsDone() throws Exception {
        Path root = dir.resolve("speculation");
        TreeSet<String> expected = writePhotos(root);
        String[] args = {
            "--input",
            root.resolve("in").toUri().toString(),
            "--output",
            root.resolve("out").toUri().toString(),
            "--weights",
            weights().toUri().toString(),
            "--size",
            "96",
            "--partitions",
            "8",
            "--run-id",
            "speculation"
        };
        // Spark launches speculative copies on a cluster only (never in local mode)
        try (LocalSparkCluster cluster = LocalSparkCluster.start(dir.resolve("cluster-speculation"), 2, 1, "1g")) {
            long start = System.nanoTime();
            Process job = SparkSubmit.start(
                    cluster.masterUrl(),
                    "clearbg.jobs.RemoveBackgroundJob",
                    dir.resolve("speculation.log"),
                    null,
                    List.of(
                            "--conf", "spark.speculation=true",
                            "--conf", "spark.speculation.interval=100ms",
                            "--conf", "spark.speculation.quantile=0.1",
                            "--conf", "spark.speculation.multiplier=1.0",
                            "--conf", "spark.speculation.minTaskRuntime=0"),
                    args);
            assertTrue(job.waitFor(900, TimeUnit.SECONDS), "the run did not end in 15 min");
            double seconds = (System.nanoTime() - start) / 1e9;
            String log = Files.readString(dir.resolve("speculation.log")) + cluster.executorOutput();
            assertEquals(0, job.exitValue(), log);
            JsonNode summary = summary(root, "speculation");
            assertEquals(PHOTOS, summary.get("done").asInt(), summary.toString());
            assertEquals(
                    0, summary.get("skipped").asInt() + summary.get("failed").asInt(), summary.toString());
            assertEquals(expected, outputs(root.resolve("out")));
            ROWS.add(String.format(
                    Locale.ROOT,
                    "| RemoveBackgroundJob, %d photos, standalone cluster, spark.speculation on (quantile 0.1,"
                            + " multiplier 1) | speculative copies of the tasks | each object counted once: done %d,"
                            + " skipped 0, failed 0 | %.0f s |",
                    PHOTOS,
                    summary.get("done").asInt(),
                    seconds));
        }
    }

    private static String[] removalArgs(Path weights, String runId) {
        return new String[] {
            "--input",
            "s3a://" + BUCKET + "/in",
            "--output",
            "s3a://" + BUCKET + "/out",
            "--weights",
            weights.toUri().toString(),
            "--size",
            "96",
            "--partitions",
            "8",
            "--run-id",
            runId
        };
    }

    private static Path weights() {
        Path weights = dir.resolve("w.safetensors");
        if (!Files.exists(weights)) {
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
        return weights;
    }

    /** Writes the photos under {@code in/} in nested prefixes; returns the output keys they must give. */
    private static TreeSet<String> writePhotos(Path bucket) throws IOException {
        TreeSet<String> expected = new TreeSet<>();
        for (int i = 0; i < PHOTOS; i++) {
            String key = "set" + (i % 4) + "/photo" + i;
            Path file = bucket.resolve("in/" + key + ".jpg");
            Files.createDirectories(file.getParent());
            Files.write(file, HostileImages.encode(HostileImages.photo(160, 120, i), "jpg"));
            expected.add(key + ".png");
        }
        return expected;
    }

    private static TreeSet<String> outputs(Path out) throws IOException {
        TreeSet<String> keys = new TreeSet<>();
        if (Files.isDirectory(out)) {
            try (Stream<Path> files = Files.walk(out)) {
                files.filter(Files::isRegularFile)
                        .map(file -> out.relativize(file).toString())
                        .filter(key -> !key.startsWith("_reports/"))
                        .forEach(keys::add);
            }
        }
        return keys;
    }

    private static JsonNode summary(Path bucket, String runId) throws IOException {
        return new ObjectMapper()
                .readTree(bucket.resolve("out/_reports/" + runId + "/summary.json")
                        .toFile());
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

    private static int awaitOutputs(Path out, int count, Process job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (System.nanoTime() < deadline && job.isAlive()) {
            int done = outputs(out).size();
            if (done >= count) {
                return done;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the run wrote fewer than " + count + " outputs before it ended or in 10 min");
    }

    private static long awaitCheckpoint(Path folder, int step, Process job, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(900);
        while (System.nanoTime() < deadline && job.isAlive()) {
            long newest = newestCheckpoint(folder);
            if (newest >= step) {
                return newest;
            }
            Thread.sleep(50);
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        throw new AssertionError("no checkpoint of step " + step + " before the run ended"
                + (job.isAlive() ? " (still running after 15 min)" : " (exit code " + job.exitValue() + ")")
                + "; the end of its log:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size())));
    }

    private static ProcessHandle awaitExecutor(LocalSparkCluster cluster, int worker, Process job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline && job.isAlive()) {
            var executor = cluster.executor(worker);
            if (executor.isPresent()) {
                return executor.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("worker " + worker + " ran no executor");
    }

    private static long newestCheckpoint(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(path -> path.getFileName().toString())
                    .filter(name -> name.matches("step-\\d{10}\\.safetensors"))
                    .mapToLong(name -> Long.parseLong(name.substring(5, 15)))
                    .max()
                    .orElse(0);
        }
    }
}
