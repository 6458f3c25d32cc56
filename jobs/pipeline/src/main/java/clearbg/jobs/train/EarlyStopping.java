package clearbg.jobs.train;

import clearbg.jobs.files.FileStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Early stopping on the validation max-F, the DIS recipe's rule (there: 20 validations, one every 2,000 iterations):
 * after each periodic validation a max-F strictly above the best so far becomes the best and resets the count;
 * any other (NaN included) adds one; once {@code patience} validations in a row brought no better max-F the
 * training stops. The state lives in {@code <out>/early_stopping.json}, so a resumed training goes on counting.
 *
 * @param bestMaxF the best validation max-F so far ({@code -Infinity} before the first validation)
 * @param bestStep the step of the checkpoint that scored it (0 before the first validation)
 * @param sinceBest validations since the best, without a better one
 */
public record EarlyStopping(double bestMaxF, long bestStep, int sinceBest) {

    /** The state file's name in the run folder. */
    public static final String FILE = "early_stopping.json";
    /** Where the best weights are kept in the run folder. */
    public static final String BEST_WEIGHTS = "best.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The state before any validation. */
    public static EarlyStopping initial() {
        return new EarlyStopping(Double.NEGATIVE_INFINITY, 0, 0);
    }

    /** The state after a validation of the checkpoint at {@code step} that scored {@code maxF}. */
    public EarlyStopping after(double maxF, long step) {
        return maxF > bestMaxF
                ? new EarlyStopping(maxF, step, 0)
                : new EarlyStopping(bestMaxF, bestStep, sinceBest + 1);
    }

    /** Whether the checkpoint at {@code step} is the best so far. */
    public boolean bestAt(long step) {
        return sinceBest == 0 && bestStep == step && hasBest();
    }

    /** Whether any validation has scored. */
    public boolean hasBest() {
        return bestMaxF > Double.NEGATIVE_INFINITY;
    }

    /** Whether the training stops: {@code patience} validations without a better max-F. */
    public boolean stops(int patience) {
        return sinceBest >= patience;
    }

    /** The state saved in {@code runFolder}, or {@link #initial()} when there is none. */
    static EarlyStopping read(FileStore files, String runFolder) throws IOException {
        String uri = runFolder + "/" + FILE;
        if (!files.exists(uri)) {
            return initial();
        }
        JsonNode node = JSON.readTree(files.read(uri, 1 << 16));
        return new EarlyStopping(
                node.get("best_max_f").isNull()
                        ? Double.NEGATIVE_INFINITY
                        : node.get("best_max_f").asDouble(),
                node.get("best_step").asLong(),
                node.get("since_best").asInt());
    }

    /** Saves this state in {@code runFolder}. */
    void write(FileStore files, String runFolder) throws IOException {
        var node = JSON.createObjectNode();
        if (hasBest()) {
            node.put("best_max_f", bestMaxF);
        } else {
            node.putNull("best_max_f");
        }
        node.put("best_step", bestStep);
        node.put("since_best", sinceBest);
        files.write(runFolder + "/" + FILE, JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8));
    }
}
