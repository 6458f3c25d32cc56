package clearbg.model.nn;

/**
 * What stands between a network's input and its first stage, as the original names it {@code conv_in}.
 *
 * <ul>
 *   <li>{@link #NONE}: the input enters stage 1 (U²-Net).
 *   <li>{@link #CONV}: a 3x3 convolution with stride 2, padding 1 and a bias (IS-Net's {@code conv_in}).
 *   <li>{@link #CONV_BN_RELU}: the same convolution followed by BatchNorm and ReLU, children {@code conv} and
 *       {@code bn} (the original's {@code myrebnconv}, in IS-Net's ground-truth encoder).
 * </ul>
 */
public enum Stem {
    NONE,
    CONV,
    CONV_BN_RELU;

    /** The state_dict key of the stem's convolution weight, or null for {@link #NONE}. */
    public String weightKey() {
        switch (this) {
            case CONV:
                return "conv_in.weight";
            case CONV_BN_RELU:
                return "conv_in.conv.weight";
            default:
                return null;
        }
    }
}
