package clearbg.model.io;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Materialises a (possibly strided) view of raw storage bytes as a contiguous row-major {@link HostTensor}:
 * element {@code (i0, ..., in)} of the view is storage element {@code offset + sum(ik * stride[k])}.
 *
 * <p>A view is accepted only if, in exact 64-bit arithmetic (any overflow is an error, never a wrap-around):
 * it has at most {@link #MAX_RANK} dimensions; the offset, every dimension and every stride are non-negative;
 * {@code numel = product(shape)} is at most {@link #MAX_ELEMENTS} (one Java array); the view fits in its
 * storage, {@code numel * element size <= storage bytes}; and, when {@code numel > 0}, its last element
 * {@code offset + sum((shape[k] - 1) * stride[k])} lies inside the storage ({@code < storage bytes / element
 * size}). So decoding never holds more elements than the storage: an expanded view (stride 0 over more
 * elements than stored) is refused.
 */
final class TensorDecoder {
    /** Most elements of one decoded tensor: the largest array the JDK allocates. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /** Most dimensions of a tensor (weights have at most 5). */
    static final int MAX_RANK = 64;

    private TensorDecoder() {}

    /**
     * Row-major strides for {@code shape}: the layout of a contiguous tensor, {@code stride[k] =
     * product(max(shape[j], 1) for j > k)}.
     *
     * @throws ArithmeticException if a stride overflows a long
     */
    static long[] contiguousStrides(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            stride[k] = s;
            s = Math.multiplyExact(s, Math.max(shape[k], 1));
        }
        return stride;
    }

    /**
     * The number of elements of a view of {@code shape}, checked as the class contract says.
     *
     * @param what names the tensor in error messages
     * @throws WeightsFormatException if there are more than {@link #MAX_RANK} dimensions, a dimension is negative
     *     or the product exceeds {@link #MAX_ELEMENTS}
     */
    static long numel(long[] shape, String source, String what) throws WeightsFormatException {
        if (shape.length > MAX_RANK) {
            throw new WeightsFormatException(source, what + ": " + shape.length + " dimensions, more than " + MAX_RANK);
        }
        if (Arrays.stream(shape).anyMatch(d -> d < 0)) {
            throw new WeightsFormatException(source, what + ": negative dimension in shape " + Arrays.toString(shape));
        }
        if (Arrays.stream(shape).anyMatch(d -> d == 0)) {
            return 0;
        }
        long numel = 1;
        for (long d : shape) {
            if (numel > MAX_ELEMENTS / d) {
                throw new WeightsFormatException(
                        source,
                        what + ": shape " + Arrays.toString(shape) + " has more than " + MAX_ELEMENTS
                                + " elements, more than a Java array holds");
            }
            numel *= d;
        }
        return numel;
    }

    /**
     * Decodes the view.
     *
     * @param storage the storage bytes, byte order already set; position and limit are ignored
     * @param what names the tensor in error messages
     * @throws WeightsFormatException if the view breaks the class contract (negative or overflowing numbers, more
     *     elements than an array or its storage holds, reaching outside the storage)
     */
    static HostTensor decode(
            ByteBuffer storage, DType dtype, long offset, long[] shape, long[] stride, String source, String what)
            throws WeightsFormatException {
        String view = "view (offset " + offset + ", shape " + Arrays.toString(shape) + ", stride "
                + Arrays.toString(stride) + ")";
        if (stride.length != shape.length) {
            throw new WeightsFormatException(
                    source,
                    what + ": stride " + Arrays.toString(stride) + " does not match shape " + Arrays.toString(shape));
        }
        if (offset < 0 || Arrays.stream(stride).anyMatch(s -> s < 0)) {
            throw new WeightsFormatException(source, what + ": " + view + " has a negative offset or stride");
        }
        int numel = (int) numel(shape, source, what);
        long viewBytes = Math.multiplyExact(numel, (long) dtype.size());
        if (viewBytes > storage.capacity()) {
            throw new WeightsFormatException(
                    source,
                    what + ": " + view + " needs " + viewBytes + " bytes of " + dtype + ", more than its storage of "
                            + storage.capacity() + " bytes");
        }
        long storageElements = storage.capacity() / dtype.size();
        if (numel > 0 && lastElement(offset, shape, stride, source, what + ": " + view) >= storageElements) {
            throw new WeightsFormatException(
                    source, what + ": " + view + " reaches outside its storage of " + storageElements + " elements");
        }
        return dtype.target() == TensorType.FLOAT32
                ? HostTensor.ofFloats(shape, floats(storage, dtype, numel, offset, shape, stride))
                : HostTensor.ofLongs(shape, longs(storage, dtype, numel, offset, shape, stride));
    }

    /** {@code offset + sum((shape[k] - 1) * stride[k])} for a non-empty view, or an error if it overflows. */
    private static long lastElement(long offset, long[] shape, long[] stride, String source, String what)
            throws WeightsFormatException {
        try {
            long last = offset;
            for (int k = 0; k < shape.length; k++) {
                last = Math.addExact(last, Math.multiplyExact(shape[k] - 1, stride[k]));
            }
            return last;
        } catch (ArithmeticException e) {
            throw new WeightsFormatException(source, what + " reaches past 2^63 elements", e);
        }
    }

    private static float[] floats(
            ByteBuffer storage, DType dtype, int numel, long offset, long[] shape, long[] stride) {
        float[] values = new float[numel];
        ElementWalk walk = new ElementWalk(offset, shape, stride);
        for (int i = 0; i < numel; i++) {
            values[i] = dtype.floatAt(storage, walk.next());
        }
        return values;
    }

    private static long[] longs(ByteBuffer storage, DType dtype, int numel, long offset, long[] shape, long[] stride) {
        long[] values = new long[numel];
        ElementWalk walk = new ElementWalk(offset, shape, stride);
        for (int i = 0; i < numel; i++) {
            values[i] = dtype.longAt(storage, walk.next());
        }
        return values;
    }

    /**
     * The storage element index of each view element in row-major order of the view, one at a time (an odometer
     * over the dimensions). Every index it yields lies between the offset and the checked last element, so it
     * fits in an int; the running sum may wrap in between (a dimension of size 1 with a huge stride), which long
     * arithmetic undoes exactly.
     */
    private static final class ElementWalk {
        private final long[] shape;
        private final long[] stride;
        private final long[] counter;
        private long at;

        ElementWalk(long offset, long[] shape, long[] stride) {
            this.shape = shape;
            this.stride = stride;
            this.counter = new long[shape.length];
            this.at = offset;
        }

        int next() {
            int index = (int) at;
            for (int k = shape.length - 1; k >= 0; k--) {
                counter[k]++;
                at += stride[k];
                if (counter[k] < shape[k]) {
                    break;
                }
                at -= counter[k] * stride[k];
                counter[k] = 0;
            }
            return index;
        }
    }
}
