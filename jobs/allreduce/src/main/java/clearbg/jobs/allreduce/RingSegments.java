package clearbg.jobs.allreduce;

/**
 * The split of an array of {@code length} elements into {@code count} contiguous segments, one per rank:
 * segment {@code k} starts at {@code k * (length / count) + min(k, length % count)} and the first
 * {@code length % count} segments are one element longer. Segments may be empty when the array is shorter
 * than the ring. A call on the window {@code [from, to)} of the array keeps the whole array's split and clips
 * each segment to the window, so that every element is summed in the same order as by a call on the whole array.
 */
record RingSegments(int length, int count, int from, int to) {

    RingSegments {
        if (length < 0 || count < 1) {
            throw new IllegalArgumentException("bad split of " + length + " elements into " + count + " segments");
        }
        if (from < 0 || from > to || to > length) {
            throw new IllegalArgumentException("bad window [" + from + ", " + to + ") of " + length + " elements");
        }
    }

    /** The split of the whole array. */
    RingSegments(int length, int count) {
        this(length, count, 0, length);
    }

    /** First element of segment {@code k} (within the window). */
    int offset(int k) {
        return Math.min(Math.max(start(k), from), to);
    }

    /** Number of elements of segment {@code k} within the window. */
    int size(int k) {
        return Math.min(Math.max(start(k + 1), from), to) - offset(k);
    }

    private int start(int k) {
        return k * (length / count) + Math.min(k, length % count);
    }
}
