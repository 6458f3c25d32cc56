package clearbg.cli;

import clearbg.jobs.files.LocalFileStore;
import clearbg.jobs.remove.RunManifest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code clearbg records OUTPUT}: the runs of RemoveBackgroundJob under a local output folder, oldest first, one line
 * each: run id, start, done / skipped / failed (from {@code _reports/<id>/summary.json}) and whether the run's
 * manifest is there and every file it names has its size and SHA-256. Exit code 0 when every manifest holds, 1
 * otherwise. The per-input rows are in {@code OUTPUT/_reports/records.parquet} (Parquet, for Spark SQL).
 */
@Command(
        name = "records",
        mixinStandardHelpOptions = true,
        description = "List RemoveBackgroundJob's runs under a local output folder and check their manifests.")
final class RecordsCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OUTPUT", description = "the job's output folder")
    private Path output;

    @Override
    public Integer call() throws IOException {
        Path reports = output.resolve("_reports");
        if (!Files.isDirectory(reports)) {
            throw new UsageException(output + ": no _reports folder (not an output of RemoveBackgroundJob)");
        }
        List<JsonNode> runs = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> folders = Files.list(reports)) {
            for (Path summary : folders.map(f -> f.resolve("summary.json"))
                    .filter(Files::isRegularFile)
                    .toList()) {
                runs.add(json.readTree(summary.toFile()));
            }
        }
        runs.sort(
                (a, b) -> a.path("started").asText().compareTo(b.path("started").asText()));
        PrintWriter out = spec.commandLine().getOut();
        boolean allHold = true;
        for (JsonNode run : runs) {
            String id = run.path("run_id").asText();
            String manifest = manifestState(id);
            allHold &= manifest.startsWith("manifest holds");
            out.printf(
                    "%s  started %s  done %d, skipped %d, failed %d  %s%n",
                    id,
                    run.path("started").asText("?"),
                    run.path("done").asLong(),
                    run.path("skipped").asLong(),
                    run.path("failed").asLong(),
                    manifest);
        }
        return allHold ? 0 : 1;
    }

    private String manifestState(String runId) throws IOException {
        Path manifest = output.resolve("_reports").resolve(runId).resolve(RunManifest.NAME);
        if (!Files.isRegularFile(manifest)) {
            return "no manifest (the run did not finish)";
        }
        LocalFileStore store = new LocalFileStore();
        List<RunManifest.Entry> entries = RunManifest.read(store, manifest.toString());
        int bad = 0;
        for (RunManifest.Entry entry : entries) {
            if (!Files.isRegularFile(output.resolve(entry.key()))
                    || !RunManifest.entry(store, output.toString(), entry.key()).equals(entry)) {
                bad++;
            }
        }
        return bad == 0
                ? "manifest holds (" + entries.size() + " files)"
                : "manifest: " + bad + " of " + entries.size() + " files missing or changed";
    }
}
