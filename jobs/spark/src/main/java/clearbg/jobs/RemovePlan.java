package clearbg.jobs;

import clearbg.jobs.files.FileNames;
import clearbg.jobs.files.OutputLayout;
import clearbg.jobs.remove.InputVersion;
import clearbg.jobs.remove.PlannedInput;
import clearbg.jobs.remove.RemoveOutcome;
import clearbg.jobs.remove.RemoveRequest;
import clearbg.jobs.spark.HadoopFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The driver's side of a background-removal run: takes the input objects (a listing of the input prefix, or an
 * input list) and decides per key whether it is work ({@link PlannedInput}, with its {@link InputVersion}), not an
 * image (skipped), or refused (failed: a key outside the input prefix, an unsafe key, a key under the reserved
 * {@value #REPORTS}/ (run reports and output records), or an output key that another input already claims). Files
 * under the output prefix are left out when it lies inside the input prefix. Whether a planned input is redone is
 * decided later, against its output record ({@link clearbg.jobs.spark.RemovePartitionWorker}).
 */
final class RemovePlan {

    /** The prefix under the output where run reports and output records go; input keys may not start with it. */
    static final String REPORTS = "_reports";

    private final List<PlannedInput> items = new ArrayList<>();
    private final List<RemoveOutcome> decided = new ArrayList<>();

    private RemovePlan() {}

    /**
     * The plan for {@code entries}, input objects given by their full URIs (a listing or an input list), with
     * {@code refused} keys already settled by whoever named the objects.
     */
    static RemovePlan of(
            HadoopFiles files,
            String input,
            String output,
            OutputLayout layout,
            List<HadoopFiles.Entry> entries,
            List<RemoveOutcome> refused)
            throws IOException {
        RemovePlan plan = new RemovePlan();
        plan.decided.addAll(refused);
        String inputRoot = input.replaceAll("/+$", "");
        String outputRoot = output.replaceAll("/+$", "");
        String outputQualified = files.qualified(outputRoot);
        Map<String, String> claimed = new HashMap<>();
        for (HadoopFiles.Entry entry : entries) {
            if ((entry.uri() + "/").startsWith(outputQualified + "/")) {
                continue;
            }
            String key;
            try {
                key = files.relativize(inputRoot, entry.uri());
            } catch (IOException outside) {
                plan.decided.add(
                        RemoveOutcome.failedKey(entry.uri(), "refused: the key lies outside the input prefix"));
                continue;
            }
            if (!FileNames.isImage(key)) {
                plan.decided.add(RemoveOutcome.skippedKey(key, "not an image (extension)"));
                continue;
            }
            Optional<String> refusal = OutputLayout.refusal(key);
            if (refusal.isEmpty() && (key.equals(REPORTS) || key.startsWith(REPORTS + "/"))) {
                refusal = Optional.of("keys under " + REPORTS + "/ are reserved for run reports");
            }
            if (refusal.isPresent()) {
                plan.decided.add(RemoveOutcome.failedKey(key, "refused: " + refusal.get()));
                continue;
            }
            List<RemoveRequest.Output> outputs = new ArrayList<>();
            String conflict = null;
            List<String> outputKeys = layout.outputKeys(key);
            for (String outKey : outputKeys) {
                String owner = claimed.putIfAbsent(outKey, key);
                if (owner != null) {
                    conflict = "output " + outKey + " is already the output of " + owner;
                }
                outputs.add(
                        new RemoveRequest.Output(outputRoot + "/" + outKey, outKey.equals(OutputLayout.maskKey(key))));
            }
            if (conflict != null) {
                plan.decided.add(RemoveOutcome.failedKey(key, "refused: " + conflict));
            } else {
                plan.items.add(new PlannedInput(
                        new RemoveRequest(key, entry.uri(), entry.length(), entry.modified(), outputs),
                        InputVersion.of(entry.etag(), entry.length(), entry.modified()),
                        outputKeys));
            }
        }
        return plan;
    }

    List<PlannedInput> items() {
        return items;
    }

    /** Keys settled on the driver (not images, refused). */
    List<RemoveOutcome> decided() {
        return decided;
    }
}
