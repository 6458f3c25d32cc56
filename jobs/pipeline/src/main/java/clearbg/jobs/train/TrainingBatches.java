package clearbg.jobs.train;

import clearbg.model.image.FloatImage;
import clearbg.model.image.ImageDecodeException;
import clearbg.model.image.ImageDecoder;
import clearbg.model.image.MaskDecoder;
import clearbg.model.transform.Sample;
import clearbg.model.transform.TensorSample;
import clearbg.model.transform.TrainingTransform;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Turns a replica's ordered table rows into training batches: decode, RescaleT, random flip, RandomCrop and
 * ToTensorLab ({@link TrainingTransform}), each sample seeded by {@link SampleSeeds#sample}(seed, epoch, id),
 * so an epoch is the same whatever the partitioning, and whether or not batches are prepared ahead.
 *
 * <p>With {@code prefetch = k > 0}, the next {@code k} batches are prepared while the current step runs,
 * each on its own background thread (so a GPU step shorter than one batch's preparation still finds its batch
 * ready): the rows are taken from the iterator on the caller's thread (a Spark partition's iterator belongs to
 * its task thread), only decoding and transforming happen in the background. Each batch records how long
 * {@link #next()} waited for it. With {@code prefetch = 0} batches are prepared in {@code next()}, and the wait
 * is the whole preparation. A row that does not decode fails the step with its id (the table was validated
 * when it was ingested). Close to stop the background threads.
 */
public final class TrainingBatches implements Iterator<TrainingBatch>, AutoCloseable {

    private final Iterator<TableSample> rows;
    private final int batchSize;
    private final TrainingTransform transform;
    private final long seed;
    private final int epoch;
    private final int prefetch;
    private final ImageDecoder imageDecoder = new ImageDecoder();
    private final MaskDecoder maskDecoder = new MaskDecoder();
    private final ExecutorService background;
    private final Deque<Future<TrainingBatch>> ahead = new ArrayDeque<>();

    /**
     * @param rows the replica's rows in training order; asking for a batch past a trailing part smaller than a
     *     batch fails with {@link NoSuchElementException}
     * @param transform the sizes and flips (its own seed is replaced per sample)
     * @param prefetch batches prepared ahead, side by side on as many background threads (0: none)
     */
    public TrainingBatches(
            Iterator<TableSample> rows,
            int batchSize,
            TrainingTransform transform,
            long seed,
            int epoch,
            int prefetch) {
        if (prefetch < 0) {
            throw new IllegalArgumentException("--prefetch must be >= 0, got " + prefetch);
        }
        this.rows = rows;
        this.batchSize = batchSize;
        this.transform = transform;
        this.seed = seed;
        this.epoch = epoch;
        this.prefetch = prefetch;
        this.background = prefetch == 0
                ? null
                : Executors.newFixedThreadPool(prefetch, runnable -> {
                    Thread thread = new Thread(runnable, "clearbg-prefetch");
                    thread.setDaemon(true);
                    return thread;
                });
        fill();
    }

    @Override
    public boolean hasNext() {
        return prefetch == 0 ? rows.hasNext() : !ahead.isEmpty();
    }

    @Override
    public TrainingBatch next() {
        long start = System.nanoTime();
        if (prefetch == 0) {
            TrainingBatch batch = prepare(take());
            return batch.waited(System.nanoTime() - start);
        }
        Future<TrainingBatch> first = ahead.poll();
        if (first == null) {
            throw new NoSuchElementException("no more batches in the shard");
        }
        TrainingBatch batch;
        try {
            batch = first.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next batch", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
        long waited = System.nanoTime() - start;
        fill();
        return batch.waited(waited);
    }

    /** Takes rows for batches until {@code prefetch} are in preparation or the rows end. */
    private void fill() {
        while (background != null && ahead.size() < prefetch && rows.hasNext()) {
            try {
                List<TableSample> samples = take();
                ahead.add(background.submit(() -> prepare(samples)));
            } catch (NoSuchElementException e) {
                ahead.add(CompletableFuture.failedFuture(
                        e)); // the shard ended inside a batch: next() says so, as without prefetching
            }
        }
    }

    private List<TableSample> take() {
        List<TableSample> samples = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            if (!rows.hasNext()) {
                throw new NoSuchElementException(
                        "the shard ended inside a batch (" + i + " of " + batchSize + " samples)");
            }
            samples.add(rows.next());
        }
        return samples;
    }

    private TrainingBatch prepare(List<TableSample> samples) {
        long start = System.nanoTime();
        int side = transform.cropSize();
        int imagePlane = 3 * side * side;
        int labelPlane = side * side;
        float[] images = new float[batchSize * imagePlane];
        float[] labels = new float[batchSize * labelPlane];
        for (int i = 0; i < samples.size(); i++) {
            TensorSample tensors = transform(samples.get(i));
            System.arraycopy(tensors.image(), 0, images, i * imagePlane, imagePlane);
            System.arraycopy(tensors.label(), 0, labels, i * labelPlane, labelPlane);
        }
        return new TrainingBatch(batchSize, side, images, labels, System.nanoTime() - start, 0);
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

    /** Stops the background thread; batches in preparation are dropped. */
    @Override
    public void close() {
        if (background != null) {
            background.shutdownNow();
        }
    }
}
