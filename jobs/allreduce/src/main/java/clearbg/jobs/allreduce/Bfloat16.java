package clearbg.jobs.allreduce;

/**
 * Conversions between float32 and bfloat16, the upper half of a float32's bits (sign, the same 8 exponent
 * bits, 7 mantissa bits).
 */
final class Bfloat16 {

    private static final int QUIET_NAN = 0x7fc0;

    private Bfloat16() {}

    /**
     * The bfloat16 nearest to {@code value}, ties to even: {@code (bits + 0x7fff + ((bits >> 16) & 1)) >>> 16}
     * of the float's bits. Infinities stay infinite, a value past the largest bfloat16 rounds to infinity as
     * IEEE rounding does, and NaN stays NaN (a quiet one; the plain formula could carry a NaN into infinity).
     */
    static short round(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) (QUIET_NAN | ((bits >>> 16) & 0x8000));
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    /** The float32 equal to the bfloat16 {@code half}: its bits shifted into the upper half. Exact. */
    static float widen(short half) {
        return Float.intBitsToFloat(half << 16);
    }

    /** {@code value} rounded to the nearest bfloat16 and widened back: {@code widen(round(value))}. */
    static float roundToFloat(float value) {
        return widen(round(value));
    }
}
