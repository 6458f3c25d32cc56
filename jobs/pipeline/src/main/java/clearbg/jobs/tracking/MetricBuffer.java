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

    /** Removes and returns everything waiting, in the order added, cut into batches of at most {@code capacity}. */
    List<List<Metric>> drain() {
        List<List<Metric>> batches = Chunks.of(pending, capacity);
        pending.clear();
        return batches;
    }
}
