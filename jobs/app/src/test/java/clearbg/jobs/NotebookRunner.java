package clearbg.jobs;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a notebook of {@code notebooks/} headless as a user would: {@code .venv/bin/papermill} with the kernel
 * {@code python3}, then {@code .venv/bin/jupyter nbconvert --to html}.
 *
 * <p>The kernel is the project environment's own: papermill runs on .venv's Python, whose ipykernel provides the
 * {@code python3} kernel, and Jupyter's per-user folders (where {@code jupyter kernelspec install --user} would
 * have put another {@code python3}) point into {@code scratch}, as do IPython's and matplotlib's: nothing under
 * the user's home is read or written, and nothing needs registering on a fresh machine. MLFLOW_TRACKING_URI is
 * removed from the environment, so a notebook only talks to the server its parameters name.
 */
final class NotebookRunner {

    /** Longest a notebook may run (papermill also limits each cell to this). */
    private static final long TIMEOUT_SECONDS = 600;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * One papermill run.
     *
     * @param exitCode papermill's exit code
     * @param log what papermill printed (its own messages; the cells' outputs are in the executed notebook)
     * @param executed the executed notebook (written even when a cell failed)
     */
    record Run(int exitCode, String log, Path executed) {}

    private final Path scratch;

    /** @param scratch where the per-user Jupyter, IPython and matplotlib folders and the parameter files go */
    NotebookRunner(Path scratch) {
        this.scratch = scratch;
    }

    /**
     * Executes {@code notebooks/<name>.ipynb} with {@code parameters} (strings, numbers, lists) into
     * {@code outputDir/<name>.ipynb}, in {@code outputDir} as working folder.
     */
    Run execute(String name, Map<String, Object> parameters, Path outputDir) throws IOException, InterruptedException {
        Path notebook = ProjectFolders.root().resolve("notebooks").resolve(name + ".ipynb");
        Path executed = outputDir.resolve(name + ".ipynb");
        // JSON is YAML, which papermill's --parameters_file reads.
        Path parameterFile = scratch.resolve(name + "-parameters.json");
        JSON.writeValue(parameterFile.toFile(), parameters);
        Path log = scratch.resolve(name + "-papermill.log");
        int exitCode = run(
                List.of(
                        ProjectFolders.venvTool("papermill").toString(),
                        "--no-progress-bar",
                        "--kernel",
                        "python3",
                        "--execution-timeout",
                        Long.toString(TIMEOUT_SECONDS),
                        "--parameters_file",
                        parameterFile.toString(),
                        notebook.toString(),
                        executed.toString()),
                outputDir,
                log);
        return new Run(exitCode, Files.readString(log, StandardCharsets.UTF_8), executed);
    }

    /** Converts an executed notebook into {@code <same folder>/<same name>.html}, with its images embedded. */
    Path toHtml(Path executed) throws IOException, InterruptedException {
        Path log = scratch.resolve(executed.getFileName() + "-nbconvert.log");
        int exitCode = run(
                List.of(
                        ProjectFolders.venvTool("jupyter").toString(),
                        "nbconvert",
                        "--to",
                        "html",
                        executed.toString()),
                executed.getParent(),
                log);
        Path html = executed.resolveSibling(executed.getFileName().toString().replaceFirst("\\.ipynb$", "") + ".html");
        if (exitCode != 0 || !Files.isRegularFile(html)) {
            throw new AssertionError("nbconvert of " + executed + " failed with exit code " + exitCode + ":\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return html;
    }

    private int run(List<String> command, Path workingDir, Path log) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.remove("MLFLOW_TRACKING_URI");
        environment.remove("JUPYTER_PATH");
        environment.put(
                "JUPYTER_DATA_DIR",
                Files.createDirectories(scratch.resolve("jupyter-data")).toString());
        environment.put(
                "JUPYTER_CONFIG_DIR",
                Files.createDirectories(scratch.resolve("jupyter-config")).toString());
        environment.put(
                "IPYTHONDIR",
                Files.createDirectories(scratch.resolve("ipython")).toString());
        environment.put(
                "MPLCONFIGDIR",
                Files.createDirectories(scratch.resolve("matplotlib")).toString());
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS + 60, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError(command.get(0) + " did not finish in " + (TIMEOUT_SECONDS + 60) + " s:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return process.exitValue();
    }
}
