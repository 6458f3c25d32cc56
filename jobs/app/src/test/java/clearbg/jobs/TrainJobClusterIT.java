package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TrainJob through spark-submit on a real standalone cluster: a master and two workers of one core each on
 * 127.0.0.1, {@code --workers 2}, so each worker's executor runs one replica. A run ends; the same run again,
 * with one executor JVM killed (SIGKILL) between two checkpoints, ends too: Spark runs the failed barrier
 * stage again once the worker has launched a new executor, the replicas resume from the newest checkpoint,
 * and the final weights are those of the uninterrupted run, bit for bit (both runs have one PyTorch thread
 * per replica, and the resumed one repeats the same operations on the same data from the same state).
 */
class TrainJobClusterIT {

    private static final int STEPS = 12; // 24 images / (2 workers x batch 2): 6 steps per epoch, 2 epochs
    private static final int KILL_AFTER = 9; // checkpoints every 3 steps: 9 is in the second epoch, 12 is the end
    /** Spark's own log line (log4j2 through SLF4J) about a task or executor lost. */
    private static final Pattern SPARK_LOST_TASK = Pattern.compile("(WARN|ERROR) \\w+: Lost (task|executor)");

    private static final Pattern RESUMED =
            Pattern.compile("TrainJob: epoch 2 resumes from the checkpoint of step (\\d+)");

    @TempDir
    static Path dir;

    @Test
    void anExecutorKilledMidTrainingCostsARetryFromTheNewestCheckpointAndNotOneBitOfTheResult() throws Exception {
        String table = TrainJobFixture.ingestedTable(dir, 24, 2);
        try (LocalSparkCluster cluster = LocalSparkCluster.start(dir.resolve("cluster"), 2, 1, "1g")) {
            Path uninterrupted = dir.resolve("uninterrupted");
            SparkSubmit.Result first = SparkSubmit.run(
                    cluster.masterUrl(),
                    "clearbg.jobs.TrainJob",
                    600,
                    dir.resolve("uninterrupted.log"),
                    args(table, uninterrupted));
            assertEquals(0, first.exitCode(), first.output());
            assertEquals(steps(1, STEPS), loggedSteps(uninterrupted));

            Path interrupted = dir.resolve("interrupted");
            Path log = dir.resolve("interrupted.log");
            Process job = SparkSubmit.start(
                    cluster.masterUrl(), "clearbg.jobs.TrainJob", log, null, args(table, interrupted));
            try {
                long checkpoint = awaitCheckpoint(interrupted.resolve("checkpoints"), job, log);
                assertTrue(
                        checkpoint < STEPS,
                        "the run was still training when the executor was killed (newest checkpoint: step " + checkpoint
                                + ")");
                ProcessHandle executor =
                        cluster.executor(1).orElseThrow(() -> new AssertionError("worker 1 runs no executor"));
                executor.destroyForcibly();
                executor.onExit().get(60, TimeUnit.SECONDS);
                assertTrue(job.waitFor(600, TimeUnit.SECONDS), "the interrupted run did not end in 600 s");
            } finally {
                job.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            String executorOutput = cluster.executorOutput();
            assertEquals(0, job.exitValue(), output + executorOutput);
            assertTrue(
                    SPARK_LOST_TASK.matcher(output).find(),
                    "Spark's own warning about the task lost with the executor is in the job's output:\n" + output);
            assertEquals(
                    2,
                    cluster.executorFolders(1, 1).size(),
                    "worker 1 launched a second executor for the run after the first was killed: "
                            + cluster.executorFolders(1, 1));
            Matcher resumed = RESUMED.matcher(executorOutput);
            assertTrue(resumed.find(), "a replica resumed mid-epoch from a checkpoint:\n" + executorOutput);
            long resumedAt = Long.parseLong(resumed.group(1));
            assertTrue(resumedAt >= KILL_AFTER && resumedAt < STEPS, "resumed at step " + resumedAt);
            assertEquals(steps(1, STEPS), loggedSteps(interrupted), "steps.csv lists every step once, in order");
            TrainJobFixture.assertSameWeights(
                    uninterrupted, interrupted, "after an executor was killed at step " + resumedAt);
        }
    }

    /** Waits until the newest checkpoint is at step {@link #KILL_AFTER} or later; returns its step. */
    private static long awaitCheckpoint(Path folder, Process job, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (System.nanoTime() < deadline) {
            long newest = newestCheckpoint(folder);
            if (newest >= KILL_AFTER) {
                return newest;
            }
            if (!job.isAlive()) {
                throw new AssertionError("the run ended before its checkpoint of step " + KILL_AFTER + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no checkpoint of step " + KILL_AFTER + " after 600 s");
    }

    private static long newestCheckpoint(Path folder) throws Exception {
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

    private static List<Long> loggedSteps(Path run) throws Exception {
        return Files.readAllLines(run.resolve("steps.csv")).stream()
                .skip(1)
                .map(line -> Long.parseLong(line.substring(0, line.indexOf(','))))
                .toList();
    }

    private static List<Long> steps(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().toList();
    }

    private static String[] args(String table, Path run) {
        return TrainJobFixture.trainArgs(table, run, "u2netp", 2, 2, STEPS, "batch");
    }
}
