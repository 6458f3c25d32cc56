package clearbg.jobs.remove;

import java.io.Serializable;

/**
 * The report row of one input key: {@code status} is {@code done}, {@code skipped} or {@code failed}, with
 * the reason for the last two, and the time spent on each step (nanoseconds; decode, predict = resize and
 * forward and resize back, encode, write).
 */
public record RemoveOutcome(
        String key,
        String status,
        String reason,
        long decodeNanos,
        long predictNanos,
        long encodeNanos,
        long writeNanos)
        implements Serializable {

    public static final String DONE = "done";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";

    /** A key skipped with the reason. */
    public static RemoveOutcome skippedKey(String key, String reason) {
        return new RemoveOutcome(key, SKIPPED, reason, 0, 0, 0, 0);
    }

    /** A key done by an earlier attempt of the same run (a retried or speculative task), with the reason. */
    public static RemoveOutcome doneEarlier(String key, String reason) {
        return new RemoveOutcome(key, DONE, reason, 0, 0, 0, 0);
    }

    /** A key that failed with the reason. */
    public static RemoveOutcome failedKey(String key, String reason) {
        return new RemoveOutcome(key, FAILED, reason, 0, 0, 0, 0);
    }

    /** Milliseconds spent on this key in all steps. */
    public double millis() {
        return (decodeNanos + predictNanos + encodeNanos + writeNanos) / 1e6;
    }
}
