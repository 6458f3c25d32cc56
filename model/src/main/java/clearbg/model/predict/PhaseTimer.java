package clearbg.model.predict;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Accumulates the time spent in each {@link Phase}, in nanoseconds. Thread-safe: threads that work on
 * different phases at the same time may add to one timer, in which case the phases sum to more than the
 * wall-clock time (the split then says where the work went, not where the clock went).
 */
public final class PhaseTimer {

    private final AtomicLongArray nanos = new AtomicLongArray(Phase.values().length);

    /**
     * Adds the time from {@code startNanos} (a {@link System#nanoTime()} reading) to now to {@code phase}.
     *
     * @return the time added, in nanoseconds
     */
    public long stop(Phase phase, long startNanos) {
        long elapsed = System.nanoTime() - startNanos;
        add(phase, elapsed);
        return elapsed;
    }

    /**
     * Adds {@code elapsedNanos} to {@code phase}.
     *
     * @throws IllegalArgumentException if {@code elapsedNanos} is negative
     */
    public void add(Phase phase, long elapsedNanos) {
        if (elapsedNanos < 0) {
            throw new IllegalArgumentException("elapsed time must not be negative, got " + elapsedNanos);
        }
        nanos.addAndGet(phase.ordinal(), elapsedNanos);
    }

    /** The totals so far; later additions do not change the returned value. */
    public PhaseTimings snapshot() {
        Map<Phase, Long> totals = new EnumMap<>(Phase.class);
        for (Phase phase : Phase.values()) {
            totals.put(phase, nanos.get(phase.ordinal()));
        }
        return new PhaseTimings(totals);
    }
}
