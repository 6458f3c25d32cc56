package clearbg.model.train;

import java.io.IOException;

/**
 * How a replica's gradients become the mean over all replicas before the optimiser step (data-parallel
 * training: an all-reduce). The trainer hands over every gradient concatenated in one flat array; the exchange
 * replaces it by the mean in place and tells the trainer which ranges are final as soon as they are, so that
 * the optimiser updates those weights while the rest is still in flight.
 */
@FunctionalInterface
public interface GradientExchange {

    /** A single replica: nothing is exchanged, and the optimiser reads the gradients where backward left them. */
    GradientExchange SINGLE_REPLICA = new GradientExchange() {
        @Override
        public boolean exchanges() {
            return false;
        }

        @Override
        public void average(float[] flat, ReadyRanges ready) {
            ready.ready(0, flat.length);
        }
    };

    /** Told which ranges of the flat array hold their final mean. */
    @FunctionalInterface
    interface ReadyRanges {

        /**
         * Elements {@code [offset, offset + length)} hold their final mean; called on the exchanging thread,
         * over one exchange covering the array exactly once, in any order; must return quickly.
         */
        void ready(int offset, int length);
    }

    /** Whether there is anything to exchange (false only for {@link #SINGLE_REPLICA}). */
    default boolean exchanges() {
        return true;
    }

    /**
     * Replaces {@code flat} by its element-wise mean over the replicas, bit-identical on every replica, reporting
     * each range to {@code ready} once it is final, and never writing to a range after reporting it.
     *
     * @throws IOException when the exchange fails (a replica died, a time-out)
     */
    void average(float[] flat, ReadyRanges ready) throws IOException;
}
