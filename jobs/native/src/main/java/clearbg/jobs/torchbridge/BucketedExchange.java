package clearbg.jobs.torchbridge;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import clearbg.model.optim.FlatGradients;
import clearbg.model.train.BackwardExchange;
import clearbg.model.train.GradientExchange;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Averages the gradients over the replicas while backward still runs, as DDP's reducer does: the parameters are
 * grouped into buckets ({@link GradientBuckets}: in reverse parameter order, at most {@code bucketBytes} each), and
 * as soon as backward has accumulated the last gradient of a bucket, the bucket's gradients are moved into their
 * window of the flat array (and zeroed, as {@link FlatGradients#readAndZero} does) and the window's exchange starts
 * on this object's exchange thread. Windows are exchanged strictly in bucket order, so every replica issues the same
 * calls in the same order whatever order its backward finished them in.
 *
 * <p>With an exchange whose window calls leave each element as a call on the whole array would (the ring's {@code
 * averageInPlace(data, from, to, ...)}), the result equals, bit for bit, reading all gradients after backward and
 * averaging the whole flat array. After each window's exchange the trainer is told that the window holds its mean,
 * so that its optimiser applies Adam to those weights while backward and the later windows go on.
 *
 * <p>Per step: {@link #begin(float[], GradientExchange.ReadyRanges)}, the backward pass, {@link #finish()}. Not
 * thread-safe beyond that: the notifications come from the backward pass, everything else from one thread. The
 * trainer does that in each step, given {@code parameters -> new BucketedExchange(bridge, parameters, bytes, w)}.
 */
public final class BucketedExchange implements BackwardExchange {

    /** DDP's default bucket size: 25 MiB of gradients. */
    public static final long DEFAULT_BUCKET_BYTES = 25L * 1024 * 1024;

    /** Averages one window of the flat gradient array over the replicas, in place. */
    @FunctionalInterface
    public interface WindowAverage {

        /**
         * Replaces {@code flat[from, to)} by its mean over the replicas, leaving the rest alone.
         *
         * @throws IOException when the exchange fails
         */
        void average(float[] flat, int from, int to) throws IOException;
    }

    private final List<Parameter> parameters;
    private final GradientBuckets buckets;
    private final WindowAverage exchange;
    private final GradientReadyHooks hooks;
    private final ExecutorService exchangeThread = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "clearbg-bucket-exchange");
        thread.setDaemon(true);
        return thread;
    });
    private final int[] pending;
    private final boolean[] ready;
    private final List<Future<?>> launched = new ArrayList<>();
    private float[] flat;
    private GradientExchange.ReadyRanges averaged;
    private int nextLaunch;

    /**
     * @param bridge the loaded native bridge, for the gradient-ready hooks
     * @param parameters the trainable parameters in flat-array order, their arrays requiring gradients
     * @param bucketBytes the most gradient bytes per bucket ({@link #DEFAULT_BUCKET_BYTES})
     * @param exchange averages a window of the flat array over the replicas
     */
    public BucketedExchange(TorchBridge bridge, List<Parameter> parameters, long bucketBytes, WindowAverage exchange) {
        this.parameters = List.copyOf(parameters);
        this.buckets = new GradientBuckets(
                this.parameters.stream().mapToLong(p -> p.getArray().size()).toArray(), bucketBytes);
        this.exchange = exchange;
        this.pending = new int[buckets.count()];
        this.ready = new boolean[buckets.count()];
        List<NDArray> arrays = this.parameters.stream().map(Parameter::getArray).toList();
        this.hooks = bridge.gradientReadyHooks(arrays, this::onGradientReady);
    }

    /** The number of buckets. */
    public int bucketCount() {
        return buckets.count();
    }

    /**
     * Prepares for one backward pass whose gradients go into {@code flat} (all gradients in parameter order, as
     * {@link FlatGradients#read} lays them out); each window is reported to {@code averaged} after its exchange, on
     * the exchange thread.
     */
    @Override
    public synchronized void begin(float[] flat, GradientExchange.ReadyRanges averaged) {
        if (this.flat != null) {
            throw new IllegalStateException("begin() twice without finish()");
        }
        for (int b = 0; b < buckets.count(); b++) {
            pending[b] = buckets.endParameter(b) - buckets.firstParameter(b);
            ready[b] = false;
        }
        nextLaunch = 0;
        launched.clear();
        this.flat = flat;
        this.averaged = averaged;
    }

    /**
     * After the backward pass: moves and exchanges the buckets that backward did not reach (parameters it left
     * without a gradient of this pass), then waits for every bucket's exchange; {@code flat} then holds the mean.
     *
     * @throws IOException the first exchange failure (after every started exchange has ended)
     */
    @Override
    public void finish() throws IOException {
        List<Future<?>> all;
        synchronized (this) {
            if (flat == null) {
                throw new IllegalStateException("finish() without begin()");
            }
            for (int b = nextLaunch; b < buckets.count(); b++) {
                if (!ready[b]) {
                    markReady(b);
                }
            }
            all = List.copyOf(launched);
            flat = null;
            averaged = null;
        }
        awaitAll(all);
        hooks.rethrowFailure();
    }

    /** An exchange that must be ordered with the buckets' on every replica: SyncBatchNorm's statistics. */
    @FunctionalInterface
    public interface OrderedCall {

        void run() throws IOException;
    }

    /**
     * Runs {@code call} on the exchange thread after every bucket exchange started before it, and waits for it:
     * another collective on the same channel (SyncBatchNorm's sums during backward) that must not interleave with
     * the buckets' and must come in the same place of the sequence on every replica. Called from the backward
     * pass's thread, whose order of bucket launches and calls is the same on every replica.
     *
     * @throws IOException what the call threw
     */
    public void runInOrder(OrderedCall call) throws IOException {
        Future<?> done = exchangeThread.submit(() -> {
            call.run();
            return null;
        });
        awaitAll(List.of(done));
    }

    /** How many buckets' exchanges this step has started so far. */
    synchronized int launched() {
        return launched.size();
    }

    /** Removes the hooks and stops the exchange thread. */
    @Override
    public void close() {
        hooks.close();
        exchangeThread.shutdownNow();
    }

    /** From the backward pass: parameter {@code i}'s gradient is final. Ignored outside begin/finish. */
    private synchronized void onGradientReady(int parameter) {
        int bucket = buckets.bucketOf(parameter);
        if (flat != null && !ready[bucket] && --pending[bucket] == 0) {
            markReady(bucket);
        }
    }

    /** Moves the bucket's gradients into the flat array, then starts every bucket that is next in order. */
    private void markReady(int bucket) {
        FlatGradients.readAndZero(
                parameters.subList(buckets.firstParameter(bucket), buckets.endParameter(bucket)),
                flat,
                buckets.from(bucket));
        ready[bucket] = true;
        while (nextLaunch < buckets.count() && ready[nextLaunch]) {
            int from = buckets.from(nextLaunch);
            int to = buckets.to(nextLaunch);
            float[] target = flat;
            GradientExchange.ReadyRanges listener = averaged;
            launched.add(exchangeThread.submit(() -> {
                exchange.average(target, from, to);
                listener.ready(from, to - from);
                return null;
            }));
            nextLaunch++;
        }
    }

    private static void awaitAll(List<Future<?>> exchanges) throws IOException {
        IOException first = null;
        for (Future<?> window : exchanges) {
            try {
                window.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the buckets were exchanged");
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
