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
            IntVector bits = FloatVector.fromArray(FLOATS, from, start + i).reinterpretAsInts();
            IntVector upper = bits.lanewise(VectorOperators.LSHR, 16);
            VectorMask<Integer> nan = bits.and(0x7fffffff).compare(VectorOperators.GT, 0x7f800000);
            IntVector rounded = bits.add(upper.and(1)).add(0x7fff).lanewise(VectorOperators.LSHR, 16);
            IntVector result = rounded.blend(upper.and(0x8000).or(0x7fc0), nan);
            ((ShortVector) result.castShape(SHORTS, 0)).intoArray(to, at + i);
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
            IntVector halves =
                    (IntVector) ShortVector.fromArray(SHORTS, from, i).castShape(INTS, 0);
            FloatVector widened = halves.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector.fromArray(FLOATS, to, at + i).add(widened).intoArray(to, at + i);
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
            IntVector bits = FloatVector.fromArray(FLOATS, data, at + i).reinterpretAsInts();
            VectorMask<Integer> nan = bits.and(0x7fffffff).compare(VectorOperators.GT, 0x7f800000);
            IntVector lsb = bits.lanewise(VectorOperators.LSHR, 16).and(1);
            IntVector rounded = bits.add(lsb).add(0x7fff).and(0xffff0000);
            IntVector result = rounded.blend(bits.and(0x80000000).or(0x7fc00000), nan);
            result.reinterpretAsFloats().intoArray(data, at + i);
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
            IntVector halves =
                    (IntVector) ShortVector.fromArray(SHORTS, from, i).castShape(INTS, 0);
            halves.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(to, at + i);
        }
        for (; i < count; i++) {
            to[at + i] = Bfloat16.widen(from[i]);
        }
    }
}
