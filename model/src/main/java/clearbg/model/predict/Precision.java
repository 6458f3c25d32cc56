package clearbg.model.predict;

import java.util.Locale;

/**
 * The number format of U²-Net's convolutions at inference.
 *
 * <p>{@link #FP32} is the original's arithmetic and the default. {@link #BF16} runs the convolutions,
 * BatchNorm, pooling, upsampling and concatenations in bfloat16 (8 exponent bits, 7 mantissa bits: about
 * 2-3 significant decimal digits) on libtorch with oneDNN in channels-last layout, and the sigmoids in
 * float32; everything around the network (RescaleT, ToTensorLab, min-max normalisation, the resize back)
 * stays float32.
 */
public enum Precision {
    /** IEEE float32 everywhere. */
    FP32,
    /** bfloat16 inside the network, float32 outside it. */
    BF16;

    /** The name on command lines and in params: {@code fp32} or {@code bf16}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The precision called {@code name} ({@link #cliName()}, any case).
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static Precision parse(String name) {
        for (Precision precision : values()) {
            if (precision.cliName().equalsIgnoreCase(name)) {
                return precision;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + name + "' (expected fp32 or bf16)");
    }
}
