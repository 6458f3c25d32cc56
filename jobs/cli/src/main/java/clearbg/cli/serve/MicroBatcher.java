package clearbg.cli.serve;

import clearbg.model.image.FloatImage;
import clearbg.model.predict.MaskImage;
import clearbg.model.predict.Predictor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The server's worker pool: {@code workers} threads take jobs from one queue, in order. A job is either an
 * image for a forward pass of one of the served networks (a worker takes the oldest image, then whatever
 * images for the same network arrive within {@code maxWait} up to {@code batchSize}, and predicts them in one
 * call) or a task of its own (alpha
 * matting), which runs alone on the worker that takes it.
 *
 * <p>Admission comes first: a request takes a {@link Ticket} before it decodes anything, and at most
 * {@code workers + queueCapacity} tickets are out at once (requests being worked on plus requests waiting);
 * one more is refused at once ({@link QueueFullException}), so a burst is answered with "try later" instead
 * of decoding images or growing memory. A request holds at most one job in the queue at a time, so the queue
 * never holds more jobs than tickets are out.
 */
final class MicroBatcher implements AutoCloseable {

    /** No room for another request. */
    static final class QueueFullException extends Exception {
        private static final long serialVersionUID = 1L;

        QueueFullException(int requests) {
            super("the queue is full (" + requests + " requests in progress or waiting)");
        }
    }

    /** One admitted request's place; closing it gives the place back. Idempotent. */
    final class Ticket implements AutoCloseable {
        private boolean open = true;

        @Override
        public void close() {
            if (open) {
                open = false;
                tickets.release();
            }
        }
    }

    /**
     * A task queued by {@link #run}: its result, and whether it has ended (run to the end, failed, or been
     * skipped because it was abandoned before a worker took it).
     */
    static final class Running<T> {
        private final Supplier<T> body;
        private final CompletableFuture<T> result = new CompletableFuture<>();
        private final CountDownLatch ended = new CountDownLatch(1);

        private Running(Supplier<T> body) {
            this.body = body;
        }

        /** Completes with the task's result or its exception. */
        CompletableFuture<T> result() {
            return result;
        }

        /**
         * Abandons the task with {@code why}: a task no worker has taken yet will be skipped; a running one
         * must end by itself (through the stop signal its caller gave it), and this waits up to
         * {@code graceMillis} for that.
         *
         * @return whether the task has ended
         */
        boolean abandon(RuntimeException why, long graceMillis) throws InterruptedException {
            result.completeExceptionally(why);
            return ended.await(graceMillis, TimeUnit.MILLISECONDS);
        }

        private void runHere() {
            try {
                if (!result.isDone()) {
                    result.complete(body.get());
                }
            } catch (RuntimeException | OutOfMemoryError e) {
                result.completeExceptionally(e);
            } finally {
                ended.countDown();
            }
        }
    }

    private interface Job {}

    private record Forward(String model, FloatImage image, CompletableFuture<MaskImage> mask) implements Job {}

    private record Task(Running<?> running) implements Job {}

    private final Map<String, Predictor> predictors;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Semaphore tickets;
    private final int admitted;
    private final int batchSize;
    private final long maxWaitNanos;
    private final List<Thread> workers = new ArrayList<>();
    private final LongAdder batches = new LongAdder();
    private final LongAdder batchedImages = new LongAdder();
    private final AtomicInteger tasksRunning = new AtomicInteger();
    private volatile boolean closed;

    /** @param predictors the served networks' predictors by name */
    MicroBatcher(Map<String, Predictor> predictors, ServeSettings settings) {
        this.predictors = Map.copyOf(predictors);
        this.admitted = settings.workers() + settings.queueCapacity();
        this.tickets = new Semaphore(admitted);
        this.batchSize = settings.batchSize();
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(settings.batchWaitMillis());
        for (int i = 0; i < settings.workers(); i++) {
            Thread worker = new Thread(this::work, "clearbg-serve-worker-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    /**
     * Admits one request, before it reads or decodes its image.
     *
     * @throws QueueFullException when {@code workers + queue} requests are in progress or waiting already
     */
    Ticket admit() throws QueueFullException {
        if (closed) {
            throw new IllegalStateException("the server is stopping");
        }
        if (!tickets.tryAcquire()) {
            throw new QueueFullException(admitted);
        }
        return new Ticket();
    }

    /**
     * Queues {@code image} for a forward pass of the network named {@code model}; the future completes with its
     * mask at the image's size.
     */
    CompletableFuture<MaskImage> predict(Ticket ticket, String model, FloatImage image) {
        if (!predictors.containsKey(model)) {
            throw new IllegalArgumentException("no model named " + model);
        }
        Forward job = new Forward(model, image, new CompletableFuture<>());
        enqueue(ticket, job);
        return job.mask();
    }

    /** Queues {@code task} to run alone on a worker. */
    <T> Running<T> run(Ticket ticket, Supplier<T> task) {
        Running<T> running = new Running<>(task);
        enqueue(ticket, new Task(running));
        return running;
    }

    private void enqueue(Ticket ticket, Job job) {
        if (closed || !ticket.open) {
            throw new IllegalStateException(closed ? "the server is stopping" : "the request's ticket is closed");
        }
        queue.add(job);
    }

    /** Jobs (images and tasks) waiting for a worker now. */
    int queued() {
        return queue.size();
    }

    /** Tasks running on workers now. */
    int tasksRunning() {
        return tasksRunning.get();
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
        List<Forward> pass = new ArrayList<>(batchSize);
        Job next = null;
        while (!closed) {
            try {
                Job job = next != null ? next : queue.take();
                next = null;
                if (job instanceof Task task) {
                    tasksRunning.incrementAndGet();
                    try {
                        task.running().runHere();
                    } finally {
                        tasksRunning.decrementAndGet();
                    }
                    continue;
                }
                Forward first = (Forward) job;
                pass.add(first);
                long deadline = System.nanoTime() + maxWaitNanos;
                while (pass.size() < batchSize) {
                    Job more = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (more instanceof Forward forward && forward.model().equals(first.model())) {
                        pass.add(forward);
                    } else {
                        next = more; // a task or another model's image (after this pass), or nothing more
                        break;
                    }
                }
                predict(pass);
            } catch (InterruptedException e) {
                pass.forEach(job -> job.mask().completeExceptionally(e));
                return;
            } finally {
                pass.clear();
            }
        }
    }

    private void predict(List<Forward> pass) {
        try {
            List<MaskImage> masks = predictors
                    .get(pass.get(0).model())
                    .predict(pass.stream().map(Forward::image).toList());
            batches.increment();
            batchedImages.add(pass.size());
            for (int i = 0; i < pass.size(); i++) {
                pass.get(i).mask().complete(masks.get(i));
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            pass.forEach(job -> job.mask().completeExceptionally(e));
        }
    }

    /** Stops the workers; jobs still queued fail. */
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
        IllegalStateException stopped = new IllegalStateException("the server stopped");
        while ((left = queue.poll()) != null) {
            if (left instanceof Forward forward) {
                forward.mask().completeExceptionally(stopped);
            } else if (left instanceof Task task) {
                task.running().result().completeExceptionally(stopped);
            }
        }
    }
}
