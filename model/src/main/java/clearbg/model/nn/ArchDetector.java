package clearbg.model.nn;

import clearbg.model.io.StateDict;

/**
 * Tells U²-Net from U²-Net† by their weights: the output channels of {@code stage2.rebnconvin} are 128 in
 * the full model and 64 in the small one (Table 1 of the paper).
 */
public final class ArchDetector {

    static final String PROBE_KEY = "stage2.rebnconvin.conv_s1.weight";
    /** The key only IS-Net has: its stride-2 input conv. */
    static final String STEM_KEY = "conv_in.weight";

    private ArchDetector() {}

    /**
     * The architecture whose stage table matches {@code weights}.
     *
     * @throws IllegalArgumentException naming the source when the weights are not a U²-Net state_dict
     */
    public static Arch detect(StateDict weights, String sourceName) {
        if (!weights.contains(PROBE_KEY)) {
            throw new IllegalArgumentException(
                    sourceName + ": not a U²-Net state_dict (no key " + PROBE_KEY + "; " + weights.size() + " keys)");
        }
        long channels = weights.get(PROBE_KEY).shape()[0];
        boolean stem = weights.contains(STEM_KEY);
        for (Arch arch : Arch.values()) {
            if (arch.encoder().get(1).outChannels() == channels && (arch.stemChannels() > 0) == stem) {
                return arch;
            }
        }
        throw new IllegalArgumentException(sourceName + ": " + PROBE_KEY + " has " + channels + " output channels"
                + (stem ? " behind a " + STEM_KEY : "") + ", which is none of u2net (128), u2netp (64) or isnet"
                + " (128 behind conv_in)");
    }

    /**
     * The architecture of {@code weights}, checked against the one the caller asked for.
     *
     * @param expected the architecture asked for ({@code --arch}), or null for any
     * @throws IllegalArgumentException when the weights are not a U²-Net state_dict or are another
     *     architecture than {@code expected}
     */
    public static Arch detect(StateDict weights, Arch expected, String sourceName) {
        Arch detected = detect(weights, sourceName);
        if (expected != null && expected != detected) {
            throw new IllegalArgumentException(sourceName + " holds " + detected.cliName() + " weights, but --arch "
                    + expected.cliName() + " was given");
        }
        return detected;
    }
}
