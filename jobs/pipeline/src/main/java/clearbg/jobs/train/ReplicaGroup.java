package clearbg.jobs.train;

import clearbg.model.train.GradientExchange;
import java.io.IOException;
import java.util.List;

/**
 * The data-parallel replicas of one training stage, as seen by one of them. Every method is collective:
 * all replicas call it in the same order, and it returns when all have.
 */
public interface ReplicaGroup {

    /** This replica's rank, 0 to {@link #size()} - 1. */
    int rank();

    /** The number of replicas. */
    int size();

    /** Every replica's {@code message}, by rank (a barrier as well). */
    List<String> allGather(String message) throws IOException;

    /**
     * Replaces {@code values} by the element-wise mean over the replicas; every replica ends with the
     * bit-identical result.
     */
    void averageInPlace(float[] values) throws IOException;

    /**
     * As {@link #averageInPlace(float[])}, telling {@code ready} about each range of {@code values} as soon as it
     * holds its final mean (on the calling thread; it must return quickly and not write to {@code values}).
     */
    void averageInPlace(float[] values, GradientExchange.ReadyRanges ready) throws IOException;

    /**
     * Replaces {@code values} by the element-wise sum over the replicas, bit-identical on every replica (small
     * arrays: SyncBatchNorm's per-channel statistics).
     */
    void sumInPlace(float[] values) throws IOException;

    /**
     * Replaces {@code values[from, to)} by its element-wise mean over the replicas, each element bit for bit as
     * {@link #averageInPlace(float[])} on the whole array would leave it (a bucket of gradients exchanged during
     * backward); the rest of {@code values} is left alone.
     */
    void averageInPlace(float[] values, int from, int to) throws IOException;
}
