package clearbg.jobs.train;

/**
 * A batch ready for the network.
 *
 * @param size images in the batch
 * @param side the square crop side
 * @param images {@code size x 3 x side x side}, ToTensorLab-normalised
 * @param labels {@code size x 1 x side x side} in [0, 1]
 * @param loadNanos time spent decoding and transforming the batch
 * @param waitNanos time the step waited for it
 */
public record TrainingBatch(int size, int side, float[] images, float[] labels, long loadNanos, long waitNanos) {

    /** This batch, waited for {@code nanos}. */
    TrainingBatch waited(long nanos) {
        return new TrainingBatch(size, side, images, labels, loadNanos, nanos);
    }
}
