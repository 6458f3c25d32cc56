package clearbg.jobs.train;

import java.io.Serializable;

/**
 * What one optimiser step did, as replica 0 saw it.
 *
 * @param step the global step number (1-based)
 * @param epoch the epoch (0-based)
 * @param loss the summed multi-output BCE (replica 0's batch)
 * @param fusedLoss the BCE of the fused output
 * @param learningRate the step's learning rate
 * @param imagesPerSecond global images (all replicas) per second of this step
 * @param dataNanos decoding and transforming the batch
 * @param forwardBackwardNanos forward, loss and backward
 * @param allReduceNanos averaging the gradients across replicas
 * @param optimizerNanos the Adam update
 */
public record StepLog(long step, int epoch, double loss, double fusedLoss, double learningRate, double imagesPerSecond,
        long dataNanos, long forwardBackwardNanos, long allReduceNanos, long optimizerNanos) implements Serializable {

    /** The CSV header of {@link #csvLine()}. */
    public static final String CSV_HEADER =
            "step,epoch,loss,fused_loss,lr,images_per_s,data_ms,forward_backward_ms,all_reduce_ms,optimizer_ms";

    /** One CSV line, no newline. */
    public String csvLine() {
        return String.format(java.util.Locale.ROOT, "%d,%d,%.6f,%.6f,%g,%.3f,%.3f,%.3f,%.3f,%.3f", step, epoch, loss, fusedLoss,
                learningRate, imagesPerSecond, dataNanos / 1e6, forwardBackwardNanos / 1e6, allReduceNanos / 1e6,
                optimizerNanos / 1e6);
    }
}
