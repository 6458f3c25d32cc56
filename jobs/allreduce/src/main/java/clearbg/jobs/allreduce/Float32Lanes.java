package clearbg.jobs.allreduce;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The receiver's float32 reductions straight from the received bytes into the destination array with the JDK's
 * Vector API (SIMD lanes), without first copying the chunk into a scratch array: one pass over memory instead of
 * two. Each element is the same float operation as the scalar loop ({@code d + x}, or {@code (d + x) * scale}),
 * so the results are bit for bit the same. Loaded only where the incubating module {@code jdk.incubator.vector}
 * is in the boot layer (as {@link Bfloat16Lanes}); {@link ReceiverLanes#AVAILABLE} says whether it is, without
 * loading this class elsewhere.
 */
final class Float32Lanes {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

    private Float32Lanes() {}

    /** {@code to[at + i] += x_i} for {@code i < count}, {@code x_i} the little-endian float at byte {@code 4 i}. */
    static void add(ByteBuffer from, float[] to, int at, int count) {
        int lanes = FLOATS.length();
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            FloatVector.fromArray(FLOATS, to, at + i)
                    .add(FloatVector.fromByteBuffer(FLOATS, from, i * Float.BYTES, ByteOrder.LITTLE_ENDIAN))
                    .intoArray(to, at + i);
        }
        for (; i < count; i++) {
            to[at + i] += from.getFloat(i * Float.BYTES);
        }
    }

    /** {@code to[at + i] = (to[at + i] + x_i) * scale} for {@code i < count}, each step rounded to float. */
    static void addThenScale(ByteBuffer from, float[] to, int at, int count, float scale) {
        int lanes = FLOATS.length();
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            FloatVector.fromArray(FLOATS, to, at + i)
                    .add(FloatVector.fromByteBuffer(FLOATS, from, i * Float.BYTES, ByteOrder.LITTLE_ENDIAN))
                    .mul(scale)
                    .intoArray(to, at + i);
        }
        for (; i < count; i++) {
            to[at + i] = (to[at + i] + from.getFloat(i * Float.BYTES)) * scale;
        }
    }
}
