package clearbg.jobs.train;

import java.io.PrintStream;

/**
 * A training resumed with another number of workers than its checkpoint's keeps the checkpoint's global batch
 * {@code G = N b}: each of the {@code M} workers trains on {@code G / M} samples per step, whatever
 * {@code --batch} says, because clusters lose and regain executors and the run must go on. What stays: every
 * step's global batch (the same samples, {@link EpochPlan} deals the epoch's permutation by global batches),
 * every sample's augmentation, the learning rate and Adam's state, so the loss is averaged over the same
 * samples. What changes: which replica holds which samples of a step, so with per-replica BatchNorm statistics
 * ({@code --batch-norm batch}) each replica normalises over {@code G / M} samples instead of {@code b}, and the
 * float rounding of the gradient average; with frozen BatchNorm the weights stay within rounding of an
 * uninterrupted run.
 */
final class ElasticResume {

    private ElasticResume() {}

    /**
     * {@code settings} with the per-replica batch that keeps {@code checkpoint}'s global batch, telling
     * {@code log} when it differs from the given one.
     *
     * @throws IllegalArgumentException when this run's workers do not divide the checkpoint's global batch
     */
    static TrainSettings settings(TrainSettings settings, CheckpointInfo checkpoint, PrintStream log) {
        if (checkpoint.workers() == settings.workers()) {
            return settings;
        }
        int global = checkpoint.workers() * checkpoint.batch();
        if (global % settings.workers() != 0) {
            throw new IllegalArgumentException("the checkpoint of step " + checkpoint.step() + " was written by "
                    + checkpoint.workers() + " workers x batch " + checkpoint.batch() + " (global batch " + global
                    + "); " + settings.workers() + " workers cannot share that global batch equally: resume with a"
                    + " number of workers that divides " + global);
        }
        int batch = global / settings.workers();
        if (batch != settings.batch()) {
            log.printf(
                    "resuming the checkpoint of step %d (%d workers x batch %d) with %d workers x batch %d: the global"
                            + " batch %d is kept%n",
                    checkpoint.step(), checkpoint.workers(), checkpoint.batch(), settings.workers(), batch, global);
        }
        return settings.withBatch(batch);
    }
}
