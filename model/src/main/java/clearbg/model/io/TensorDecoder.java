package clearbg.model.io;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Materialises a (possibly strided) view of raw storage bytes as a contiguous row-major {@link HostTensor}:
 * element {@code (i0, ..., in)} of the view is storage element {@code offset + sum(ik * stride[k])}.
 */
final class TensorDecoder {
  private TensorDecoder() {}

  /** Row-major strides for {@code shape}: the layout of a contiguous tensor. */
  static long[] contiguousStrides(long[] shape) {
    long[] stride = new long[shape.length];
    long s = 1;
    for (int k = shape.length - 1; k >= 0; k--) {
      stride[k] = s;
      s *= Math.max(shape[k], 1);
    }
    return stride;
  }

  /**
   * Decodes the view.
   *
   * @param storage the storage bytes, byte order already set; position and limit are ignored
   * @param what names the tensor in error messages
   * @throws WeightsFormatException if the view reaches outside the storage or is too large for a Java array
   */
  static HostTensor decode(ByteBuffer storage, DType dtype, long offset, long[] shape, long[] stride,
      String source, String what) throws WeightsFormatException {
    if (stride.length != shape.length) {
      throw new WeightsFormatException(source, what + ": stride " + Arrays.toString(stride)
          + " does not match shape " + Arrays.toString(shape));
    }
    long numel;
    try {
      numel = HostTensor.numel(shape);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new WeightsFormatException(source, what + ": invalid shape " + Arrays.toString(shape), e);
    }
    if (numel > Integer.MAX_VALUE - 8) {
      throw new WeightsFormatException(source, what + ": " + numel + " elements do not fit in a Java array");
    }
    long storageElements = storage.capacity() / dtype.size();
    if (numel > 0) {
      long first = offset;
      long last = offset;
      for (int k = 0; k < shape.length; k++) {
        long reach = (shape[k] - 1) * stride[k];
        if (reach < 0) {
          first += reach;
        } else {
          last += reach;
        }
      }
      if (first < 0 || last >= storageElements) {
        throw new WeightsFormatException(source, what + ": view (offset " + offset + ", shape "
            + Arrays.toString(shape) + ", stride " + Arrays.toString(stride) + ") reaches outside its storage of "
            + storageElements + " elements");
      }
    }
    int[] index = elementIndices((int) numel, offset, shape, stride);
    if (dtype.target() == TensorType.FLOAT32) {
      float[] values = new float[index.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = dtype.floatAt(storage, index[i]);
      }
      return HostTensor.ofFloats(shape, values);
    }
    long[] values = new long[index.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = dtype.longAt(storage, index[i]);
    }
    return HostTensor.ofLongs(shape, values);
  }

  /** Storage element index of each view element, in row-major order of the view. */
  private static int[] elementIndices(int numel, long offset, long[] shape, long[] stride) {
    int[] index = new int[numel];
    long[] counter = new long[shape.length];
    long at = offset;
    for (int i = 0; i < numel; i++) {
      index[i] = (int) at;
      for (int k = shape.length - 1; k >= 0; k--) {
        counter[k]++;
        at += stride[k];
        if (counter[k] < shape[k]) {
          break;
        }
        at -= counter[k] * stride[k];
        counter[k] = 0;
      }
    }
    return index;
  }
}
