package clearbg.jobs.allreduce;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Bfloat16}'s conversions over whole arrays with the JDK's Vector API (SIMD lanes), bit for bit the same
 * as the scalar ones: round to nearest even, NaN kept quiet with its sign. Loaded only where the incubating
 * module {@code jdk.incubator.vector} is in the boot layer (Spark 4 adds it to its driver and executor JVMs;
 * elsewhere {@code --add-modules jdk.incubator.vector}); {@link Bfloat16} falls back to its scalar loops
 * otherwise.
 */
final class Bfloat16Lanes {

    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(INTS.vectorBitSize() / 2));

    private Bfloat16Lanes() {}

    /** {@code to[at + i] = Bfloat16.round(from[start + i])} for {@code i < count}. */
    static void round(float[] from, int start, short[] to, int at, int count) {
        int lanes = INTS.length();
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            IntVector upper =
                    roundedBits(FloatVector.fromArray(FLOATS, from, start + i)).lanewise(VectorOperators.LSHR, 16);
            ((ShortVector) upper.castShape(SHORTS, 0)).intoArray(to, at + i);
        }
        for (; i < count; i++) {
            to[at + i] = Bfloat16.round(from[start + i]);
        }
    }

    /** {@code to[at + i] += Bfloat16.widen(from[i])} for {@code i < count}, each sum rounded to float. */
    static void addWidened(short[] from, float[] to, int at, int count) {
        int lanes = INTS.length();
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            FloatVector.fromArray(FLOATS, to, at + i).add(widened(from, i)).intoArray(to, at + i);
        }
        for (; i < count; i++) {
            to[at + i] += Bfloat16.widen(from[i]);
        }
    }

    /** {@code data[at + i] = Bfloat16.roundToFloat(data[at + i])} for {@code i < count}. */
    static void roundInPlace(float[] data, int at, int count) {
        int lanes = INTS.length();
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            roundedBits(FloatVector.fromArray(FLOATS, data, at + i))
                    .reinterpretAsFloats()
                    .intoArray(data, at + i);
        }
        for (; i < count; i++) {
            data[at + i] = Bfloat16.roundToFloat(data[at + i]);
        }
    }

    /** {@code to[at + i] = Bfloat16.widen(from[i])} for {@code i < count}. */
    static void widen(short[] from, float[] to, int at, int count) {
        int lanes = INTS.length();
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            widened(from, i).intoArray(to, at + i);
        }
        for (; i < count; i++) {
            to[at + i] = Bfloat16.widen(from[i]);
        }
    }

    /**
     * The float32 bits of the bfloat16 nearest to each lane, in the upper half with the lower half zero: {@code
     * (bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000}, a NaN as a quiet NaN with its sign.
     */
    private static IntVector roundedBits(FloatVector values) {
        IntVector bits = values.reinterpretAsInts();
        VectorMask<Integer> nan = bits.and(0x7fffffff).compare(VectorOperators.GT, 0x7f800000);
        IntVector lsb = bits.lanewise(VectorOperators.LSHR, 16).and(1);
        IntVector rounded = bits.add(lsb).add(0x7fff).and(0xffff0000);
        return rounded.blend(bits.and(0x80000000).or(0x7fc00000), nan);
    }

    /** The bfloat16 values {@code from[i, i + lanes)} widened to floats (exact). */
    private static FloatVector widened(short[] from, int i) {
        IntVector halves = (IntVector) ShortVector.fromArray(SHORTS, from, i).castShape(INTS, 0);
        return halves.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
