package clearbg.jobs.allreduce;

/**
 * Told, during an all-reduce, which ranges of the array already hold their final result, so that the caller can
 * use them (an optimiser updating those weights) while the rest is still in flight. Called on the thread that
 * called the all-reduce, once per finished chunk; over one call the ranges cover the array exactly once, in no
 * particular order. It must return quickly (hand the work to another thread) and must not write to the array.
 */
@FunctionalInterface
public interface FinalRanges {

    /** Ignores every range. */
    FinalRanges NONE = (offset, length) -> {};

    /** Elements {@code [offset, offset + length)} hold their final result. */
    void ready(int offset, int length);
}
