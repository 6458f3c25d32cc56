package clearbg.jobs.remove;

import java.io.Serializable;
import java.util.List;

/**
 * The report row of one input key: {@code status} is {@code done}, {@code skipped} or {@code failed}, with
 * the reason for the last two, and the time spent on each step (nanoseconds; decode, predict = resize and
 * forward and resize back, encode, write). {@code outputSha256} holds the SHA-256 of each output's bytes, in the
 * order of the request's outputs, for a done key (of the bytes written, or of the outputs found when another
 * attempt of the same run wrote them); it is empty otherwise.
 */
public record RemoveOutcome(
        String key,
        String status,
        String reason,
        long decodeNanos,
        long predictNanos,
        long encodeNanos,
        long writeNanos,
        List<String> outputSha256)
        implements Serializable {

    public RemoveOutcome {
        outputSha256 = List.copyOf(outputSha256);
    }

    public static final String DONE = "done";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";

    /** A key skipped with the reason. */
    public static RemoveOutcome skippedKey(String key, String reason) {
        return new RemoveOutcome(key, SKIPPED, reason, 0, 0, 0, 0, List.of());
    }

    /**
     * A key done by an earlier attempt of the same run (a retried or speculative task), with the reason and the
     * SHA-256 of the outputs that attempt wrote.
     */
    public static RemoveOutcome doneEarlier(String key, String reason, List<String> outputSha256) {
        return new RemoveOutcome(key, DONE, reason, 0, 0, 0, 0, outputSha256);
    }

    /** A key that failed with the reason. */
    public static RemoveOutcome failedKey(String key, String reason) {
        return new RemoveOutcome(key, FAILED, reason, 0, 0, 0, 0, List.of());
    }

    /** This outcome with {@code newReason} instead of its reason. */
    public RemoveOutcome withReason(String newReason) {
        return new RemoveOutcome(
                key, status, newReason, decodeNanos, predictNanos, encodeNanos, writeNanos, outputSha256);
    }

    /** Milliseconds spent on this key in all steps. */
    public double millis() {
        return (decodeNanos + predictNanos + encodeNanos + writeNanos) / 1e6;
    }
}
