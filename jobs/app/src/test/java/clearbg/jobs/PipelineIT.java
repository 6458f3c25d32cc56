package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DVC pipeline as a user runs it, in a clone of the repository: the local S3 and MLflow servers started
 * by their scripts, {@code dvc repro} of the whole chain on small params (every stage through
 * scripts/stage and spark-submit), a second repro that does nothing, {@code dvc exp run -S train.lr=... evaluate}
 * that re-runs only train and evaluate, {@code dvc metrics show} / {@code dvc plots show}, the
 * MLflow runs the trainings logged, and {@code dvc push} / {@code dvc pull} through the S3 remote.
 */
class PipelineIT {

    private static final Path ROOT = ProjectFolders.root();
    private static final Pattern RUNNING_STAGE = Pattern.compile("Running stage '([a-z_]+)'");

    @TempDir
    Path dir;

    private final Map<String, String> environment = new HashMap<>();

    @Test
    void theWholeChainRunsOnceThenOnlyWhatChangedAndItsDataGoesThroughTheS3Remote() throws Exception {
        Path workspace = dir.resolve("workspace");
        run(dir, 120, "git", "clone", "-q", ROOT.toString(), workspace.toString());
        Files.createSymbolicLink(workspace.resolve(".venv"), ROOT.resolve(".venv"));
        writeSmallParams(workspace.resolve("params.yaml"));
        environment.put("CLEARBG_APP_JAR", SparkSubmit.appJar().toAbsolutePath().toString());
        environment.put("MLFLOW_STATE_DIR", dir.resolve("mlflow").toString());
        environment.put("S3_STATE_DIR", dir.resolve("s3").toString());
        environment.put("SPARK_LOCAL_IP", "127.0.0.1");
        Path scripts = ROOT.resolve("scripts");
        try {
            assertEquals(
                    0,
                    run(workspace, 300, scripts.resolve("mlflow-server").toString(), "start")
                            .exitCode());
            assertEquals(
                    0,
                    run(workspace, 120, scripts.resolve("s3-server").toString(), "start")
                            .exitCode());
            loadExports(workspace, scripts.resolve("mlflow-server"));
            loadExports(workspace, scripts.resolve("s3-server"));

            Result first = dvc(workspace, 1200, "repro");
            assertEquals(0, first.exitCode(), first.output());
            assertEquals(List.of("synth", "ingest", "train", "evaluate", "remove_background"), stagesRun(first));
            JsonNode metrics = new ObjectMapper()
                    .readTree(workspace.resolve("metrics/eval/metrics.json").toFile());
            double maxF = metrics.path("DUTS-TE").path("maxF").asDouble(-1);
            assertTrue(maxF > 0 && maxF <= 1, "max-F in (0, 1]: " + metrics);
            assertEquals(
                    countFiles(workspace.resolve("data/synth/DUTS-TE/DUTS-TE-Image"), ".jpg") * 2,
                    countFiles(workspace.resolve("outputs/cutouts"), ".png"),
                    "a cut-out and a mask per sample photo");

            Result second = dvc(workspace, 300, "repro");
            assertEquals(0, second.exitCode(), second.output());
            assertEquals(List.of(), stagesRun(second), second.output());

            assertEquals(
                    Set.of("synth", "ingest", "train", "evaluate", "remove_background"),
                    staleAfterACodeChange(workspace),
                    "a change under model/src/main/java makes every stage that runs the code stale");

            Result experiment = dvc(workspace, 900, "exp", "run", "-S", "train.lr=0.0005", "evaluate");
            assertEquals(0, experiment.exitCode(), experiment.output());
            Set<String> rerun = new TreeSet<>(stagesRun(experiment));
            assertEquals(
                    Set.of("evaluate", "train"), rerun, "the data stages are reused; train and evaluate run again");

            Result shown = dvc(workspace, 120, "metrics", "show");
            assertEquals(0, shown.exitCode(), shown.output());
            assertTrue(shown.output().contains("DUTS-TE.maxF"), shown.output());
            Result plots = dvc(
                    workspace, 300, "plots", "show", "-o", dir.resolve("plots").toString());
            assertEquals(0, plots.exitCode(), plots.output());
            String html = Files.readString(dir.resolve("plots/index.html"));
            for (String plot : List.of("precision-recall", "f-measure by threshold", "training loss")) {
                assertTrue(html.contains(plot), "dvc plots renders " + plot);
            }

            checkMlflowRuns();
            checkCompareRunsNotebook();
            checkPushAndPull(workspace);
            assertFalse(
                    Files.readString(dir.resolve("commands.log")).contains(environment.get("AWS_SECRET_ACCESS_KEY")),
                    "no command printed the S3 secret");
        } finally {
            run(workspace, 60, scripts.resolve("s3-server").toString(), "stop");
            run(workspace, 60, scripts.resolve("mlflow-server").toString(), "stop");
        }
    }

    /**
     * The stages {@code dvc status} lists after a comment is added to a class of the model module; the change is then
     * undone.
     */
    private Set<String> staleAfterACodeChange(Path workspace) throws Exception {
        Path source = workspace.resolve("model/src/main/java/clearbg/model/predict/Predictor.java");
        byte[] original = Files.readAllBytes(source);
        try {
            Files.writeString(source, "\n// a change\n", java.nio.file.StandardOpenOption.APPEND);
            Result status = dvc(workspace, 120, "status");
            assertEquals(0, status.exitCode(), status.output());
            Set<String> stale = new TreeSet<>();
            Matcher stage = Pattern.compile("(?m)^([a-z_]+):").matcher(status.output());
            while (stage.find()) {
                stale.add(stage.group(1));
            }
            return stale;
        } finally {
            Files.write(source, original);
        }
    }

    /** Two trainings, lr 0.001 and the experiment's 0.0005, each with its loss curve, evaluation and weights. */
    private void checkMlflowRuns() throws Exception {
        MlflowQueries queries = new MlflowQueries(environment.get("MLFLOW_TRACKING_URI"));
        JsonNode runs = queries.runs("clearbg");
        assertEquals(2, runs.size(), runs.toString());
        Set<String> learningRates = new TreeSet<>();
        for (JsonNode run : runs) {
            String id = run.path("info").path("run_id").asText();
            assertEquals("FINISHED", run.path("info").path("status").asText());
            for (JsonNode param : run.path("data").path("params")) {
                if (param.path("key").asText().equals("lr")) {
                    learningRates.add(param.path("value").asText());
                }
            }
            JsonNode loss = queries.history(id, "loss");
            assertEquals(24, loss.size(), "one loss per step");
            JsonNode maxF = queries.history(id, "val_maxF");
            assertTrue(maxF.size() >= 2, "a max-F per evaluation: " + maxF);
            String artifacts = queries.artifacts(id);
            assertTrue(artifacts.contains("weights.safetensors") && artifacts.contains("loss_curve.png"), artifacts);
            Set<String> tags = new TreeSet<>();
            run.path("data")
                    .path("tags")
                    .forEach(tag -> tags.add(tag.path("key").asText()));
            assertTrue(tags.containsAll(Set.of("git_commit", "spark_app_id", "table_manifest_hash")), tags.toString());
        }
        assertEquals(Set.of("0.001", "5.0E-4"), learningRates);
    }

    /** compare_runs.ipynb on the two real trainings: it runs clean and draws their curves. */
    private void checkCompareRunsNotebook() throws Exception {
        Path scratch = Files.createDirectories(dir.resolve("notebook-scratch"));
        NotebookRunner.Run run = new NotebookRunner(scratch)
                .execute(
                        "compare_runs",
                        Map.of(
                                "tracking_uri",
                                environment.get("MLFLOW_TRACKING_URI"),
                                "experiment",
                                "clearbg",
                                "run_ids",
                                List.of(),
                                "metrics",
                                List.of("loss", "val_maxF")),
                        Files.createDirectories(dir.resolve("notebooks")));
        assertEquals(0, run.exitCode(), run.log());
        ExecutedNotebook executed = ExecutedNotebook.read(run.executed());
        assertEquals(List.of(), executed.errors());
        assertEquals(1, executed.pngImages(), "the curves figure");
        assertTrue(executed.plainText().contains("2 runs from "), executed.plainText());
    }

    /** dvc push to the S3 remote, then a pull into an emptied cache and workspace restores the table. */
    private void checkPushAndPull(Path workspace) throws Exception {
        assertEquals(
                0,
                dvc(
                                workspace,
                                60,
                                "remote",
                                "modify",
                                "--local",
                                "s3",
                                "endpointurl",
                                environment.get("CLEARBG_S3_ENDPOINT"))
                        .exitCode());
        Result push = dvc(workspace, 600, "push");
        assertEquals(0, push.exitCode(), push.output());
        String manifest = Files.readString(workspace.resolve("data/table/manifest.json"));
        deleteTree(workspace.resolve("data/table"));
        deleteTree(workspace.resolve(".dvc/cache"));
        Result pull = dvc(workspace, 600, "pull", "ingest");
        assertEquals(0, pull.exitCode(), pull.output());
        assertEquals(manifest, Files.readString(workspace.resolve("data/table/manifest.json")));
    }

    /** The repository's params.yaml with sizes for a few minutes on two cores. */
    private static void writeSmallParams(Path file) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        ObjectNode params = (ObjectNode) yaml.readTree(file.toFile());
        ObjectNode synth = (ObjectNode) params.path("data").path("synth");
        synth.put("train", 48).put("test", 8).put("size", "96x72");
        ObjectNode train = (ObjectNode) params.path("train");
        train.put("max_steps", 24)
                .put("batch", 4)
                .put("eval_interval", 1)
                .put("checkpoint_interval", 10)
                .put("log_interval", 12);
        yaml.writeValue(file.toFile(), params);
    }

    private Result dvc(Path workspace, long timeoutSeconds, String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(ROOT.resolve(".venv/bin/dvc").toString()));
        command.addAll(List.of(args));
        return run(workspace, timeoutSeconds, command.toArray(String[]::new));
    }

    private static List<String> stagesRun(Result result) {
        List<String> stages = new ArrayList<>();
        Matcher matcher = RUNNING_STAGE.matcher(result.output());
        while (matcher.find()) {
            stages.add(matcher.group(1));
        }
        return stages;
    }

    /** Takes the variables that {@code script env} exports (its output holds secrets: it is not logged). */
    private void loadExports(Path workspace, Path script) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(script.toString(), "env")
                .directory(workspace.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        String exports = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), script + " env");
        Matcher matcher = Pattern.compile("([A-Z0-9_]+)=('?)([^'\\s]+)\\2").matcher(exports);
        while (matcher.find()) {
            environment.put(matcher.group(1), matcher.group(3));
        }
    }

    private static long countFiles(Path folder, String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(path -> path.toString().endsWith(suffix)).count();
        }
    }

    private record Result(int exitCode, String output) {}

    /** Runs a command in {@code workDir} with the test's environment; its output also goes to commands.log. */
    private Result run(Path workDir, long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "command", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        Files.writeString(
                dir.resolve("commands.log"),
                "$ " + String.join(" ", command) + "\n" + output,
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        if (!finished) {
            throw new AssertionError(
                    String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n" + output);
        }
        return new Result(process.exitValue(), output);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(path);
            }
        }
    }
}
