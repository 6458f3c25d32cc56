package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DIS5K experiment (experiments/dis5k/dvc.yaml) as a user runs it, in a clone of the repository on small params:
 * {@code dvc repro experiments/dis5k/dvc.yaml} runs the main pipeline's synth, ingest and train (the DUTS-trained
 * weights), then the generated DIS5K set, its table, the fine-tuning from those weights and the DIS table; the main
 * pipeline's own {@code dvc repro} does not run the experiment's stages; {@code dvc exp run ... -S
 * dis.finetune.max_steps=...} re-runs only the fine-tuning and the table.
 */
class DisExperimentIT {

    private static final Path ROOT = ProjectFolders.root();
    private static final String PIPELINE = "experiments/dis5k/dvc.yaml";
    private static final Pattern RUNNING_STAGE = Pattern.compile("Running stage '(?:[^']*:)?([a-z_]+)'");

    @TempDir
    Path dir;

    private final Map<String, String> environment = new HashMap<>();

    @Test
    void theExperimentFineTunesTheDutsWeightsAndWritesTheDisTable() throws Exception {
        Path workspace = dir.resolve("workspace");
        run(dir, 120, "git", "clone", "-q", ROOT.toString(), workspace.toString());
        Files.createSymbolicLink(workspace.resolve(".venv"), ROOT.resolve(".venv"));
        writeSmallParams(workspace.resolve("params.yaml"));
        environment.put("CLEARBG_APP_JAR", SparkSubmit.appJar().toAbsolutePath().toString());
        environment.put("SPARK_LOCAL_IP", "127.0.0.1");

        Result first = dvc(workspace, 1200, "repro", PIPELINE);
        assertEquals(0, first.exitCode(), first.output());
        assertEquals(
                Set.of("synth", "ingest", "train", "dis_synth", "dis_ingest", "dis_finetune", "dis_evaluate"),
                new TreeSet<>(stagesRun(first)),
                first.output());
        List<String> order = stagesRun(first);
        assertTrue(order.indexOf("train") < order.indexOf("dis_finetune"), "the DUTS training comes first");

        JsonNode finetune = new ObjectMapper()
                .readTree(workspace.resolve("models/dis5k/params.json").toFile());
        assertTrue(finetune.toString().contains("models/train/weights.safetensors"), finetune.toString());
        assertTrue(finetune.toString().contains("DIS-TR"), finetune.toString());

        Path eval = workspace.resolve("metrics/dis5k");
        String table = Files.readString(eval.resolve("dis_table.md"));
        for (String row : List.of("| DIS-VD | 4 |", "| DIS-TE1 | 4 |", "| DIS-TE4 | 4 |", "| DIS-TE(1-4) | 16 |")) {
            assertTrue(table.contains(row), row + " in\n" + table);
        }
        JsonNode metrics =
                new ObjectMapper().readTree(eval.resolve("metrics.json").toFile());
        double hce = metrics.path("DIS-TE2").path("hce").asDouble(-1);
        assertTrue(hce >= 0, metrics.toString());
        List<String> perImage = Files.readAllLines(eval.resolve("per_image.csv"));
        assertEquals(1 + 20, perImage.size());
        assertTrue(
                Integer.parseInt(perImage.get(1).split(",")[8])
                        >= Integer.parseInt(perImage.get(20).split(",")[8]),
                "worst HCE first");

        Result main = dvc(workspace, 300, "repro");
        assertEquals(0, main.exitCode(), main.output());
        assertEquals(
                Set.of("evaluate", "remove_background"),
                new TreeSet<>(stagesRun(main)),
                "the main pipeline's own stages only");

        Result experiment = dvc(workspace, 900, "exp", "run", PIPELINE, "-S", "dis.finetune.max_steps=8");
        assertEquals(0, experiment.exitCode(), experiment.output());
        assertEquals(Set.of("dis_finetune", "dis_evaluate"), new TreeSet<>(stagesRun(experiment)));
        Result shown = dvc(workspace, 120, "metrics", "show");
        assertEquals(0, shown.exitCode(), shown.output());
        assertTrue(shown.output().contains("DIS-TE1.hce"), shown.output());
    }

    /** The repository's params.yaml with sizes for a few minutes on two cores. */
    private static void writeSmallParams(Path file) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        ObjectNode params = (ObjectNode) yaml.readTree(file.toFile());
        ((ObjectNode) params.path("data").path("synth"))
                .put("train", 48)
                .put("test", 8)
                .put("size", "96x72");
        ((ObjectNode) params.path("train"))
                .put("max_steps", 24)
                .put("batch", 4)
                .put("eval_interval", 1)
                .put("checkpoint_interval", 10)
                .put("log_interval", 12);
        ObjectNode dis = (ObjectNode) params.path("dis");
        ((ObjectNode) dis.path("synth")).put("train", 24).put("test", 4).put("size", "96x72");
        ((ObjectNode) dis.path("finetune")).put("max_steps", 12);
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

    private record Result(int exitCode, String output) {}

    /** Runs a command in {@code workDir} with the test's environment; its output also goes to commands.log. */
    private Result run(Path workDir, long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "command", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().remove("MLFLOW_TRACKING_URI"); // no tracking server: the runs are not tracked
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
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        if (!finished) {
            throw new AssertionError(
                    String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n" + output);
        }
        return new Result(process.exitValue(), output);
    }
}
