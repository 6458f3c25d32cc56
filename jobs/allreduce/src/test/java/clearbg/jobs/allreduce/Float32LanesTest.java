package clearbg.jobs.allreduce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Float32LanesTest {

    /** The in-place SIMD reductions give the scalar loops' bits, at an offset and with a tail shorter than a vector. */
    @Test
    void reductionsFromTheReceivedBytesEqualTheScalarOnesBitForBit() {
        if (!ReceiverLanes.AVAILABLE) {
            assertEquals("false", System.getProperty("clearbg.expectLanes"), "lanes where the Vector API is present");
            return;
        }
        Random random = new Random(3);
        int count = 10_007;
        ByteBuffer received = ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = (float) random.nextGaussian() * (i % 7 == 0 ? 1e30f : 1f);
            received.putFloat(i * Float.BYTES, x[i]);
        }
        float[] destination = new float[count + 5];
        for (int i = 0; i < destination.length; i++) {
            destination[i] = (float) random.nextGaussian();
        }
        float[] added = destination.clone();
        float[] scaled = destination.clone();
        Float32Lanes.add(received, added, 5, count);
        Float32Lanes.addThenScale(received, scaled, 5, count, 1f / 3);
        for (int i = 0; i < count; i++) {
            float d = destination[5 + i];
            assertEquals(Float.floatToRawIntBits(d + x[i]), Float.floatToRawIntBits(added[5 + i]), "add " + i);
            assertEquals(
                    Float.floatToRawIntBits((d + x[i]) * (1f / 3)),
                    Float.floatToRawIntBits(scaled[5 + i]),
                    "add then scale " + i);
        }
        assertEquals(destination[0], added[0], "nothing before the offset changes");
    }
}
