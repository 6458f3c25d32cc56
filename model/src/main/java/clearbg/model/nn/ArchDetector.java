package clearbg.model.nn;

import clearbg.model.io.StateDict;

/**
 * Tells the architectures apart by their weights: the output channels of {@code stage2.rebnconvin} (128 in U²-Net and
 * IS-Net, 64 in U²-Net† and IS-Net's ground-truth encoder) and the input conv's key ({@link Stem#weightKey()}: none
 * in U²-Net, {@code conv_in.weight} in IS-Net, {@code conv_in.conv.weight} in the ground-truth encoder).
 */
public final class ArchDetector {

    static final String PROBE_KEY = "stage2.rebnconvin.conv_s1.weight";

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
        Stem stem = stemOf(weights);
        for (Arch arch : Arch.values()) {
            if (arch.encoder().get(1).outChannels() == channels && arch.stem() == stem) {
                return arch;
            }
        }
        throw new IllegalArgumentException(sourceName + ": " + PROBE_KEY + " has " + channels + " output channels"
                + (stem == Stem.NONE ? "" : " behind a " + stem.weightKey()) + ", which is none of u2net (128),"
                + " u2netp (64), isnet (128 behind conv_in.weight) or isnet-gt-encoder (64 behind"
                + " conv_in.conv.weight)");
    }

    private static Stem stemOf(StateDict weights) {
        for (Stem stem : Stem.values()) {
            if (stem.weightKey() != null && weights.contains(stem.weightKey())) {
                return stem;
            }
        }
        return Stem.NONE;
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
