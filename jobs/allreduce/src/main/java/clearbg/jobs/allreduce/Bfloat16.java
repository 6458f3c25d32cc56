package clearbg.jobs.allreduce;

/**
 * Conversions between float32 and bfloat16, the upper half of a float32's bits (sign, the same 8 exponent
 * bits, 7 mantissa bits).
 */
final class Bfloat16 {

    private static final int QUIET_NAN = 0x7fc0;

    /** Whether the array conversions run on SIMD lanes ({@link Bfloat16Lanes}), decided once. */
    static final boolean LANES = lanesAvailable();

    private Bfloat16() {}

    private static boolean lanesAvailable() {
        return VectorModule.usable(() -> {
            float[] ones = new float[64]; // more than one vector's lanes, so the probe runs on them
            java.util.Arrays.fill(ones, 1f);
            short[] probe = new short[ones.length];
            Bfloat16Lanes.round(ones, 0, probe, 0, ones.length);
            return probe[0] == (short) 0x3f80 && probe[ones.length - 1] == (short) 0x3f80;
        });
    }

    /** {@code to[at + i] = round(from[start + i])} for {@code i < count}, on SIMD lanes where available. */
    static void roundAll(float[] from, int start, short[] to, int at, int count) {
        if (LANES) {
            Bfloat16Lanes.round(from, start, to, at, count);
            return;
        }
        for (int i = 0; i < count; i++) {
            to[at + i] = round(from[start + i]);
        }
    }

    /** {@code to[at + i] += widen(from[i])} for {@code i < count}, on SIMD lanes where available. */
    static void addWidenedAll(short[] from, float[] to, int at, int count) {
        if (LANES) {
            Bfloat16Lanes.addWidened(from, to, at, count);
            return;
        }
        for (int i = 0; i < count; i++) {
            to[at + i] += widen(from[i]);
        }
    }

    /** {@code data[at + i] = roundToFloat(data[at + i])} for {@code i < count}, on SIMD lanes where available. */
    static void roundAllInPlace(float[] data, int at, int count) {
        if (LANES) {
            Bfloat16Lanes.roundInPlace(data, at, count);
            return;
        }
        for (int i = at; i < at + count; i++) {
            data[i] = roundToFloat(data[i]);
        }
    }

    /** {@code to[at + i] = widen(from[i])} for {@code i < count}, on SIMD lanes where available. */
    static void widenAll(short[] from, float[] to, int at, int count) {
        if (LANES) {
            Bfloat16Lanes.widen(from, to, at, count);
            return;
        }
        for (int i = 0; i < count; i++) {
            to[at + i] = widen(from[i]);
        }
    }

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
