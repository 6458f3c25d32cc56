package clearbg.jobs.train;

import java.io.Serializable;
import java.util.Set;

/**
 * Where a training starts from and how it is checkpointed.
 *
 * @param folder the checkpoint folder (any Hadoop FS URI)
 * @param interval steps between checkpoints (one is also written at every epoch end)
 * @param keep checkpoints kept
 * @param resume continue from the newest checkpoint when there is one
 * @param initWeights weights to start from (.pth, safetensors or a checkpoint), or null for the seeded initialisation
 * @param allowedChanges training parameters ({@link ResumeCheck#KEYS}, but none of {@link ResumeCheck#FIXED}) that
 *     may differ from the checkpoint's when resuming; any other difference refuses the resume
 */
public record CheckpointPolicy(
        String folder, int interval, int keep, boolean resume, String initWeights, Set<String> allowedChanges)
        implements Serializable {

    public CheckpointPolicy {
        allowedChanges = Set.copyOf(allowedChanges);
        ResumeCheck.requireAllowable(allowedChanges);
        TrainSettings.require(interval >= 1, "--checkpoint-interval must be at least 1, got " + interval);
        TrainSettings.require(keep >= 1, "--keep-checkpoints must be at least 1, got " + keep);
    }
}
