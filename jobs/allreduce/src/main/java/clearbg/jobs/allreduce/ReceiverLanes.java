package clearbg.jobs.allreduce;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Whether the receiver reduces on SIMD lanes ({@link Float32Lanes}): only where the JVM has the incubating
 * module {@code jdk.incubator.vector} and the lanes give the expected result. Kept apart from
 * {@link Float32Lanes} so that asking never loads the Vector API's classes in a JVM that lacks them.
 */
final class ReceiverLanes {

    /** Decided once per JVM. */
    static final boolean AVAILABLE = probe();

    private ReceiverLanes() {}

    private static boolean probe() {
        return VectorModule.usable(() -> {
            ByteBuffer twos = ByteBuffer.allocate(64 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (twos.hasRemaining()) {
                twos.putFloat(2f);
            }
            float[] ones = new float[64]; // more than one vector's lanes, so the probe runs on them
            java.util.Arrays.fill(ones, 1f);
            Float32Lanes.add(twos, ones, 0, ones.length);
            return ones[0] == 3f && ones[ones.length - 1] == 3f;
        });
    }
}
