package clearbg.model.io;

import static clearbg.model.io.PthReaderTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TensorDecoderTest {
    private static final String SOURCE = "weights.pth";

    /** Storage holding the floats 0, 1, ..., n - 1. */
    private static ByteBuffer counting(int n) {
        ByteBuffer b = ByteBuffer.allocate(n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(i * Float.BYTES, i);
        }
        return b;
    }

    private static String error(ByteBuffer storage, long offset, long[] shape, long[] stride) {
        return assertThrows(
                        WeightsFormatException.class,
                        () -> TensorDecoder.decode(storage, DType.F32, offset, shape, stride, SOURCE, "tensor 'w'"))
                .getMessage();
    }

    @Test
    void stridedViewIsCopiedInRowMajorOrder() throws WeightsFormatException {
        // base [3, 4]; view base[1:, ::2] transposed: offset 4, shape [2, 2], stride [2, 4]
        HostTensor t =
                TensorDecoder.decode(counting(12), DType.F32, 4, new long[] {2, 2}, new long[] {2, 4}, SOURCE, "t");
        assertArrayEquals(new float[] {4, 8, 6, 10}, t.floats());
    }

    @Test
    void lastElementExactlyAtTheStorageEndIsAccepted() throws WeightsFormatException {
        HostTensor t =
                TensorDecoder.decode(counting(6), DType.F32, 2, new long[] {2, 2}, new long[] {2, 1}, SOURCE, "t");
        assertArrayEquals(new float[] {2, 3, 4, 5}, t.floats());
    }

    @Test
    void viewOnePastTheStorageEndIsRefused() {
        assertContains(
                error(counting(6), 3, new long[] {2, 2}, new long[] {2, 1}), SOURCE, "'w'", "outside", "6 elements");
    }

    @Test
    void negativeShapeStrideOrOffsetIsRefused() {
        assertContains(error(counting(4), 0, new long[] {-1}, new long[] {1}), SOURCE, "negative dimension");
        assertContains(error(counting(4), 3, new long[] {4}, new long[] {-1}), SOURCE, "negative offset or stride");
        assertContains(error(counting(4), -1, new long[] {1}, new long[] {1}), SOURCE, "negative offset or stride");
    }

    @Test
    void overflowingStrideIsRefusedNotWrappedAround() {
        // (shape - 1) * stride = 2 * 2^62 wraps to a small number in unchecked long arithmetic
        assertContains(error(counting(4), 0, new long[] {3}, new long[] {1L << 62}), SOURCE, "'w'", "2^63");
        // offset + reach overflows
        assertContains(error(counting(4), Long.MAX_VALUE, new long[] {2}, new long[] {1}), SOURCE, "2^63");
    }

    @Test
    void overflowingShapeProductIsRefused() {
        long big = 1L << 32;
        assertContains(
                error(counting(4), 0, new long[] {big, big}, new long[] {0, 0}), SOURCE, "more than", "Java array");
    }

    @Test
    void emptyTensorNeedsNoStorageAndAZeroDimensionWins() throws WeightsFormatException {
        long big = 1L << 40;
        HostTensor t = TensorDecoder.decode(
                counting(0), DType.F32, 0, new long[] {big, 0, big}, new long[] {0, 0, 0}, SOURCE, "t");
        assertEquals(0, t.numel());
    }

    @Test
    void sizeOneDimensionWithHugeStrideReadsTheRightElements() throws WeightsFormatException {
        HostTensor t = TensorDecoder.decode(
                counting(3), DType.F32, 0, new long[] {1, 3}, new long[] {Long.MAX_VALUE, 1}, SOURCE, "t");
        assertArrayEquals(new float[] {0, 1, 2}, t.floats());
    }

    @Test
    void expandedViewWithMoreElementsThanItsStorageIsRefused() {
        assertContains(
                error(counting(1), 0, new long[] {1000}, new long[] {0}),
                SOURCE,
                "needs 4000 bytes",
                "storage of 4 bytes");
    }

    @Test
    void moreThanMaxRankDimensionsAreRefused() {
        long[] ones = new long[TensorDecoder.MAX_RANK + 1];
        Arrays.fill(ones, 1);
        assertContains(error(counting(1), 0, ones, ones), SOURCE, "65 dimensions, more than 64");
    }

    @Test
    void mismatchedStrideRankIsRefused() {
        assertContains(error(counting(4), 0, new long[] {2, 2}, new long[] {1}), SOURCE, "does not match shape");
    }

    @Test
    void contiguousStridesOverflowIsAnArithmeticError() {
        assertArrayEquals(new long[] {3, 1, 1}, TensorDecoder.contiguousStrides(new long[] {2, 3, 0}));
        assertThrows(
                ArithmeticException.class, () -> TensorDecoder.contiguousStrides(new long[] {1, 1L << 40, 1L << 40}));
    }
}
