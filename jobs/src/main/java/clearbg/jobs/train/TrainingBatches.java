package clearbg.jobs.train;

import clearbg.model.image.FloatImage;
import clearbg.model.image.ImageDecodeException;
import clearbg.model.image.ImageDecoder;
import clearbg.model.image.MaskDecoder;
import clearbg.model.transform.Sample;
import clearbg.model.transform.TensorSample;
import clearbg.model.transform.TrainingTransform;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Turns a replica's ordered table rows into training batches on the executor: decode, RescaleT, random
 * flip, RandomCrop and ToTensorLab ({@link TrainingTransform}), each sample seeded by
 * {@link SampleSeeds#sample}(seed, epoch, id), so an epoch is the same whatever the partitioning. A row that
 * does not decode fails the step with its id (the table was validated when it was ingested).
 */
public final class TrainingBatches implements Iterator<TrainingBatch> {

    private final Iterator<TableSample> rows;
    private final int batchSize;
    private final TrainingTransform transform;
    private final long seed;
    private final int epoch;
    private final ImageDecoder imageDecoder = new ImageDecoder();
    private final MaskDecoder maskDecoder = new MaskDecoder();

    /**
     * @param rows the replica's rows in training order; a trailing part smaller than a batch is dropped
     * @param transform the sizes and flips (its own seed is replaced per sample)
     */
    public TrainingBatches(Iterator<TableSample> rows, int batchSize, TrainingTransform transform, long seed, int epoch) {
        this.rows = rows;
        this.batchSize = batchSize;
        this.transform = transform;
        this.seed = seed;
        this.epoch = epoch;
    }

    @Override
    public boolean hasNext() {
        return rows.hasNext();
    }

    @Override
    public TrainingBatch next() {
        long start = System.nanoTime();
        int side = transform.cropSize();
        int imagePlane = 3 * side * side;
        int labelPlane = side * side;
        float[] images = new float[batchSize * imagePlane];
        float[] labels = new float[batchSize * labelPlane];
        for (int i = 0; i < batchSize; i++) {
            if (!rows.hasNext()) {
                throw new NoSuchElementException("the shard ended inside a batch (" + i + " of " + batchSize + " samples)");
            }
            TensorSample tensors = transform(rows.next());
            System.arraycopy(tensors.image(), 0, images, i * imagePlane, imagePlane);
            System.arraycopy(tensors.label(), 0, labels, i * labelPlane, labelPlane);
        }
        return new TrainingBatch(batchSize, side, images, labels, System.nanoTime() - start);
    }

    private TensorSample transform(TableSample row) {
        try {
            FloatImage image = imageDecoder.decode(row.image(), row.id());
            FloatImage mask = maskDecoder.decode(row.mask(), row.id() + " (mask)");
            return transform.withSeed(SampleSeeds.sample(seed, epoch, row.id())).apply(new Sample(image, mask));
        } catch (ImageDecodeException | IllegalArgumentException e) {
            throw new IllegalStateException("training sample " + row.id() + " cannot be used: " + e.getMessage(), e);
        }
    }
}
