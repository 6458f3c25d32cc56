package clearbg.model.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense, row-major (C-order) tensor on the Java heap: a shape and a {@code float[]} or {@code long[]}.
 *
 * <p>No-copy contract: the value array handed to {@link #ofFloats} / {@link #ofLongs} is kept, not copied, and
 * {@link #floats()} / {@link #longs()} return that same array, because weight tensors are large. Callers must
 * not modify it after handing it over or after reading it. The shape is copied both ways. A 0-d tensor (a
 * scalar) has the shape {@code []} and one value.
 */
public final class HostTensor {
    private final TensorType type;
    private final long[] shape;
    private final float[] floats;
    private final long[] longs;

    private HostTensor(TensorType type, long[] shape, float[] floats, long[] longs) {
        this.type = type;
        this.shape = shape;
        this.floats = floats;
        this.longs = longs;
    }

    /**
     * A FLOAT32 tensor over {@code values} (not copied).
     *
     * @throws IllegalArgumentException if a dimension is negative or {@code values.length != product(shape)}
     */
    public static HostTensor ofFloats(long[] shape, float[] values) {
        Objects.requireNonNull(values, "values");
        long[] s = checkedShape(shape, values.length);
        return new HostTensor(TensorType.FLOAT32, s, values, null);
    }

    /**
     * An INT64 tensor over {@code values} (not copied).
     *
     * @throws IllegalArgumentException if a dimension is negative or {@code values.length != product(shape)}
     */
    public static HostTensor ofLongs(long[] shape, long[] values) {
        Objects.requireNonNull(values, "values");
        long[] s = checkedShape(shape, values.length);
        return new HostTensor(TensorType.INT64, s, null, values);
    }

    /**
     * The number of elements of {@code shape} (1 for the scalar shape {@code []}).
     *
     * @throws IllegalArgumentException if a dimension is negative or the product overflows a long
     */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static long[] checkedShape(long[] shape, int length) {
        Objects.requireNonNull(shape, "shape");
        long[] copy = shape.clone();
        long n = numel(copy);
        if (n != length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(copy) + " has " + n + " elements but " + length + " values were given");
        }
        return copy;
    }

    public TensorType type() {
        return type;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        return type == TensorType.FLOAT32 ? floats.length : longs.length;
    }

    /**
     * The values in row-major order; the backing array, not a copy (see the class contract).
     *
     * @throws IllegalStateException if this tensor is not FLOAT32
     */
    public float[] floats() {
        if (type != TensorType.FLOAT32) {
            throw new IllegalStateException("tensor is " + type + ", not FLOAT32");
        }
        return floats;
    }

    /**
     * The values in row-major order; the backing array, not a copy (see the class contract).
     *
     * @throws IllegalStateException if this tensor is not INT64
     */
    public long[] longs() {
        if (type != TensorType.INT64) {
            throw new IllegalStateException("tensor is " + type + ", not INT64");
        }
        return longs;
    }

    /** Equal when type, shape and every value are equal (floats compared bitwise, as {@link Arrays#equals}). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof HostTensor)) {
            return false;
        }
        HostTensor t = (HostTensor) o;
        return type == t.type
                && Arrays.equals(shape, t.shape)
                && Arrays.equals(floats, t.floats)
                && Arrays.equals(longs, t.longs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, Arrays.hashCode(shape), Arrays.hashCode(floats), Arrays.hashCode(longs));
    }

    /** Type and shape, e.g. {@code FLOAT32[64, 3, 3, 3]}; never the values. */
    @Override
    public String toString() {
        return type + Arrays.toString(shape);
    }
}
