package clearbg.cli.serve;

import clearbg.model.image.FloatImage;
import clearbg.model.predict.MaskImage;
import clearbg.model.predict.Predictor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Gathers concurrent requests into forward passes. Images wait in a bounded queue; each of {@code workers}
 * threads takes the oldest image, then whatever else arrives within {@code maxWait} up to {@code batchSize}
 * images, and predicts them in one call. A full queue refuses at once ({@link QueueFullException}), so a
 * burst is answered with "try later" instead of growing memory.
 */
final class MicroBatcher implements AutoCloseable {

    /** The queue had no room for another image. */
    static final class QueueFullException extends Exception {
        QueueFullException(int capacity) {
            super("the queue is full (" + capacity + " images waiting)");
        }
    }

    private record Job(FloatImage image, CompletableFuture<MaskImage> mask) {}

    private final Predictor predictor;
    private final BlockingQueue<Job> queue;
    private final int capacity;
    private final int batchSize;
    private final long maxWaitNanos;
    private final List<Thread> workers = new ArrayList<>();
    private final LongAdder batches = new LongAdder();
    private final LongAdder batchedImages = new LongAdder();
    private volatile boolean closed;

    MicroBatcher(Predictor predictor, ServeSettings settings) {
        this.predictor = predictor;
        this.capacity = settings.queueCapacity();
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSize = settings.batchSize();
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(settings.batchWaitMillis());
        for (int i = 0; i < settings.workers(); i++) {
            Thread worker = new Thread(this::work, "clearbg-serve-forward-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    /**
     * Queues {@code image}; the future completes with its mask at the image's size.
     *
     * @throws QueueFullException when the queue holds {@code capacity} images already
     */
    CompletableFuture<MaskImage> submit(FloatImage image) throws QueueFullException {
        if (closed) {
            throw new IllegalStateException("the server is stopping");
        }
        Job job = new Job(image, new CompletableFuture<>());
        if (!queue.offer(job)) {
            throw new QueueFullException(capacity);
        }
        return job.mask();
    }

    /** Images waiting for a forward pass now. */
    int queued() {
        return queue.size();
    }

    /** Forward passes run so far. */
    long batches() {
        return batches.sum();
    }

    /** Images predicted so far (over all passes). */
    long batchedImages() {
        return batchedImages.sum();
    }

    private void work() {
        List<Job> jobs = new ArrayList<>(batchSize);
        while (!closed) {
            try {
                jobs.add(queue.take());
                long deadline = System.nanoTime() + maxWaitNanos;
                while (jobs.size() < batchSize) {
                    Job next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    jobs.add(next);
                }
                predict(jobs);
            } catch (InterruptedException e) {
                jobs.forEach(job -> job.mask().completeExceptionally(e));
                return;
            } finally {
                jobs.clear();
            }
        }
    }

    private void predict(List<Job> jobs) {
        try {
            List<MaskImage> masks =
                    predictor.predict(jobs.stream().map(Job::image).toList());
            batches.increment();
            batchedImages.add(jobs.size());
            for (int i = 0; i < jobs.size(); i++) {
                jobs.get(i).mask().complete(masks.get(i));
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            jobs.forEach(job -> job.mask().completeExceptionally(e));
        }
    }

    /** Stops the workers; images still queued fail. */
    @Override
    public void close() {
        closed = true;
        workers.forEach(Thread::interrupt);
        for (Thread worker : workers) {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Job left;
        while ((left = queue.poll()) != null) {
            left.mask().completeExceptionally(new IllegalStateException("the server stopped"));
        }
    }
}
