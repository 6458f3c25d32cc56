package clearbg.jobs.tracking;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Metrics waiting to be sent in one batch. A batch is due when it holds {@code capacity} metrics, or when
 * its oldest metric has waited {@code maxDelay} (so a slow training still shows progress). Not thread-safe.
 */
final class MetricBuffer {

    private final int capacity;
    private final long maxDelayMillis;
    private final List<Metric> pending = new ArrayList<>();
    private long oldestAddedAt;

    /**
     * @param capacity the most metrics in one batch (MLflow's log-batch takes at most 1000)
     * @param maxDelay how long a metric may wait for its batch
     */
    MetricBuffer(int capacity, Duration maxDelay) {
        if (capacity <= 0 || maxDelay.isNegative()) {
            throw new IllegalArgumentException("capacity must be positive and the delay not negative");
        }
        this.capacity = capacity;
        this.maxDelayMillis = maxDelay.toMillis();
    }

    /** Adds a metric, noted at {@code nowMillis}. */
    void add(Metric metric, long nowMillis) {
        if (pending.isEmpty()) {
            oldestAddedAt = nowMillis;
        }
        pending.add(metric);
    }

    /**
     * Whether a full batch is waiting, or the oldest waiting metric was added {@code maxDelay} before {@code
     * nowMillis}.
     */
    boolean due(long nowMillis) {
        return pending.size() >= capacity || !pending.isEmpty() && nowMillis - oldestAddedAt >= maxDelayMillis;
    }

    /** Puts unsent batches back in front of what is waiting, in their order (a failed send). */
    void putBack(List<List<Metric>> batches) {
        List<Metric> unsent = new ArrayList<>();
        batches.forEach(unsent::addAll);
        if (!unsent.isEmpty()) {
            pending.addAll(0, unsent);
            oldestAddedAt = Math.min(oldestAddedAt, unsent.get(0).timestamp());
        }
    }

    /** Drops the oldest metrics beyond {@code limit}; returns how many. */
    int dropOldestBeyond(int limit) {
        int excess = Math.max(0, pending.size() - limit);
        if (excess > 0) {
            pending.subList(0, excess).clear();
        }
        return excess;
    }

    /** How many metrics are waiting. */
    int size() {
        return pending.size();
    }

    /** Removes and returns everything waiting, in the order added, cut into batches of at most {@code capacity}. */
    List<List<Metric>> drain() {
        List<List<Metric>> batches = Chunks.of(pending, capacity);
        pending.clear();
        return batches;
    }
}
