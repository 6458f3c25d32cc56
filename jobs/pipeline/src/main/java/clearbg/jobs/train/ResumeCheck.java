package clearbg.jobs.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Whether a training may resume from a checkpoint written with other parameters: the one rule, applied by the
 * driver before any task starts ({@link TrainingLoop}) and by every replica on the checkpoint it reads
 * ({@link EpochRunner}). The parameters that define what is trained ({@link #KEYS}: architecture, data, global
 * batch, augmentation, optimiser, BatchNorm mode, seed) must equal the checkpoint's, unless the user allowed a
 * change by name; the others (steps, epochs, intervals, evaluation, and the number of workers with their batch
 * as long as the global batch stays) may change freely. Three keys can never be allowed ({@link #FIXED}): the
 * architecture (the checkpoint's tensors have its shapes), the global batch and the seed (together they fix
 * the epoch's sample order, which the checkpoint's data cursor counts into). Without this a resume with, say,
 * another learning rate or crop would go on silently with a mixture of two recipes.
 */
final class ResumeCheck {

    /** The parameters of {@link TrainSettings#asParams()} that must not change silently on resume. */
    static final Set<String> KEYS = Set.of(
            "arch",
            "table",
            "train_splits",
            "global_batch",
            "rescale",
            "crop",
            "flip",
            "lr",
            "beta1",
            "beta2",
            "eps",
            "weight_decay",
            "batch_norm",
            "intermediate_supervision",
            "seed");

    /** Keys of {@link #KEYS} that {@code --allow-changed-params} cannot name: no resume can absorb their change. */
    static final Set<String> FIXED = Set.of("arch", "global_batch", "seed");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResumeCheck() {}

    /**
     * Checks that {@code allowed} names only keys that may change.
     *
     * @throws IllegalArgumentException naming the first key that is not a training parameter or is fixed
     */
    static void requireAllowable(Set<String> allowed) {
        for (String key : allowed.stream().sorted().toList()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(
                        "--allow-changed-params: " + key + " is not a training parameter (one of "
                                + KEYS.stream().sorted().toList() + ")");
            }
            if (FIXED.contains(key)) {
                throw new IllegalArgumentException("--allow-changed-params: " + key + " cannot change on resume ("
                        + FIXED.stream().sorted().toList() + " fix the weights' shapes and the order of the"
                        + " samples the checkpoint's cursor counts into); use another --checkpoints folder");
            }
        }
    }

    /**
     * Checks the current parameters against the checkpoint's.
     *
     * @param checkpointParams the params JSON in the checkpoint
     * @param currentParams this run's params JSON
     * @param allowed keys that may differ
     * @param checkpoint names the checkpoint in the message
     * @throws IllegalArgumentException naming every key that differs (with both values) and is not allowed
     */
    static void require(String checkpointParams, String currentParams, Set<String> allowed, String checkpoint) {
        JsonNode before = parse(checkpointParams, checkpoint);
        JsonNode now = parse(currentParams, "this run's parameters");
        List<String> changed = new ArrayList<>();
        for (String key : KEYS.stream().sorted().toList()) {
            String was = before.path(key).asText("");
            String is = now.path(key).asText("");
            if (before.has(key) && !was.equals(is) && !allowed.contains(key)) {
                changed.add(key + " " + was + " -> " + is);
            }
        }
        if (!changed.isEmpty()) {
            throw new IllegalArgumentException(checkpoint + " was written by a training with other parameters ("
                    + String.join(", ", changed) + "); resume with the checkpoint's parameters, name the keys in"
                    + " --allow-changed-params to resume anyway, or use another --checkpoints folder");
        }
    }

    private static JsonNode parse(String json, String source) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": its parameters are not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
