package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import clearbg.model.io.HostTensor;
import clearbg.model.io.SafetensorsReader;
import clearbg.model.io.SafetensorsWriter;
import clearbg.model.io.StateDict;
import clearbg.model.io.TensorType;
import clearbg.model.nn.Arch;
import clearbg.model.nn.U2NetModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TrainJob through spark-submit on local[N] with a generated DUTS table: data parallelism is exact with
 * frozen BatchNorm (2 workers x batch 2 = 1 worker x batch 4 after 20 steps, ||a - b|| / ||b|| <= 1e-4 over
 * all weights), the gradients exchanged in buckets during backward give the weights of the exchange after it (bit
 * for bit), a run stopped and submitted again ends with the weights of an uninterrupted run (bit for
 * bit), IS-Net with intermediate supervision on 2 workers resumed equals it uninterrupted (bit for bit), and bad
 * input gets a clear message with nothing overwritten.
 *
 * <p>The runs use Adam eps 1e-2 instead of 1e-8: Adam divides by sqrt(v), so an element whose true gradient
 * is zero and whose computed gradient is rounding noise moves by about lr in whichever direction the rounding
 * fell; two summation orders (one mean over 2b images versus the mean of two means over b) then differ by up
 * to lr per step there. Measured with eps 1e-8: 3.9e-4 norm-wise, 1e-3 absolute on a few biases; with eps
 * 1e-3: 9.8e-6 to 2.6e-4 norm-wise depending on the data.
 */
class TrainJobIT {

    private static final int STEPS = 20;

    @TempDir
    static Path dir;

    private static String table;

    @BeforeAll
    static void ingest() throws Exception {
        table = TrainJobFixture.ingestedTable(dir, 24, 6);
    }

    @Test
    void twoWorkersEqualOneWorkerWithTheDoubleBatchAndAResumedRunEqualsAnUninterruptedOne() throws Exception {
        Path two = train("local[2]", "two", 2, 2, STEPS);
        Path one = train("local[1]", "one", 1, 4, STEPS);
        double relative = relativeDifference(two, one);
        assertTrue(
                relative <= 1e-4,
                "2 x batch 2 vs 1 x batch 4 after " + STEPS + " steps: ||a - b|| / ||b|| = " + relative);

        Path half = train("local[2]", "resumed", 2, 2, STEPS / 2);
        // the default exchanges the gradients in buckets during backward (the native bridge, built with the jar);
        // the exchange after backward gives the same weights, bit for bit
        assertTrue(
                Files.readString(dir.resolve("resumed-" + STEPS / 2 + ".log"))
                        .contains("TrainJob: gradients averaged during backward in buckets of 25 MiB"),
                "the bucketed exchange ran");
        Path afterBackward = train("local[2]", "after-backward", 2, 2, STEPS / 2, "--bucket-mb", "0");
        TrainJobFixture.assertSameWeights(half, afterBackward, "buckets during backward against after backward");
        // bfloat16 on the wire: the replicas' weight hashes (every 5 steps) still agree, and the weights stay
        // close to, but not equal to, the float32 ring's after the same steps
        Path bf16 = train("local[2]", "bf16", 2, 2, STEPS / 2, "--allreduce-precision", "bf16");
        double bf16Relative = relativeDifference(bf16, half);
        assertTrue(
                bf16Relative > 0 && bf16Relative <= 1e-2,
                "bf16 vs fp32 wire after " + STEPS / 2 + " steps: ||a - b|| / ||b|| = " + bf16Relative);
        Path elastic = dir.resolve("elastic");
        copyTree(half, elastic); // the 2-worker run after STEPS / 2 steps, checkpoints included
        Path resumed = train("local[2]", "resumed", 2, 2, STEPS);
        assertTrue(
                Files.readString(resumed.resolve("steps.csv")).lines().count() == STEPS + 1, "each step logged once");
        TrainJobFixture.assertSameWeights(two, resumed, "after resume");

        // the same checkpoint resumed by 1 worker (its --batch 2 raised to 4: the global batch is kept)
        SparkSubmit.Result oneWorker = SparkSubmit.run(
                "local[1]",
                "clearbg.jobs.TrainJob",
                600,
                dir.resolve("elastic.log"),
                args(elastic, "u2netp", 1, 2, STEPS));
        assertEquals(0, oneWorker.exitCode(), oneWorker.output());
        assertTrue(
                oneWorker
                        .output()
                        .contains("(2 workers x batch 2) with 1 workers x batch 4: the global batch 4 is kept"),
                oneWorker.output());
        assertTrue(
                Files.readString(elastic.resolve("steps.csv")).lines().count() == STEPS + 1, "each step logged once");
        double elasticRelative = relativeDifference(elastic, two);
        assertTrue(
                elasticRelative <= 1e-4,
                "2 x 2 resumed by 1 x 4 vs 2 x 2 throughout: ||a - b|| / ||b|| = " + elasticRelative);
    }

    /**
     * IS-Net, supervised by a (seeded, untrained) frozen ground-truth encoder, on 2 workers x batch 2 with BatchNorm
     * per replica at crop 64: 2 steps in one submission equal 1 step, then 1 more in a second submission, bit for bit.
     * Both runs checkpoint every step, so the first submission ends at a checkpoint of the uninterrupted run: with
     * per-replica batch statistics the running statistics are averaged over the replicas at each checkpoint, and an
     * extra checkpoint would change them by rounding (measured: 1 ulp in stage1's running mean; training-mode forward
     * passes do not read them).
     */
    @Test
    void isNetWithIntermediateSupervisionOnTwoWorkersResumesAsAnUninterruptedRun() throws Exception {
        Path encoder = dir.resolve("gt-encoder.safetensors");
        try (U2NetModel model = U2NetModel.create(Arch.ISNET_GT_ENCODER, Device.cpu(), 3)) {
            SafetensorsWriter.write(model.stateDict(), encoder, Map.of());
        }
        Path whole = trainIsNet("isnet-whole", 2, encoder);
        trainIsNet("isnet-resumed", 1, encoder);
        Path resumed = trainIsNet("isnet-resumed", 2, encoder);
        assertTrue(
                Files.readString(dir.resolve("isnet-resumed-2.log")).contains("resumes from the checkpoint of step 1"),
                "the second submission resumed");
        TrainJobFixture.assertSameWeights(whole, resumed, "IS-Net after resume");
    }

    private static Path trainIsNet(String name, int steps, Path encoder) throws Exception {
        Path run = dir.resolve(name);
        List<String> all =
                new ArrayList<>(List.of(TrainJobFixture.trainArgs(table, run, "isnet", 2, 2, steps, "batch")));
        all.set(all.indexOf("--rescale") + 1, "72");
        all.set(all.indexOf("--crop") + 1, "64"); // IS-Net's smallest input
        all.set(all.indexOf("--checkpoint-interval") + 1, "1");
        all.addAll(List.of("--intermediate-supervision", encoder.toUri().toString()));
        SparkSubmit.Result result = SparkSubmit.run(
                "local[2]",
                "clearbg.jobs.TrainJob",
                600,
                dir.resolve(name + "-" + steps + ".log"),
                List.of("--driver-memory", "3g"), // two replicas' gradients and Adam moments: 2 x 528 MB
                all.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.output());
        return run;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    /**
     * U²-Net's checkpoint (weights and Adam's moments, 528 MB) is streamed to its file one tensor at a time and read
     * back without a copy of the file, so training, checkpointing and resuming the full-size model fit in Spark's
     * default 1g heap (before, the first checkpoint ended the JVM with an OutOfMemoryError).
     */
    @Test
    void aU2NetCheckpointIsWrittenAndResumedWithinSparksDefaultOneGigabyteHeap() throws Exception {
        Path run = dir.resolve("u2net-1g");
        List<String> oneGigabyte = List.of("--driver-memory", "1g");
        for (int steps : new int[] {2, 4}) {
            SparkSubmit.Result result = SparkSubmit.run(
                    "local[1]",
                    "clearbg.jobs.TrainJob",
                    600,
                    dir.resolve("u2net-1g-" + steps + ".log"),
                    oneGigabyte,
                    TrainJobFixture.trainArgs(table, run, "u2net", 1, 1, steps, "frozen"));
            assertEquals(0, result.exitCode(), result.output());
            assertTrue(
                    result.output().contains("checkpoints/step-000000000" + steps + ".safetensors"), result.output());
        }
        assertTrue(
                Files.readString(dir.resolve("u2net-1g-4.log")).contains("resumes from the checkpoint of step 2"),
                "the second submission resumed");
        StateDict weights = SafetensorsReader.read(run.resolve("weights.safetensors"));
        assertEquals(
                44_009_869,
                weights.asMap().entrySet().stream()
                        .filter(e ->
                                !e.getKey().contains("running_") && e.getValue().type() == TensorType.FLOAT32)
                        .mapToLong(e -> e.getValue().numel())
                        .sum());
    }

    @Test
    void clearbgTrainGivesTheWeightsOfTrainJobWithOneWorker() throws Exception {
        Path job = dir.resolve("job-batch-norm");
        SparkSubmit.Result result = SparkSubmit.run(
                "local[2]",
                "clearbg.jobs.TrainJob",
                600,
                dir.resolve("job-batch-norm.log"),
                TrainJobFixture.trainArgs(table, job, "u2netp", 1, 4, 12, "batch"));
        assertEquals(0, result.exitCode(), result.output());
        Path local = dir.resolve("local-batch-norm");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dai.djl.offline=true",
                        "-jar",
                        SparkSubmit.appJar().toString(),
                        "train",
                        "--data",
                        dir.resolve("src").toString(),
                        "--arch",
                        "u2netp",
                        "--batch",
                        "4",
                        "--rescale",
                        "40",
                        "--crop",
                        "32",
                        "--epochs",
                        "100",
                        "--max-steps",
                        "12",
                        "--batch-norm",
                        "batch",
                        "--checkpoint-interval",
                        "3",
                        "--log-interval",
                        "5",
                        "--seed",
                        "7",
                        "--eps",
                        "1e-2",
                        "--out",
                        local.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("local-batch-norm.log").toFile())
                .start();
        assertTrue(process.waitFor(600, java.util.concurrent.TimeUnit.SECONDS), "clearbg train finished");
        assertEquals(0, process.exitValue(), Files.readString(dir.resolve("local-batch-norm.log")));
        TrainJobFixture.assertSameWeights(job, local, "clearbg train against TrainJob --workers 1");
        for (String output : List.of(result.output(), Files.readString(dir.resolve("local-batch-norm.log")))) {
            assertFalse(output.contains("AutoNonVariableTypeMode"), "libtorch's deprecation warning is not printed");
        }
        assertEquals(
                Files.readString(job.resolve("steps.csv")).lines().count(),
                Files.readString(local.resolve("steps.csv")).lines().count());
    }

    @Test
    void badInputGetsAClearMessageAndNothingIsOverwritten() throws Exception {
        SparkSubmit.Result missingSplit = submit("local[2]", "bad-split", "--train-splits", "DIS-TR");
        assertEquals(1, missingSplit.exitCode(), missingSplit.output());
        assertTrue(
                missingSplit.output().contains("has no split DIS-TR (it has DUTS-TE, DUTS-TR)"), missingSplit.output());

        SparkSubmit.Result tooMany = SparkSubmit.run(
                "local[2]",
                "clearbg.jobs.TrainJob",
                300,
                dir.resolve("workers.log"),
                args(dir.resolve("bad-workers"), "u2netp", 3, 2, 4));
        assertEquals(1, tooMany.exitCode(), tooMany.output());
        assertTrue(
                tooMany.output().contains("--workers 3 needs 3 task slots at once, but local[2] has 2"),
                tooMany.output());

        String[] noTableArgs = args(dir.resolve("bad-table"), "u2netp", 2, 2, 4);
        noTableArgs[1] = dir.resolve("nothing").toUri().toString();
        SparkSubmit.Result noTable =
                SparkSubmit.run("local[2]", "clearbg.jobs.TrainJob", 300, dir.resolve("table.log"), noTableArgs);
        assertEquals(1, noTable.exitCode(), noTable.output());
        assertTrue(noTable.output().contains("no table there"), noTable.output());

        Path run = train("local[1]", "other-arch", 1, 2, 2);
        Path checkpoint;
        try (var files = Files.list(run.resolve("checkpoints"))) {
            checkpoint = files.filter(p -> p.getFileName().toString().startsWith("step-"))
                    .sorted()
                    .reduce((a, b) -> b)
                    .orElseThrow();
        }
        byte[] before = Files.readAllBytes(checkpoint);
        SparkSubmit.Result otherArch = SparkSubmit.run(
                "local[1]", "clearbg.jobs.TrainJob", 300, dir.resolve("arch.log"), args(run, "u2net", 1, 2, 4));
        assertEquals(1, otherArch.exitCode(), otherArch.output());
        assertTrue(
                otherArch.output().contains("was written by a training with other parameters (arch u2netp -> u2net)"),
                otherArch.output());
        assertArrayEquals(before, Files.readAllBytes(checkpoint), "the checkpoint is left as it was");

        Files.write(checkpoint, Arrays.copyOf(before, before.length / 2));
        SparkSubmit.Result corrupt = SparkSubmit.run(
                "local[1]", "clearbg.jobs.TrainJob", 300, dir.resolve("corrupt.log"), args(run, "u2netp", 1, 2, 4));
        assertEquals(0, corrupt.exitCode(), corrupt.output());
        assertTrue(
                corrupt.output()
                        .contains("warning: corrupt checkpoint "
                                + checkpoint.toUri().toString().replace("file:///", "file:/")),
                corrupt.output());
        Path aside = checkpoint.resolveSibling(checkpoint.getFileName() + ".corrupt");
        assertEquals(before.length / 2, Files.size(aside), "the corrupt checkpoint is kept aside, as it was");
        assertTrue(Files.exists(run.resolve("checkpoints/step-0000000004.safetensors")), "the training went on");
    }

    private static Path train(String master, String name, int workers, int batch, int steps, String... extra)
            throws Exception {
        Path run = dir.resolve(name);
        List<String> all = new ArrayList<>(List.of(args(run, "u2netp", workers, batch, steps)));
        all.addAll(List.of(extra));
        SparkSubmit.Result result = SparkSubmit.run(
                master,
                "clearbg.jobs.TrainJob",
                600,
                dir.resolve(name + "-" + steps + ".log"),
                all.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.output());
        return run;
    }

    /** ||a - b|| / ||b|| over the float tensors of two run folders' final weights. */
    private static double relativeDifference(Path runA, Path runB) throws Exception {
        StateDict a = SafetensorsReader.read(runA.resolve("weights.safetensors"));
        StateDict b = SafetensorsReader.read(runB.resolve("weights.safetensors"));
        double squaredDifference = 0;
        double squaredNorm = 0;
        for (Map.Entry<String, HostTensor> entry : a.asMap().entrySet()) {
            if (entry.getValue().type() == TensorType.FLOAT32) {
                float[] x = entry.getValue().floats();
                float[] y = b.get(entry.getKey()).floats();
                for (int i = 0; i < x.length; i++) {
                    squaredDifference += (x[i] - y[i]) * (double) (x[i] - y[i]);
                    squaredNorm += y[i] * (double) y[i];
                }
            }
        }
        return Math.sqrt(squaredDifference / squaredNorm);
    }

    private static SparkSubmit.Result submit(String master, String name, String... extra) throws Exception {
        List<String> all = new ArrayList<>(List.of(args(dir.resolve(name), "u2netp", 2, 2, 4)));
        all.addAll(List.of(extra));
        return SparkSubmit.run(
                master, "clearbg.jobs.TrainJob", 300, dir.resolve(name + ".log"), all.toArray(String[]::new));
    }

    private static String[] args(Path run, String arch, int workers, int batch, int steps) {
        return TrainJobFixture.trainArgs(table, run, arch, workers, batch, steps, "frozen");
    }
}
