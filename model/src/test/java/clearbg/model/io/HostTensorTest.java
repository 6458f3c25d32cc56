package clearbg.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class HostTensorTest {
    @Test
    void validatesShapeAgainstValues() {
        assertThrows(IllegalArgumentException.class, () -> HostTensor.ofFloats(new long[] {2, 3}, new float[5]));
        assertThrows(IllegalArgumentException.class, () -> HostTensor.ofLongs(new long[] {-1}, new long[0]));
        assertEquals(1, HostTensor.ofFloats(new long[0], new float[] {2f}).numel());
    }

    @Test
    void accessorsCheckTheTypeAndShapeIsDefensive() {
        HostTensor f = HostTensor.ofFloats(new long[] {2}, new float[] {1, 2});
        assertThrows(IllegalStateException.class, f::longs);
        assertThrows(
                IllegalStateException.class,
                () -> HostTensor.ofLongs(new long[] {1}, new long[1]).floats());
        f.shape()[0] = 7;
        assertArrayEquals(new long[] {2}, f.shape());
    }

    @Test
    void stateDictKeepsInsertionOrderAndNamesAbsentKeys() {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("z", HostTensor.ofLongs(new long[] {1}, new long[] {1}));
        m.put("a", HostTensor.ofFloats(new long[] {1}, new float[] {1}));
        StateDict sd = StateDict.of(m);
        assertEquals(List.of("z", "a"), List.copyOf(sd.keys()));
        String message = assertThrows(NoSuchElementException.class, () -> sd.get("side1.weight"))
                .getMessage();
        assertTrue(message.contains("side1.weight"), message);
        assertThrows(UnsupportedOperationException.class, () -> sd.asMap().clear());
    }

    @Test
    void halfToFloatCoversEveryClass() {
        assertEquals(0f, DType.halfToFloat((short) 0x0000));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(DType.halfToFloat((short) 0x8000)));
        assertEquals(65504f, DType.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-14f, DType.halfToFloat((short) 0x0400));
        assertEquals(-0x3ffp-24f, DType.halfToFloat((short) 0x83ff));
        assertEquals(Float.NEGATIVE_INFINITY, DType.halfToFloat((short) 0xfc00));
        assertTrue(Float.isNaN(DType.halfToFloat((short) 0x7e00)));
    }
}
