package clearbg.jobs.allreduce;

import clearbg.jobs.allreduce.RingChannels.CallHeader;
import clearbg.jobs.allreduce.RingChannels.Combine;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.util.Objects;

/**
 * Ring all-reduce of float arrays over plain TCP: every rank calls {@link #sumInPlace(float[])} (or
 * {@link #averageInPlace(float[])}) with an array of the same length, and every rank ends with the
 * element-wise sum (or mean) of all ranks' arrays.
 *
 * <h2>Setting up</h2>
 *
 * <pre>{@code
 * try (RingEndpoint endpoint = RingAllReduce.listen(RingSettings.of(rank, worldSize), host, jobToken)) {
 *     List<String> addresses = shareWithAllRanks(endpoint.address()); // indexed by rank
 *     try (RingAllReduce ring = endpoint.connect(addresses)) {
 *         ring.averageInPlace(gradients);
 *     }
 * }
 * }</pre>
 *
 * <p>In Spark the sharing is {@code BarrierTaskContext.get().allGather(endpoint.address())}, which returns
 * the messages ordered by partition id, i.e. by rank. Each rank connects to rank {@code rank + 1} and
 * accepts rank {@code rank - 1} (modulo the world size); see {@link RingHandshake} for what is checked.
 *
 * <h2>Algorithm</h2>
 *
 * The array is split into {@code n = worldSize} contiguous segments ({@link RingSegments}). Reduce-scatter,
 * {@code n - 1} steps: at step {@code t} rank {@code r} sends segment {@code (r - t) mod n} to the next rank
 * and adds the segment {@code (r - t - 1) mod n} it receives from the previous rank into its own copy.
 * Afterwards rank {@code r} owns the complete sum of segment {@code (r + 1) mod n}. All-gather,
 * {@code n - 1} steps: at step {@code t} rank {@code r} sends segment {@code (r + 1 - t) mod n} and
 * overwrites segment {@code (r - t) mod n} with what it receives. Each step sends and receives at the same
 * time, in chunks of {@link RingSettings#chunkBytes()}, so each rank sends and receives
 * {@code 2 (n - 1) / n} times the array once each.
 *
 * <h2>Summation order: identical results everywhere</h2>
 *
 * An element of segment {@code k} is summed exactly once, in float arithmetic, in ring order starting at
 * rank {@code k}: {@code ((x[k] + x[k+1]) + x[k+2]) + ... + x[k+n-1]} (rank indices modulo {@code n}),
 * on its owner rank {@code k - 1}; the other ranks receive a copy of those bits. So every rank ends with
 * bit-identical arrays, and the result depends on the world size and the inputs but not on the chunk
 * size. {@link #averageInPlace} multiplies the owner's sums by the float {@code 1f / n} before the
 * all-gather, so the division is also done once per element, identically, and copied.
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
 * a peer that closed or died, a time-out, a call with a different length or operation on the previous
 * rank, an interrupt — throws an {@link IOException} naming this rank and the peer, and closes both
 * connections, so the neighbours fail at once too instead of waiting for their time-out. A failed ring
 * stays closed; build a new one. Calls are not thread-safe (one call at a time); {@link #close()} may be
 * called from any thread, also to abort a call in progress, and is idempotent.
 */
public final class RingAllReduce implements AutoCloseable {

    private static final int SUM = 1;
    private static final int AVERAGE = 2;

    private final RingSettings settings;
    private final RingChannels channels;
    private volatile boolean closed;

    /** For {@link RingEndpoint}: {@code channels} is null for a world of one. */
    RingAllReduce(RingSettings settings, RingChannels channels) {
        this.settings = settings;
        this.channels = channels;
    }

    /**
     * First phase of the set-up: opens this rank's listening socket (an ephemeral port on every interface).
     *
     * @param settings this rank's position and transfer settings
     * @param advertisedHost the host name or IP address other ranks can reach this one at
     * @param jobToken the same string on every rank of this ring and a different one for every other ring
     *     or attempt (for example application id, stage id and stage attempt); at most 1024 UTF-8 bytes
     */
    public static RingEndpoint listen(RingSettings settings, String advertisedHost, String jobToken) throws IOException {
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
        reduce(data, SUM);
    }

    /**
     * Replaces {@code data} with the element-wise mean over all ranks: the sum, multiplied on its owner rank
     * by the float {@code 1f / worldSize}, bit-identical on every rank.
     *
     * @throws IOException on any failure, after which this ring is closed
     */
    public void averageInPlace(float[] data) throws IOException {
        reduce(data, AVERAGE);
    }

    private void reduce(float[] data, int operation) throws IOException {
        Objects.requireNonNull(data, "data");
        if (closed) {
            throw new IOException(where() + "the ring is closed");
        }
        if (channels == null) {
            return; // one rank: the sum and the mean are the data itself
        }
        try {
            checkPreviousCalledTheSame(operation, data.length);
            reduceScatter(data);
            if (operation == AVERAGE) {
                scaleOwnedSegment(data);
            }
            allGather(data);
        } catch (IOException | ClosedSelectorException | CancelledKeyException e) {
            close();
            throw new IOException(where() + "all-reduce of " + data.length + " floats failed: " + message(e), e);
        }
    }

    private void checkPreviousCalledTheSame(int operation, int length) throws IOException {
        CallHeader previous = channels.exchangeHeader(new CallHeader(operation, length));
        if (previous.operation() != operation || previous.length() != length) {
            throw new IOException("rank " + settings.previous() + " called " + describe(previous.operation(), previous.length())
                    + " but this rank called " + describe(operation, length));
        }
    }

    private void reduceScatter(float[] data) throws IOException {
        int n = settings.worldSize();
        RingSegments segments = new RingSegments(data.length, n);
        for (int step = 0; step < n - 1; step++) {
            int send = Math.floorMod(settings.rank() - step, n);
            int receive = Math.floorMod(settings.rank() - step - 1, n);
            channels.transfer(data, segments.offset(send), segments.size(send),
                    segments.offset(receive), segments.size(receive), Combine.ADD);
        }
    }

    private void scaleOwnedSegment(float[] data) {
        int n = settings.worldSize();
        RingSegments segments = new RingSegments(data.length, n);
        int owned = settings.next();
        float scale = 1f / n;
        for (int i = segments.offset(owned), end = i + segments.size(owned); i < end; i++) {
            data[i] *= scale;
        }
    }

    private void allGather(float[] data) throws IOException {
        int n = settings.worldSize();
        RingSegments segments = new RingSegments(data.length, n);
        for (int step = 0; step < n - 1; step++) {
            int send = Math.floorMod(settings.rank() + 1 - step, n);
            int receive = Math.floorMod(settings.rank() - step, n);
            channels.transfer(data, segments.offset(send), segments.size(send),
                    segments.offset(receive), segments.size(receive), Combine.COPY);
        }
    }

    private static String describe(int operation, long length) {
        String name = switch (operation) {
            case SUM -> "sumInPlace";
            case AVERAGE -> "averageInPlace";
            default -> "operation " + operation;
        };
        return name + " with " + length + " floats";
    }

    private static String message(Exception e) {
        if (e instanceof ClosedSelectorException || e instanceof CancelledKeyException) {
            return "the ring was closed during a transfer";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private String where() {
        return "rank " + settings.rank() + " of " + settings.worldSize() + ": ";
    }

    /** Closes both connections (the neighbours' next calls fail at once); idempotent, any thread. */
    @Override
    public void close() {
        closed = true;
        if (channels != null) {
            channels.close();
        }
    }
}
