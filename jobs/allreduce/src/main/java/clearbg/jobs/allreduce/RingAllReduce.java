package clearbg.jobs.allreduce;

import clearbg.jobs.allreduce.RingReceiver.CallHeader;
import clearbg.jobs.allreduce.RingReceiver.Combine;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ring all-reduce of float arrays over plain TCP: every rank calls {@link #sumInPlace(float[])} (or
 * {@link #averageInPlace(float[])}) with an array of the same length, and every rank ends with the
 * element-wise sum (or mean) of all ranks' arrays.
 *
 * <h2>Setting up</h2>
 *
 * <pre>{@code
 * try (RingEndpoint endpoint = RingAllReduce.listen(RingSettings.of(rank, worldSize), host, jobToken)) {
 *     List<String> introductions = shareWithAllRanks(endpoint.introduction()); // indexed by rank
 *     try (RingAllReduce ring = endpoint.connect(introductions)) {
 *         ring.averageInPlace(gradients);
 *     }
 * }
 * }</pre>
 *
 * <p>In Spark the sharing is {@code BarrierTaskContext.get().allGather(endpoint.introduction())}, which
 * returns the messages ordered by partition id, i.e. by rank. An introduction is the rank's listening
 * address and a random share of the ring's secret key ({@code RingKey}): the key never crosses the ring's
 * sockets, so share the introductions only through a channel the ranks trust. Each rank listens on its own
 * address (never the wildcard address), connects to rank {@code rank + 1} and accepts rank
 * {@code rank - 1} (modulo the world size); the handshake on each connection ({@code RingHandshake}) checks
 * the peer's rank, the world size and the job token and authenticates both sides by challenge and
 * response over the key. A connection to this rank that fails the handshake (a port scan, a stranger, a
 * leftover from another attempt) is dropped and the rank keeps waiting for its real neighbour. The data
 * itself is authenticated by nothing but the connection it comes on, and is not encrypted.
 *
 * <h2>Algorithm</h2>
 *
 * The array is split into {@code n = worldSize} contiguous segments, the first
 * {@code length % n} of them one element longer. Reduce-scatter,
 * {@code n - 1} steps: at step {@code t} rank {@code r} sends segment {@code (r - t) mod n} to the next rank
 * and adds the segment {@code (r - t - 1) mod n} it receives from the previous rank into its own copy.
 * Afterwards rank {@code r} owns the complete sum of segment {@code (r + 1) mod n}. All-gather,
 * {@code n - 1} steps: at step {@code t} rank {@code r} sends segment {@code (r + 1 - t) mod n} and
 * overwrites segment {@code (r - t) mod n} with what it receives. Each rank sends and
 * receives {@code 2 (n - 1) / n} times the array.
 *
 * <p>Data moves in chunks of {@link RingSettings#chunkBytes()}. Each rank sends on its own thread and
 * receives (and adds) on the calling thread, both at once, so large transfers cannot deadlock on full socket
 * buffers. The sender forwards a chunk of the next step as soon as the receiver has finished it, so the
 * steps overlap instead of waiting for each other.
 *
 * <h2>Summation order: identical results everywhere</h2>
 *
 * An element of segment {@code k} is summed exactly once, in float arithmetic, in ring order starting at
 * rank {@code k}: {@code ((x[k] + x[k+1]) + x[k+2]) + ... + x[k+n-1]} (rank indices modulo {@code n}),
 * on its owner rank {@code k - 1}; the other ranks receive a copy of those bits. So every rank ends with
 * bit-identical arrays, and the result depends on the world size and the inputs but not on the chunk
 * size. {@link #averageInPlace} multiplies the owner's sums by the float {@code 1f / n} before the
 * all-gather, so the division is also done once per element, identically, and copied. With
 * {@link WirePrecision#BF16} on the wire each partial sum is rounded to bfloat16 when it is sent and the
 * owner rounds its completed sum (or mean) the same way, so the results are again bit-identical on every
 * rank, each a bfloat16 value held in a float.
 *
 * <h2>Bandwidth</h2>
 *
 * For an array of {@code S} bytes taking {@code t} seconds: algorithm bandwidth {@code algbw = S / t}; bus
 * bandwidth {@code busbw = algbw * 2 (n - 1) / n}, the rate each rank's link actually carries, comparable
 * with the raw link bandwidth whatever {@code n} is.
 *
 * <h2>Failures</h2>
 *
 * Every wait is bounded by {@link RingSettings#timeout()} (no progress for that long fails). Any failure —
 * a peer that closed or died, a time-out, a call with a different length, window or operation on the previous
 * rank, an interrupt of the calling thread (as when Spark kills a task; the interrupt flag stays set) —
 * throws an {@link IOException} naming this rank and the peer, with the first failure as its cause, and
 * closes both connections, so the neighbours fail at once too instead of waiting for their time-out. A
 * failed ring stays closed; build a new one. Calls are not thread-safe (one call at a time); {@link #close()} may be
 * called from any thread, also to abort a call in progress, and is idempotent. The array must not be
 * touched by other threads during a call; when a call returns or throws, the ring no longer touches it.
 */
public final class RingAllReduce implements AutoCloseable {

    private static final int SUM = 1;
    private static final int AVERAGE = 2;

    private final RingSettings settings;
    private final RingSender sender;
    private final RingReceiver receiver;
    private final ExecutorService sendingThread;
    private final ReceiveProgress progress;
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private volatile boolean closed;

    /** A ring of one rank: no connections, nothing to do. */
    RingAllReduce(RingSettings settings) {
        this.settings = settings;
        this.sender = null;
        this.receiver = null;
        this.sendingThread = null;
        this.progress = null;
    }

    /** A connected rank; takes ownership of both halves. */
    RingAllReduce(RingSettings settings, RingSender sender, RingReceiver receiver) {
        this.settings = settings;
        this.sender = sender;
        this.receiver = receiver;
        this.progress = new ReceiveProgress(settings.timeout().toNanos());
        this.sendingThread = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "ring-allreduce-sender-rank-" + settings.rank());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * First phase of the set-up: opens this rank's listening socket, an ephemeral port on the advertised
     * host's address only, and draws this rank's share of the ring's key.
     *
     * @param settings this rank's position and transfer settings
     * @param advertisedHost the host name or IP address other ranks can reach this one at; it is resolved
     *     and the socket bound to that address (the wildcard address is refused)
     * @param jobToken the same string on every rank of this ring and a different one for every other ring
     *     or attempt (for example application id, stage id and stage attempt); at most 1024 UTF-8 bytes.
     *     It is not a secret: the key is.
     * @throws IOException when the host cannot be resolved or this machine cannot listen on its address
     */
    public static RingEndpoint listen(RingSettings settings, String advertisedHost, String jobToken)
            throws IOException {
        return RingEndpoint.open(settings, advertisedHost, jobToken);
    }

    /** This rank's settings. */
    public RingSettings settings() {
        return settings;
    }

    /**
     * Replaces {@code data} with the element-wise sum over all ranks, bit-identical on every rank (see the
     * class comment for the summation order).
     *
     * @throws IOException on any failure, after which this ring is closed
     */
    public void sumInPlace(float[] data) throws IOException {
        reduce(Objects.requireNonNull(data, "data"), 0, data.length, SUM, FinalRanges.NONE);
    }

    /**
     * Replaces {@code data} with the element-wise mean over all ranks: the sum, multiplied on its owner rank
     * by the float {@code 1f / worldSize}, bit-identical on every rank.
     *
     * @throws IOException on any failure, after which this ring is closed
     */
    public void averageInPlace(float[] data) throws IOException {
        reduce(Objects.requireNonNull(data, "data"), 0, data.length, AVERAGE, FinalRanges.NONE);
    }

    /**
     * As {@link #averageInPlace(float[])}, telling {@code finished} about each chunk of {@code data} as soon as it
     * holds its final mean on this rank (this rank's own segment at the end of the reduce-scatter, the others as
     * the all-gather brings them), so that the caller can start using them while the rest is in flight.
     *
     * @throws IOException on any failure, after which this ring is closed
     */
    public void averageInPlace(float[] data, FinalRanges finished) throws IOException {
        reduce(
                Objects.requireNonNull(data, "data"),
                0,
                data.length,
                AVERAGE,
                Objects.requireNonNull(finished, "finished"));
    }

    /**
     * As {@link #averageInPlace(float[], FinalRanges)} for the elements {@code [from, to)} of {@code data} only
     * (every rank calls it with the same array length and window): each of them ends bit for bit as a call on the
     * whole array would leave it, because the window keeps the whole array's segments (clipped to the window) and
     * with them each element's summation order. So a sequence of calls on windows that cover the array, as buckets
     * of gradients that become ready one after another, gives exactly the whole call's result, for every world
     * size and wire precision. The other elements are left alone.
     *
     * @throws IllegalArgumentException when the window is not within the array
     * @throws IOException on any failure, after which this ring is closed
     */
    public void averageInPlace(float[] data, int from, int to, FinalRanges finished) throws IOException {
        reduce(Objects.requireNonNull(data, "data"), from, to, AVERAGE, Objects.requireNonNull(finished, "finished"));
    }

    private void reduce(float[] data, int from, int to, int operation, FinalRanges finished) throws IOException {
        RingSegments segments = new RingSegments(data.length, settings.worldSize(), from, to);
        if (closed) {
            throw new IOException(where() + "the ring is closed");
        }
        if (sender == null) {
            finished.ready(from, to - from); // one rank: the sum and the mean are the data itself
            return;
        }
        RingSchedule schedule = new RingSchedule(settings.rank(), settings.worldSize(), segments);
        CallHeader header = new CallHeader(operation, settings.wire(), data.length, from, to);
        progress.reset();
        Future<?> sending;
        try {
            sending = sendingThread.submit(() -> sendAll(data, header, schedule));
        } catch (RejectedExecutionException e) {
            throw new IOException(where() + "the ring is closed", e);
        }
        try {
            receiveAll(data, header, schedule, finished);
            awaitSender(sending);
        } catch (IOException | RuntimeException e) {
            failCall(e);
            awaitEndQuietly(sending);
            Exception cause = firstFailure.get();
            throw new IOException(
                    where() + "all-reduce of " + window(data.length, from, to) + " failed: " + Failures.describe(cause),
                    cause);
        }
    }

    private Void sendAll(float[] data, CallHeader header, RingSchedule schedule) throws IOException {
        try {
            sender.sendHeader(header);
            RingSegments segments = schedule.segments();
            for (int step = 0; step < schedule.steps(); step++) {
                int segment = schedule.sendSegment(step);
                long readyFrom = step == 0 ? -1 : schedule.receivedBefore(step - 1);
                sender.send(data, segments.offset(segment), segments.size(segment), readyFrom, progress);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            failCall(e);
            throw e;
        }
    }

    private void receiveAll(float[] data, CallHeader mine, RingSchedule schedule, FinalRanges finished)
            throws IOException {
        CallHeader previous = receiver.receiveHeader();
        if (!previous.equals(mine)) {
            throw new IOException("rank " + settings.previous() + " called " + describe(previous)
                    + " but this rank called " + describe(mine));
        }
        RingSegments segments = schedule.segments();
        float scale = 1f / settings.worldSize();
        for (int step = 0; step < schedule.steps(); step++) {
            Combine combine = !schedule.reduces(step)
                    ? Combine.COPY
                    : mine.operation() == AVERAGE && schedule.completesSum(step) ? Combine.ADD_THEN_SCALE : Combine.ADD;
            int segment = schedule.receiveSegment(step);
            receiver.receive(
                    data,
                    segments.offset(segment),
                    segments.size(segment),
                    combine,
                    scale,
                    schedule.completesSum(step),
                    progress,
                    schedule.completesSum(step) || !schedule.reduces(step) ? finished : FinalRanges.NONE);
        }
    }

    private static void awaitSender(Future<?> sending) throws IOException {
        try {
            sending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the last chunks were sent");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Records the call's first failure and closes everything, which ends the other thread's work at once. */
    private void failCall(Exception e) {
        firstFailure.compareAndSet(null, e);
        close();
    }

    /** Waits for the sending thread to leave the array alone (it fails fast once the ring is closed). */
    private static void awaitEndQuietly(Future<?> sending) {
        boolean interrupted = false;
        while (true) {
            try {
                sending.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | CancellationException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(CallHeader header) {
        String name = switch (header.operation()) {
            case SUM -> "sumInPlace";
            case AVERAGE -> "averageInPlace";
            default -> "operation " + header.operation();
        };
        return name + " with " + window(header.length(), header.from(), header.to()) + " as " + header.wire();
    }

    private static String window(long length, long from, long to) {
        return from == 0 && to == length ? length + " floats" : "[" + from + ", " + to + ") of " + length + " floats";
    }

    private String where() {
        return "rank " + settings.rank() + " of " + settings.worldSize() + ": ";
    }

    /**
     * Closes both connections (the neighbours' calls fail at once) and stops the sending thread;
     * idempotent, callable from any thread, also to abort a call in progress.
     */
    @Override
    public void close() {
        closed = true;
        if (sender != null) {
            sender.close();
            receiver.close();
            progress.abort();
            // a send submitted but not yet started is dropped by shutdownNow without completing its future;
            // cancel it, or the caller waiting for the sender (awaitEndQuietly) would wait forever
            for (Runnable neverStarted : sendingThread.shutdownNow()) {
                ((Future<?>) neverStarted).cancel(false);
            }
        }
    }
}
