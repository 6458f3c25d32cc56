package clearbg.jobs.allreduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Rounding to bfloat16 is IEEE round-to-nearest-even on the upper 16 bits; widening is exact. */
class Bfloat16Test {

    @Test
    void tiesGoToTheEvenNeighbour() {
        assertEquals(0x3f80, Bfloat16.round(1f) & 0xffff);
        assertEquals(0x3f80, Bfloat16.round(1f + 0x1p-8f) & 0xffff, "1 + half an ulp rounds down to the even 1");
        assertEquals(0x3f82, Bfloat16.round(1f + 3 * 0x1p-8f) & 0xffff, "1 + 1.5 ulps rounds up to the even");
        assertEquals(0x3f81, Bfloat16.round(1f + 0x1p-8f + 0x1p-20f) & 0xffff, "past the tie rounds up");
        assertEquals(0xbf80, Bfloat16.round(-1f) & 0xffff);
    }

    @Test
    void specialValuesKeepTheirKind() {
        assertEquals(Float.POSITIVE_INFINITY, Bfloat16.roundToFloat(Float.POSITIVE_INFINITY));
        assertEquals(Float.NEGATIVE_INFINITY, Bfloat16.roundToFloat(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, Bfloat16.roundToFloat(Float.MAX_VALUE), "overflow rounds to infinity");
        assertTrue(Float.isNaN(Bfloat16.roundToFloat(Float.NaN)));
        assertTrue(Float.isNaN(Bfloat16.roundToFloat(Float.intBitsToFloat(0x7f800001))), "a NaN never becomes inf");
        assertTrue(Float.isNaN(Bfloat16.roundToFloat(Float.intBitsToFloat(0xffffffff))));
        assertEquals(0x8000, Bfloat16.round(-0f) & 0xffff);
        assertEquals(0f, Bfloat16.roundToFloat(Float.MIN_VALUE), "the smallest subnormal rounds to zero");
    }

    /**
     * The array conversions give the scalar conversions' bits: on SIMD lanes where the JVM has the Vector API
     * module, in the fallback loops where it does not (surefire runs this class both ways).
     */
    @Test
    void arrayConversionsAgreeWithTheScalarOnesBitForBit() {
        assertEquals(
                Boolean.parseBoolean(System.getProperty("clearbg.expectLanes", "true")),
                Bfloat16.LANES,
                "lanes where the JVM has jdk.incubator.vector, the fallback where it has not");
        Random random = new Random(9);
        int count = 100_003;
        float[] values = new float[count + 3];
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.intBitsToFloat(random.nextInt());
        }
        float[] specials = {
            Float.NaN,
            -Float.NaN,
            Float.intBitsToFloat(0x7f800001),
            Float.intBitsToFloat(0xffc00001),
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.MAX_VALUE,
            -0f,
            0f,
            1f + 0x1p-8f,
            1f + 3 * 0x1p-8f
        };
        System.arraycopy(specials, 0, values, 5, specials.length);
        short[] halves = new short[count + 2];
        Bfloat16.roundAll(values, 3, halves, 2, count);
        float[] widened = new float[count + 1];
        short[] fromTwo = java.util.Arrays.copyOfRange(halves, 2, count + 2);
        Bfloat16.widenAll(fromTwo, widened, 1, count);
        float[] sums = java.util.Arrays.copyOf(values, count + 1);
        Bfloat16.addWidenedAll(fromTwo, sums, 1, count);
        float[] rounded = values.clone();
        Bfloat16.roundAllInPlace(rounded, 3, count);
        for (int i = 0; i < count; i++) {
            float sum = values[1 + i] + Bfloat16.widen(fromTwo[i]);
            if (Float.isNaN(sum)) { // Java leaves the sign and payload of an arithmetic NaN open
                assertTrue(Float.isNaN(sums[1 + i]), "adding element " + i);
            } else {
                assertEquals(Float.floatToRawIntBits(sum), Float.floatToRawIntBits(sums[1 + i]), "adding element " + i);
            }
            assertEquals(
                    Float.floatToRawIntBits(Bfloat16.roundToFloat(values[3 + i])),
                    Float.floatToRawIntBits(rounded[3 + i]),
                    "rounding in place element " + i);
            short expected = Bfloat16.round(values[3 + i]);
            assertEquals(expected, halves[2 + i], "rounding element " + i);
            assertEquals(
                    Float.floatToRawIntBits(Bfloat16.widen(expected)),
                    Float.floatToRawIntBits(widened[1 + i]),
                    "widening element " + i);
        }
    }

    /** Against the definition: the nearer of the two neighbouring bfloat16 values, the even one on a tie. */
    @Test
    void everyRoundingIsTheNearestBfloat16() {
        Random random = new Random(5);
        for (int n = 0; n < 1_000_000; n++) {
            float value = Float.intBitsToFloat(random.nextInt());
            if (Float.isNaN(value) || Float.isInfinite(value)) {
                continue;
            }
            int bits = Float.floatToRawIntBits(value);
            int towardBits = bits & 0xffff0000;
            int awayBits = towardBits + 0x10000;
            float away = Float.intBitsToFloat(awayBits);
            // past the largest bfloat16 the next step up is 2^128, which rounds on to infinity
            double awayValue = Float.isInfinite(away) ? Math.copySign(0x1p128, value) : away;
            double below = Math.abs((double) value - Float.intBitsToFloat(towardBits));
            double above = Math.abs(awayValue - value);
            boolean up = below > above || (below == above && ((bits >>> 16) & 1) == 1);
            int nearest = up ? awayBits : towardBits;
            assertEquals(nearest, Float.floatToRawIntBits(Bfloat16.roundToFloat(value)), "rounding " + value);
            assertEquals(nearest >>> 16, Bfloat16.round(value) & 0xffff);
        }
    }
}
