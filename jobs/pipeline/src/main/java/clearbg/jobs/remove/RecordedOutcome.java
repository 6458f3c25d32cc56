package clearbg.jobs.remove;

import java.io.Serializable;
import java.util.List;

/**
 * The outcome of one input key of a run together with what its output record says.
 *
 * @param outcome the report row (status, reason, times, the outputs' SHA-256 when done or carried forward)
 * @param inputVersion the input's {@link InputVersion}, or null for a key settled without reading it (refused, not
 *     an image): those are reported but not recorded
 * @param outputKeys the outputs' keys under the output prefix
 * @param weightsSha256 the SHA-256 of the weights the outputs were made with
 * @param settingsFingerprint the {@link PixelSettings#fingerprint()} they were made with
 * @param recordedMillis when the outcome was settled, ms since the epoch
 */
public record RecordedOutcome(
        RemoveOutcome outcome,
        String inputVersion,
        List<String> outputKeys,
        String weightsSha256,
        String settingsFingerprint,
        long recordedMillis)
        implements Serializable {

    public RecordedOutcome {
        outputKeys = List.copyOf(outputKeys);
    }

    /** A key settled on the driver, reported but not recorded. */
    public static RecordedOutcome unrecorded(RemoveOutcome outcome) {
        return new RecordedOutcome(outcome, null, List.of(), null, null, System.currentTimeMillis());
    }
}
