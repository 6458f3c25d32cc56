package clearbg.jobs.remove;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * The newest output record of one input, as a later run reads it to decide whether to redo the input.
 *
 * @param runId the run that wrote it
 * @param outcome done, skipped (an up-to-date input carried forward) or failed
 * @param inputVersion the input's {@link InputVersion} then
 * @param weightsSha256 the SHA-256 of the weights file then
 * @param settingsFingerprint the {@link PixelSettings#fingerprint()} then
 * @param outputKeys the outputs' keys under the output prefix
 * @param outputSha256 the SHA-256 of each output, in the order of {@code outputKeys}
 */
public record PriorRecord(
        String runId,
        String outcome,
        String inputVersion,
        String weightsSha256,
        String settingsFingerprint,
        List<String> outputKeys,
        List<String> outputSha256)
        implements Serializable {

    public PriorRecord {
        outputKeys = List.copyOf(outputKeys);
        outputSha256 = List.copyOf(outputSha256);
    }

    /**
     * Why an input must be redone according to its newest record, or empty when the record says its outputs are
     * current: the record is done (or skipped, which carries a done record forward) and its input version, weights
     * hash, settings fingerprint and output keys all equal the current ones. Equality decides, never time order.
     * Whether the outputs still exist is the caller's check (it needs the store).
     *
     * @param prior the newest record, or null when the input has none
     */
    public static Optional<String> redoReason(
            PriorRecord prior, String inputVersion, String weightsSha256, String fingerprint, List<String> outputKeys) {
        if (prior == null) {
            return Optional.of("no record of an earlier run");
        }
        if (!RemoveOutcome.DONE.equals(prior.outcome()) && !RemoveOutcome.SKIPPED.equals(prior.outcome())) {
            return Optional.of("its newest record (run " + prior.runId() + ") is " + prior.outcome());
        }
        if (!prior.inputVersion().equals(inputVersion)) {
            return Optional.of("the input changed (" + prior.inputVersion() + " -> " + inputVersion + ")");
        }
        if (!prior.weightsSha256().equals(weightsSha256)) {
            return Optional.of("the weights changed");
        }
        if (!prior.settingsFingerprint().equals(fingerprint)) {
            return Optional.of("the settings changed");
        }
        if (!prior.outputKeys().equals(outputKeys)) {
            return Optional.of("the outputs changed");
        }
        return Optional.empty();
    }
}
