package clearbg.jobs.train;

import java.io.Serializable;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Which samples each replica trains on, in which order, during one epoch. The ids (sorted, so that the
 * plan does not depend on how the table is stored) are shuffled with the epoch's seed; of the permuted
 * list, element {@code i} goes to rank {@code i mod N} at position {@code i div N}. Step {@code s} of rank
 * {@code r} trains on positions {@code [s b, (s + 1) b)}, so the global batch of step {@code s} is
 * permuted elements {@code [s N b, (s + 1) N b)} whatever N is: 2 workers with batch b see the same global
 * batches as 1 worker with batch 2b. The last {@code M mod (N b)} elements of the permutation are left out
 * of the epoch (PyTorch's {@code drop_last}), so all replicas take the same number of steps.
 */
public final class EpochPlan implements Serializable {

    private final int stepsPerEpoch;
    private final Map<String, Long> keys;

    private EpochPlan(int stepsPerEpoch, Map<String, Long> keys) {
        this.stepsPerEpoch = stepsPerEpoch;
        this.keys = keys;
    }

    /**
     * The plan of epoch {@code epoch}.
     *
     * @param sortedIds every training sample's id, sorted
     * @throws IllegalArgumentException when there are fewer samples than one global batch
     */
    public static EpochPlan of(List<String> sortedIds, long seed, int epoch, int workers, int batch) {
        int globalBatch = workers * batch;
        int steps = sortedIds.size() / globalBatch;
        if (steps == 0) {
            throw new IllegalArgumentException("the training split has " + sortedIds.size()
                    + " samples, fewer than one global batch (" + workers + " workers x batch " + batch + ")");
        }
        int[] order = permutation(sortedIds.size(), SampleSeeds.epochOrder(seed, epoch));
        Map<String, Long> keys = new HashMap<>();
        for (int i = 0; i < steps * globalBatch; i++) {
            keys.put(sortedIds.get(order[i]), key(i % workers, i / workers));
        }
        return new EpochPlan(steps, keys);
    }

    /** Optimiser steps in the epoch. */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** The sort key of {@code id} ({@code rank << 32 | position}), or null when the epoch leaves it out. */
    public Long key(String id) {
        return keys.get(id);
    }

    /** The ids of {@code rank}'s shard in training order, out of {@code ids} (those the plan was made of). */
    public List<String> shard(List<String> ids, int rank) {
        return ids.stream()
                .filter(id -> keys.containsKey(id) && rank(keys.get(id)) == rank)
                .sorted(Comparator.comparingInt(id -> position(keys.get(id))))
                .toList();
    }

    /** The replica a key belongs to. */
    public static int rank(long key) {
        return (int) (key >>> 32);
    }

    /** The position of a key within its replica's shard. */
    public static int position(long key) {
        return (int) key;
    }

    static long key(int rank, int position) {
        return ((long) rank << 32) | position;
    }

    /** A Fisher-Yates shuffle of {@code 0..size-1} drawn from {@code seed}. */
    private static int[] permutation(int size, long seed) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
