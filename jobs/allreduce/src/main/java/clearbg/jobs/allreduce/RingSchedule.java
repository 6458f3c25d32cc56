package clearbg.jobs.allreduce;

/**
 * The steps of one all-reduce call on one rank: {@code n - 1} reduce-scatter steps, then {@code n - 1}
 * all-gather steps ({@code n} = world size, {@code r} = rank, segments as in {@link RingSegments}).
 *
 * <ul>
 *   <li>reduce-scatter step {@code t}: send segment {@code (r - t) mod n}, receive segment
 *       {@code (r - t - 1) mod n} and add it in; after the last one rank {@code r} holds the complete sum of
 *       segment {@code (r + 1) mod n};
 *   <li>all-gather step {@code t}: send segment {@code (r + 1 - t) mod n}, receive segment
 *       {@code (r - t) mod n} and copy it in.
 * </ul>
 *
 * Every step after the first sends the segment the step before received, which lets the sender forward a
 * chunk as soon as the receiver has finished it.
 */
final class RingSchedule {

    private final int rank;
    private final int worldSize;
    private final RingSegments segments;
    private final long[] receivedBefore;

    RingSchedule(int rank, int worldSize, int length) {
        this(rank, worldSize, new RingSegments(length, worldSize));
    }

    /** The steps of a call on {@code segments} (a window of an array, or all of it), one per rank. */
    RingSchedule(int rank, int worldSize, RingSegments segments) {
        this.rank = rank;
        this.worldSize = worldSize;
        this.segments = segments;
        this.receivedBefore = new long[steps() + 1];
        for (int step = 0; step < steps(); step++) {
            receivedBefore[step + 1] = receivedBefore[step] + segments.size(receiveSegment(step));
        }
    }

    /** Number of steps: {@code 2 (n - 1)}. */
    int steps() {
        return 2 * (worldSize - 1);
    }

    /** Whether a step adds what it receives (reduce-scatter) rather than copying it (all-gather). */
    boolean reduces(int step) {
        return step < worldSize - 1;
    }

    /** Whether a step completes this rank's own segment's sum (the last reduce-scatter step). */
    boolean completesSum(int step) {
        return step == worldSize - 2;
    }

    int sendSegment(int step) {
        return reduces(step)
                ? Math.floorMod(rank - step, worldSize)
                : Math.floorMod(rank + 1 - (step - (worldSize - 1)), worldSize);
    }

    int receiveSegment(int step) {
        return reduces(step)
                ? Math.floorMod(rank - step - 1, worldSize)
                : Math.floorMod(rank - (step - (worldSize - 1)), worldSize);
    }

    /** How many floats the receiver has finished before {@code step} starts. */
    long receivedBefore(int step) {
        return receivedBefore[step];
    }

    RingSegments segments() {
        return segments;
    }
}
