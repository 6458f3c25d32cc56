package clearbg.jobs.allreduce;

/**
 * How gradients travel between ranks. Sums are always computed in float32; the precision decides only what
 * goes on the wire.
 *
 * <ul>
 *   <li>{@link #FP32}: every float as its 4 bytes; the result is the exact float32 ring sum.
 *   <li>{@link #BF16}: every float rounded to bfloat16 (its upper 16 bits, round to nearest even), half the
 *       bytes. A partial sum is rounded each time it is sent; the rank that completes a segment's sum rounds it
 *       the same way before the all-gather, so every rank still ends with bit-identical values, each a bfloat16
 *       (8 significant bits: a relative error of at most 2^-9 per rounding).
 * </ul>
 */
public enum WirePrecision {
    FP32(Float.BYTES),
    BF16(Short.BYTES);

    private final int bytesPerElement;

    WirePrecision(int bytesPerElement) {
        this.bytesPerElement = bytesPerElement;
    }

    /**
     * {@code fp32} or {@code bf16} (any case).
     *
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static WirePrecision parse(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "fp32" -> FP32;
            case "bf16" -> BF16;
            default -> throw new IllegalArgumentException("must be fp32 or bf16, got '" + value + "'");
        };
    }

    /** Bytes one element takes on the wire. */
    public int bytesPerElement() {
        return bytesPerElement;
    }
}
