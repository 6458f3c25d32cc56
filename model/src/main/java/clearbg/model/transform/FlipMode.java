package clearbg.model.transform;

/**
 * Which random flips a training transform applies, each with probability 0.5 and independently.
 * The original U²-Net code flips vertically (rows reversed, {@code image[::-1]}) inside RandomCrop; the
 * paper describes horizontal flipping.
 */
public enum FlipMode {
    NONE,
    HORIZONTAL,
    VERTICAL,
    BOTH;

    boolean horizontal() {
        return this == HORIZONTAL || this == BOTH;
    }

    boolean vertical() {
        return this == VERTICAL || this == BOTH;
    }
}
