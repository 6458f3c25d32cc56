package clearbg.jobs.allreduce;

/**
 * The split of an array of {@code length} elements into {@code count} contiguous segments, one per rank:
 * segment {@code k} starts at {@code k * (length / count) + min(k, length % count)} and the first
 * {@code length % count} segments are one element longer. Segments may be empty when the array is shorter
 * than the ring.
 */
record RingSegments(int length, int count) {

    RingSegments {
        if (length < 0 || count < 1) {
            throw new IllegalArgumentException("bad split of " + length + " elements into " + count + " segments");
        }
    }

    /** First element of segment {@code k}. */
    int offset(int k) {
        return k * (length / count) + Math.min(k, length % count);
    }

    /** Number of elements in segment {@code k}. */
    int size(int k) {
        return length / count + (k < length % count ? 1 : 0);
    }
}
