package clearbg.jobs.train;

import java.io.Serializable;

/**
 * Where a training starts from and how it is checkpointed.
 *
 * @param folder the checkpoint folder (any Hadoop FS URI)
 * @param interval steps between checkpoints (one is also written at every epoch end)
 * @param keep checkpoints kept
 * @param resume continue from the newest checkpoint when there is one
 * @param initWeights weights to start from (.pth, safetensors or a checkpoint), or null for the seeded initialisation
 */
public record CheckpointPolicy(String folder, int interval, int keep, boolean resume, String initWeights)
        implements Serializable {

    public CheckpointPolicy {
        TrainSettings.require(interval >= 1, "--checkpoint-interval must be at least 1, got " + interval);
        TrainSettings.require(keep >= 1, "--keep-checkpoints must be at least 1, got " + keep);
    }
}
