package clearbg.jobs;

import clearbg.jobs.files.FileNames;
import clearbg.jobs.files.OutputLayout;
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
 * The driver's side of a background-removal run: lists the input prefix, and decides per key whether it
 * is work ({@link RemoveRequest}), not an image (skipped), or refused (failed: unsafe key, or an output key
 * that another input already claims). Files under the output prefix are left out when it lies inside the
 * input prefix.
 */
final class RemovePlan {

    /** The prefix under the output where run reports go; input keys may not start with it. */
    static final String REPORTS = "_reports";

    private final List<RemoveRequest> items = new ArrayList<>();
    private final List<RemoveOutcome> decided = new ArrayList<>();

    private RemovePlan() {}

    static RemovePlan of(HadoopFiles files, String input, String output, OutputLayout layout) throws IOException {
        RemovePlan plan = new RemovePlan();
        String inputRoot = input.replaceAll("/+$", "");
        String outputRoot = output.replaceAll("/+$", "");
        String outputQualified = files.qualified(outputRoot);
        Map<String, String> claimed = new HashMap<>();
        for (HadoopFiles.Entry entry : files.listEntries(inputRoot)) {
            if ((entry.uri() + "/").startsWith(outputQualified + "/")) {
                continue;
            }
            String key;
            try {
                key = files.relativize(inputRoot, entry.uri());
            } catch (IOException outside) {
                plan.decided.add(RemoveOutcome.failedKey(
                        entry.uri(), "refused: the key lies outside the input prefix (a '..' segment)"));
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
            for (String outKey : layout.outputKeys(key)) {
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
                plan.items.add(new RemoveRequest(key, entry.uri(), entry.length(), entry.modified(), outputs));
            }
        }
        return plan;
    }

    List<RemoveRequest> items() {
        return items;
    }

    /** Keys settled on the driver (not images, refused). */
    List<RemoveOutcome> decided() {
        return decided;
    }
}
