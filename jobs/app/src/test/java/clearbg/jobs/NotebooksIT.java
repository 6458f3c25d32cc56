package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.jobs.tracking.RunTracker;
import clearbg.jobs.tracking.Trackers;
import clearbg.jobs.tracking.TrackingSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebooks of {@code notebooks/}, executed by papermill on the project's .venv kernel and converted to HTML
 * by nbconvert, as a user runs them: {@code compare_runs} against a real MLflow server holding runs logged by
 * the jobs' {@link RunTracker}, {@code predictions} on a generated test set, a briefly trained model and its
 * per-image CSV, all made by {@code scripts/clearbg} (synth, train, remove, metrics). Both must run clean: exit code 0,
 * no error and nothing on standard error in any cell. The executed notebooks and their HTML stay in a temporary
 * folder that is printed, for a person to look at.
 */
class NotebooksIT {

    private static final String EXPERIMENT = "clearbg";
    private static final int CURVE_STEPS = 60;
    private static final int EVAL_INTERVAL = 20;
    private static final int GALLERY_ROWS = 5;
    /** Side of the training crop and the network input for the predictions: small, so the test stays short. */
    private static final int RESCALE = 72;

    private static final long CLEARBG_TIMEOUT_SECONDS = 600;

    private static Path kept;

    @TempDir
    Path work;

    @BeforeAll
    static void keepFolder() throws IOException {
        kept = Files.createTempDirectory("clearbg-notebooks-it-");
        System.out.println("NotebooksIT: the executed notebooks and their HTML are in " + kept);
    }

    @Test
    void compareRunsTabulatesAndPlotsTheNewestFinishedRuns() throws Exception {
        Path scratch = Files.createDirectories(work.resolve("scratch"));
        try (LocalMlflowServer server = new LocalMlflowServer(Files.createDirectories(work.resolve("mlflow")))) {
            logTraining(server.uri(), "u2netp-lr1e-3", 1e-3, true);
            logTraining(server.uri(), "u2netp-lr3e-4", 3e-4, true);
            logTraining(server.uri(), "u2netp-diverged", 1e-2, false);

            NotebookRunner notebooks = new NotebookRunner(scratch);
            NotebookRunner.Run run = notebooks.execute(
                    "compare_runs",
                    Map.of(
                            "tracking_uri",
                            server.uri().toString(),
                            "experiment",
                            EXPERIMENT,
                            "run_ids",
                            List.of(),
                            "metrics",
                            List.of("loss", "val_maxF")),
                    kept);
            ExecutedNotebook executed = assertRanClean(run);
            String html = Files.readString(notebooks.toHtml(run.executed()), StandardCharsets.UTF_8);

            assertEquals(1, executed.pngImages(), "one figure: a subplot per metric");
            assertEquals(1, ExecutedNotebook.embeddedPngImages(html), "the HTML shows the figure");
            String text = executed.plainText();
            assertTrue(text.contains("2 runs from " + server.uri()), text);
            for (String name : List.of("u2netp-lr1e-3", "u2netp-lr3e-4")) {
                assertTrue(html.contains(name), name + " in the run table");
                assertCurve(text, name, "loss", CURVE_STEPS, 1, CURVE_STEPS);
                assertCurve(text, name, "val_maxF", CURVE_STEPS / EVAL_INTERVAL, EVAL_INTERVAL, CURVE_STEPS);
            }
            assertFalse(html.contains("u2netp-diverged"), "the newest run ended FAILED: it is not compared");
            assertTrue(text.contains("parameters that differ between the runs: 1 of "), text);
        }
    }

    @Test
    void predictionsShowTheWorstImagesFirst() throws Exception {
        Path scratch = Files.createDirectories(work.resolve("scratch"));
        Path data = work.resolve("data");
        Path images = data.resolve("DUTS-TE/DUTS-TE-Image");
        Path truth = data.resolve("DUTS-TE/DUTS-TE-Mask");
        Path trainRun = work.resolve("train");
        Path weights = trainRun.resolve("weights.safetensors");
        Path eval = work.resolve("eval");
        clearbg(
                "synth",
                "--layout",
                "duts",
                "--out",
                data.toString(),
                "--train",
                "24",
                "--test",
                "12",
                "--size",
                "128x96",
                "--seed",
                "1");
        clearbg(
                "train",
                "--data",
                data.toString(),
                "--arch",
                "u2netp",
                "--max-steps",
                "24",
                "--batch",
                "4",
                "--rescale",
                Integer.toString(RESCALE),
                "--crop",
                "64",
                "--seed",
                "1",
                "--log-interval",
                "24",
                "--out",
                trainRun.toString());
        clearbg(
                "remove",
                "--weights",
                weights.toString(),
                "--size",
                Integer.toString(RESCALE),
                "--mask-only",
                "--out",
                work.resolve("masks").toString(),
                images.toString());
        clearbg(
                "metrics",
                "--pred",
                work.resolve("masks").toString(),
                "--gt",
                truth.toString(),
                "--name",
                "DUTS-TE",
                "--per-image",
                eval.resolve("per_image.csv").toString(),
                "--json",
                eval.resolve("metrics.json").toString());
        // per_image.csv lists the images worst (highest MAE) first, as EvalJob writes it.
        List<String> byMae = Files.readAllLines(eval.resolve("per_image.csv")).stream()
                .skip(1)
                .map(line -> line.split(",")[1])
                .toList();
        List<String> worst = byMae.subList(0, GALLERY_ROWS);

        Path gallery = work.resolve("gallery");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("eval_dir", eval.toString());
        parameters.put("images_dir", images.toString());
        parameters.put("gt_dir", truth.toString());
        parameters.put("weights", weights.toString());
        parameters.put(
                "clearbg", ProjectFolders.root().resolve("scripts/clearbg").toString());
        parameters.put("count", GALLERY_ROWS);
        parameters.put("work_dir", gallery.toString());
        parameters.put("size", RESCALE);
        NotebookRunner notebooks = new NotebookRunner(scratch);
        NotebookRunner.Run run = notebooks.execute("predictions", parameters, kept);
        ExecutedNotebook executed = assertRanClean(run);
        String html = Files.readString(notebooks.toHtml(run.executed()), StandardCharsets.UTF_8);

        assertEquals(GALLERY_ROWS, executed.pngImages(), "one figure per gallery row");
        assertEquals(GALLERY_ROWS, ExecutedNotebook.embeddedPngImages(html), "the HTML shows every row");
        String text = executed.plainText();
        int previous = -1;
        for (String name : worst) {
            int at = text.indexOf(name);
            assertTrue(at > previous, name + " listed after the worse images " + worst + ":\n" + text);
            previous = at;
        }
        assertFalse(text.contains(byMae.get(GALLERY_ROWS)), "only the " + GALLERY_ROWS + " worst are shown");
        try (Stream<Path> files = Files.list(gallery.resolve("cutouts"))) {
            assertEquals(
                    worst.stream().map(name -> name + ".png").collect(Collectors.toSet()),
                    files.map(file -> file.getFileName().toString()).collect(Collectors.toSet()),
                    "clearbg remove ran on just the worst images");
        }
    }

    /**
     * Logs a training-like run through the jobs' tracker: TrainJob's parameter, metric and tag names with made-up
     * curves, not a training. Per step 1..60: {@code loss_d<k> = (0.45 + 0.05 k)(0.3 + 0.7 d)(1 + 0.03 n)} with
     * {@code d = exp(-40 lr step)} and n seeded noise in [-1, 1], {@code loss} their sum, {@code lr},
     * {@code images_per_s}; every 20 steps {@code val_maxF = 0.9 - 0.5 d}, {@code val_MAE = 0.03 + 0.2 d}.
     * The run ends FINISHED when {@code finished}, else FAILED.
     */
    private static void logTraining(URI server, String runName, double lr, boolean finished) {
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        Random noise = new Random(runName.hashCode());
        try (RunTracker run = Trackers.open(
                new TrackingSettings(server, EXPERIMENT, runName),
                new PrintStream(warnings, true, StandardCharsets.UTF_8))) {
            run.logParams(Map.of(
                    "arch",
                    "u2netp",
                    "lr",
                    Double.toString(lr),
                    "batch",
                    "8",
                    "global_batch",
                    "16",
                    "workers",
                    "2",
                    "seed",
                    "1",
                    "epochs",
                    "10",
                    "rescale",
                    "72",
                    "crop",
                    "64"));
            run.setTag("git_commit", "0123456789abcdef0123456789abcdef01234567");
            run.setTag("spark_app_id", "local-" + Math.abs(runName.hashCode()));
            run.setTag("table_manifest_hash", "sha256:" + "ab".repeat(32));
            for (int step = 1; step <= CURVE_STEPS; step++) {
                double decay = Math.exp(-40 * lr * step);
                Map<String, Double> values = new LinkedHashMap<>();
                double total = 0;
                for (int output = 0; output <= 6; output++) {
                    double loss =
                            (0.45 + 0.05 * output) * (0.3 + 0.7 * decay) * (1 + 0.03 * (2 * noise.nextDouble() - 1));
                    values.put("loss_d" + output, loss);
                    total += loss;
                }
                values.put("loss", total);
                values.put("lr", lr);
                values.put("images_per_s", 12 + noise.nextDouble());
                run.logMetrics(values, step);
                if (step % EVAL_INTERVAL == 0) {
                    run.logMetrics(Map.of("val_maxF", 0.9 - 0.5 * decay, "val_MAE", 0.03 + 0.2 * decay), step);
                }
            }
            run.close(finished);
        }
        assertEquals("", warnings.toString(StandardCharsets.UTF_8), "the tracker logged everything");
    }

    /** Asserts the notebook's curve summary has the row "run metric points first-step last-step". */
    private static void assertCurve(String text, String run, String metric, int points, int firstStep, int lastStep) {
        Pattern row = Pattern.compile(Pattern.quote(run) + "\\s+" + Pattern.quote(metric) + "\\s+" + points + "\\s+"
                + firstStep + "\\s+" + lastStep + "\\s");
        assertTrue(
                row.matcher(text).find(),
                run + " " + metric + ": " + points + " points, steps " + firstStep + ".." + lastStep + " in:\n" + text);
    }

    private static ExecutedNotebook assertRanClean(NotebookRunner.Run run) throws IOException {
        assertTrue(Files.isRegularFile(run.executed()), "papermill wrote no notebook:\n" + run.log());
        ExecutedNotebook executed = ExecutedNotebook.read(run.executed());
        assertEquals(List.of(), executed.errors(), "errors in " + run.executed() + "; papermill said:\n" + run.log());
        assertEquals(0, run.exitCode(), "papermill failed:\n" + run.log());
        assertEquals(List.of(), executed.standardError(), "warnings in " + run.executed());
        return executed;
    }

    /**
     * Runs {@code scripts/clearbg} as a user would (it also sets OMP_WAIT_POLICY=PASSIVE, which keeps libtorch from
     * spinning on shared cores); fails with its output when it does not succeed.
     */
    private void clearbg(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of(ProjectFolders.root().resolve("scripts/clearbg").toString()));
        command.addAll(List.of(args));
        Path log = Files.createDirectories(work.resolve("logs")).resolve("clearbg-" + args[0] + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(CLEARBG_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        assertEquals(
                0,
                process.isAlive() ? -1 : process.exitValue(),
                String.join(" ", command) + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
}
